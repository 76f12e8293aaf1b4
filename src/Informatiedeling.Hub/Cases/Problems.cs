using Informatiedeling.Policy.Engine;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Cases;

/// <summary>The one place where broker outcomes become RFC 9457 problem details. Never a field value in a problem.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, IReadOnlyList<string> problems) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = string.Join("; ", problems),
            Extensions = { ["problems"] = problems },
        });

    /// <summary>A request whose members were refused, each named by its path in the body (never its value).</summary>
    public static ProblemHttpResult Invalid(string title, IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
            Extensions = { ["errors"] = errors, ["problems"] = errors.SelectMany(e => e.Value).ToList() },
        });

    public static ProblemHttpResult Forbidden(string title, string reason, Explanation rule) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = title,
            Detail = reason,
            Extensions = { ["rule"] = rule.RuleId, ["article"] = rule.Article },
        });

    public static ProblemHttpResult ForbiddenList(string title, IReadOnlyList<string> problems) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = title,
            Detail = string.Join("; ", problems),
            Extensions = { ["problems"] = problems },
        });

    /// <summary>The case is no longer in the state the request was made for (another change came first); nothing changed.</summary>
    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>Something on a case the caller may see does not exist (an invitation, say).</summary>
    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    /// <summary>An identifier a caller typed, echoed in a problem: cut to a field id's length, control characters dropped.</summary>
    public static string Printable(string text) => new([.. text.Take(130).Where(c => !char.IsControl(c))]);

    /// <summary>The same answer for a case that does not exist and one the caller holds no role on.</summary>
    public static ProblemHttpResult CaseNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found", detail: "There is no case with this pseudonym that you may see.");
}

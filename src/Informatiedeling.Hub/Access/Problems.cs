using Informatiedeling.Policy.Engine;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Access;

/// <summary>The one place where outcomes become RFC 9457 problem details. Never a field value in a problem.</summary>
internal static class Problems
{
    public static BadRequestProblem BadRequest(string title, IReadOnlyList<string> problems) => new(new ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Title = title,
        Detail = string.Join("; ", problems),
        Extensions = { ["problems"] = problems },
    });

    /// <summary>One problem, told in the detail alone.</summary>
    public static BadRequestProblem BadRequest(string title, string detail) =>
        new(new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail });

    /// <summary>A request whose members were refused, each named by its path in the body (never its value).</summary>
    public static BadRequestProblem Invalid(string title, IReadOnlyDictionary<string, string[]> errors) => new(new ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Title = title,
        Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
        Extensions = { ["errors"] = errors, ["problems"] = errors.SelectMany(e => e.Value).ToList() },
    });

    public static ProblemDetails Forbidden(string title, string reason, Explanation rule) => new()
    {
        Status = StatusCodes.Status403Forbidden,
        Title = title,
        Detail = reason,
        Extensions = { ["rule"] = rule.RuleId, ["article"] = rule.Article },
    };

    public static ProblemDetails ForbiddenList(string title, IReadOnlyList<string> problems) => new()
    {
        Status = StatusCodes.Status403Forbidden,
        Title = title,
        Detail = string.Join("; ", problems),
        Extensions = { ["problems"] = problems },
    };

    /// <summary>The case is no longer in the state the request was made for (another change came first); nothing changed.</summary>
    public static ConflictProblem Conflict(string title, string detail) =>
        new(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = title, Detail = detail });

    /// <summary>Something on a case the caller may see does not exist (an invitation, say).</summary>
    public static ProblemDetails NotFound(string title, string detail) =>
        new() { Status = StatusCodes.Status404NotFound, Title = title, Detail = detail };

    /// <summary>The same answer for a case that does not exist and one the caller holds no role on.</summary>
    public static ProblemDetails CaseNotFound() => NotFound("Case not found", "There is no case with this pseudonym that you may see.");

    /// <summary>An identifier a caller typed, echoed in a problem: cut to a field id's length, control and formatting (bidi) characters dropped.</summary>
    public static string Printable(string text) =>
        new([.. text.Take(130).Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)]);
}

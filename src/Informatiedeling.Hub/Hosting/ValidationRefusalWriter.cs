using System.Text.Json;

namespace Informatiedeling.Hub.Hosting;

/// <summary>
/// The framework's validation of a request body answers before any broker runs, so before any access-log record:
/// this writer records the refusal (an error of the route's operation, no value) before the answer goes out, and
/// names each member by its path in the body as the caller wrote it (<c>person.fullName</c>), as the JSON reader
/// does. Writing itself is left to the default writer.
/// </summary>
internal sealed class ValidationRefusalWriter(RequestBodyAudit audit) : IProblemDetailsWriter
{
    private static readonly object Recorded = new();

    public bool CanWrite(ProblemDetailsContext context) =>
        context.ProblemDetails is HttpValidationProblemDetails && !context.HttpContext.Items.ContainsKey(Recorded);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        http.Items[Recorded] = true;
        await audit.RecordAsync(http, http.GetEndpoint(), http.Request.RouteValues, http.RequestAborted);

        var problem = (HttpValidationProblemDetails)context.ProblemDetails;
        var errors = problem.Errors.ToDictionary(e => JsonMember(e.Key), e => e.Value, StringComparer.Ordinal);
        problem.Errors.Clear();
        foreach (var (member, messages) in errors)
        {
            problem.Errors[member] = messages;
        }

        problem.Title = "The request body is not valid";
        problem.Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(context);
    }

    /// <summary><c>Person.FullName</c> (the contract's member path) as the body's <c>person.fullName</c>.</summary>
    private static string JsonMember(string path) =>
        string.Join('.', path.Split('.').Select(segment => JsonNamingPolicy.CamelCase.ConvertName(segment)));
}

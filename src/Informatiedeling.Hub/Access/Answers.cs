using System.Reflection;
using Informatiedeling.Policy.Engine;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Access;

/// <summary>
/// A problem-details answer (RFC 9457) whose status is in its type, so that a route declaring
/// <c>Results&lt;Ok&lt;T&gt;, Refusal, …&gt;</c> is described in the OpenAPI document by its code alone. It is written exactly
/// as <see cref="TypedResults.Problem(ProblemDetails)"/> writes it: through the problem details service, as
/// <c>application/problem+json</c>, with the request's trace id. Pages read <see cref="Value"/> for the title and detail.
/// </summary>
internal abstract class ProblemAnswer(ProblemDetails details) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    private readonly ProblemHttpResult _problem = TypedResults.Problem(details);

    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => Value;

    public int StatusCode => _problem.StatusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => _problem.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    protected static void Describe(EndpointBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        }
    }
}

/// <summary>400: the request is malformed or incomplete; nothing was released or changed.</summary>
internal sealed class BadRequestProblem(ProblemDetails details) : ProblemAnswer(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status400BadRequest);
}

/// <summary>403: refused by the convenant (with rule and article) or by function; recorded.</summary>
internal sealed class ForbiddenProblem(ProblemDetails details) : ProblemAnswer(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status403Forbidden);
}

/// <summary>404: no such case that the caller may see (the same answer for both), or no such thing on it.</summary>
internal sealed class NotFoundProblem(ProblemDetails details) : ProblemAnswer(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

/// <summary>
/// The gate's refusal of a case request: 404 for a case the caller has no standing on (exactly as for one that does
/// not exist), 403 with rule and article for one it may see but not act on thus. Recorded before it is answered.
/// </summary>
internal sealed class Refusal(ProblemDetails details, Explanation? rule = null) : ProblemAnswer(details), IEndpointMetadataProvider
{
    /// <summary>The rule that refused, for the hub's own log; null for a case that is not there.</summary>
    public Explanation? Rule => rule;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe(builder, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
}

/// <summary>409: the case is no longer as the request was decided for (another change came first); nothing changed.</summary>
internal sealed class ConflictProblem(ProblemDetails details) : ProblemAnswer(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}

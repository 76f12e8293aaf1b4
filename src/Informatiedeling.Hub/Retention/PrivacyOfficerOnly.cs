using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Informatiedeling.Hub.Retention;

/// <summary>Marks a route of the privacy officer, naming the operation its refusals are recorded under.</summary>
internal sealed record PrivacyOfficerRoute(string Operation);

/// <summary>
/// A signed-in partner that is not the privacy officer asking for one of the privacy officer's routes: the refusal
/// is recorded in the access log (art. 9.2 reviews refusals too) and answered with 403 problem details. Everything
/// else is left to the framework's handler.
/// </summary>
internal sealed class PrivacyOfficerOnly(IAccessLog accessLog, PolicyHolder policies, TimeProvider time, IProblemDetailsService problems, ILogger<PrivacyOfficerOnly> logger)
    : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || context.GetEndpoint()?.Metadata.GetMetadata<PrivacyOfficerRoute>() is not { } route)
        {
            await _framework.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        RetentionMessages.NotPrivacyOfficer(logger, context.User.PartnerOf() ?? "?", route.Operation);
        await accessLog.AppendAsync(
            RetentionRecords.For(context.User, AccessEventKind.AccessDecision, route.Operation, AccessDecision.Deny, time.GetUtcNow(), policies.Current),
            context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Only for the privacy officer",
                Detail = "This route is for the privacy officer (functionaris gegevensbescherming, convenant art. 9.2) only.",
            },
        });
    }
}

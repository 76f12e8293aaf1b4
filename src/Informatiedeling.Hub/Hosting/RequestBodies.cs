using System.Text.Json;
using System.Text.Json.Serialization;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Microsoft.AspNetCore.Routing;

namespace Informatiedeling.Hub.Hosting;

/// <summary>
/// Every JSON request body is read strictly and validated by the framework before a broker sees it: a member the
/// contract does not have is refused (never dropped), a missing or null member a contract requires and a value of the
/// wrong JSON type are 400 problem details that name the member by its path, never its value; each such refusal is
/// recorded in the access log as an error of the route's operation.
/// </summary>
internal static class RequestBodies
{
    /// <summary>Deeper than any contract of the hub nests, shallow enough that no body can exhaust the stack.</summary>
    public const int MaxDepth = 16;

    public static IServiceCollection AddRequestBodyValidation(this IServiceCollection services)
    {
        services.AddValidation();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.MaxDepth = MaxDepth;
        });

        // A body that cannot be read throws, in every environment, so that one handler answers it with a problem
        // naming the member and records it; the framework's default outside Development is a bare 400 and no record.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton<RequestBodyAudit>();

        // Ahead of the default writer, which is registered with the problem details service after this.
        services.AddSingleton<IProblemDetailsWriter, ValidationRefusalWriter>();
        return services;
    }
}

/// <summary>
/// The access-log record of a request refused before it reached the gate (its body could not be read): who, the
/// route's operation and case, Error; no member value. Recorded through the gate, like every other record.
/// </summary>
internal sealed class RequestBodyAudit(Gate gate)
{
    public Task RecordAsync(HttpContext http, Endpoint? endpoint, RouteValueDictionary? routeValues, CancellationToken cancellationToken)
    {
        var pseudonym = routeValues is not null && routeValues.TryGetValue("pseudonym", out var value) && CasePseudonym.TryParse(value as string, out var parsed)
            ? parsed
            : (CasePseudonym?)null;
        var route = endpoint?.Metadata.GetMetadata<AccessRoute>() ?? new AccessRoute(RouteMetadata.OperationOf(endpoint));
        return gate.RecordAsync(gate.Enter(http.User, route with { Kind = AccessEventKind.AccessDecision }), AccessDecision.Error, null, cancellationToken, about: pseudonym);
    }
}

using Informatiedeling.Hub.Access;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>
/// Every route that touches a case or the log passes the one gate: it carries the description the gate records it
/// under, and it declares its answers by type. A new route that forgets either fails here, before it can become a
/// second way in.
/// </summary>
public sealed class GateCoverageTests
{
    /// <summary>Routes that touch no case and no log: health, the document, who-am-I. Everything else must go through the gate.</summary>
    private static readonly string[] OutsideTheGate = ["/health/live", "/health/ready", "/openapi/{documentName}.json", "/me"];

    [Fact]
    public async Task Every_route_but_health_the_document_and_who_am_I_carries_its_gate_description_and_typed_answers()
    {
        await using var hub = HubFactory.OnSqlite();
        var endpoints = hub.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .ToList();
        var gated = endpoints.Where(e => !OutsideTheGate.Contains("/" + e.RoutePattern.RawText!.Trim('/'), StringComparer.Ordinal)).ToList();
        Assert.True(gated.Count >= 16, $"{gated.Count} routes");

        foreach (var endpoint in gated)
        {
            var name = $"{string.Join(',', endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)} {endpoint.RoutePattern.RawText}";
            var route = endpoint.Metadata.GetMetadata<AccessRoute>();
            Assert.True(route is not null, $"{name} carries no gate description (AccessRoute)");
            Assert.False(string.IsNullOrWhiteSpace(route.Operation), $"{name} has no operation");

            // Typed results put one response type per answer into the metadata; a handler returning IResult puts none.
            var answers = endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToList();
            Assert.True(answers.Any(s => s is >= 200 and < 300) && answers.Any(s => s is >= 400 and < 500), $"{name} declares its answers as {string.Join(',', answers)}");
        }

        // One operation names one route, so that the access log says which route a record came from.
        var operations = gated.Select(e => e.Metadata.GetMetadata<AccessRoute>()!.Operation).ToList();
        Assert.Equal(operations.Count, operations.Distinct(StringComparer.Ordinal).Count());
    }
}

/// <summary>
/// The privacy officer's routes are marked as such, and the gate refuses every one of them to a caller without the
/// function, recording the refusal: a route marked but forgetting the check, or checking but not marked, fails here.
/// </summary>
public sealed class PrivacyOfficerRouteTests
{
    [Fact]
    public async Task Every_route_marked_for_the_privacy_officer_refuses_and_records_a_partner_without_the_function()
    {
        await using var hub = await Cases.CaseHub.StartAsync("sqlite");
        var marked = hub.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AccessRoute>() is { PrivacyOfficerOnly: true })
            .ToList();
        Assert.Equal(["/retention/holds", "/retention/upcoming"], marked.Select(e => "/" + e.RoutePattern.RawText!.Trim('/')).Order(StringComparer.Ordinal));

        foreach (var endpoint in marked)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            var operation = endpoint.Metadata.GetMetadata<AccessRoute>()!.Operation;
            using var refused = await hub.SendAsync("zvh", HttpMethod.Get, path);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("privacy officer", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var records = await hub.LogAsync(r => r.Operation == operation);
            Assert.Equal(Informatiedeling.AccessLog.Records.AccessDecision.Deny, Assert.Single(records).Record.Decision);
        }
    }
}

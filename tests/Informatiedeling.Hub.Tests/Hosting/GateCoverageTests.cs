using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Authentication;
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
    /// <summary>A well-formed body per route that takes one, so that what refuses is the function, not the body.</summary>
    private static readonly Dictionary<string, object> Bodies = new(StringComparer.Ordinal)
    {
        ["POST /access-log/persons"] = new { fullName = "Iemand Anders", dateOfBirth = "1990-01-01" },
        ["POST /access-log/subject-report"] = new { fullName = "Iemand Anders", dateOfBirth = "1990-01-01" },
        ["POST /access-log/integrity/consistency"] = new { checkpoint = "informatiedeling.nl/toegangslog\n1\nAAAA\n" },
        ["POST /access-log/reviews/{seq}"] = new { disposition = "justified", note = "Toelichting" },
        ["POST /policy/proposals/{id}/approval"] = new { revision = 1, acknowledgeWidening = true },
        ["POST /policy/proposals/{id}/rejection"] = new { reason = "Toelichting" },
        ["POST /policy/proposals/{id}/activation"] = new { revision = 1 },
    };

    [Fact]
    public async Task Every_route_marked_for_the_privacy_officer_refuses_and_records_a_partner_without_the_function()
    {
        await using var hub = await Cases.CaseHub.StartAsync("sqlite");
        var marked = Marked(hub);
        Assert.Contains("GET /retention/holds", marked.Select(m => m.Name));
        Assert.Contains("GET /access-log/records", marked.Select(m => m.Name));

        foreach (var (name, method, path, route) in marked)
        {
            // An employee, and a partner's own privacy officer on a route that is the hub's privacy officer's alone.
            foreach (var function in route.PartnerPrivacyOfficers ? new string?[] { null } : [null, PartnerClaims.PartnerPrivacyOfficer])
            {
                using var refused = await hub.SendAsAsync("zvh", "zvh-medewerker", function, method, path, Bodies.GetValueOrDefault(name));
                Assert.True(refused.StatusCode == System.Net.HttpStatusCode.Forbidden, $"{name} as {function ?? "an employee"}: {(int)refused.StatusCode}");
                Assert.Contains("privacy officer", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var records = await hub.LogAsync(r => r.Operation == route.Operation);
            Assert.Equal(route.PartnerPrivacyOfficers ? 1 : 2, records.Count);
            Assert.All(records, r => Assert.Equal(Informatiedeling.AccessLog.Records.AccessDecision.Deny, r.Record.Decision));
        }
    }

    /// <summary>The routes marked for the privacy officer, with their method and a path to call them by (route values filled in).</summary>
    private static List<(string Name, HttpMethod Method, string Path, AccessRoute Route)> Marked(Cases.CaseHub hub) =>
    [
        .. hub.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AccessRoute>() is { PrivacyOfficerOnly: true })
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m =>
            {
                var pattern = "/" + e.RoutePattern.RawText!.Trim('/');
                var path = System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", "1");
                return ($"{m} {pattern}", new HttpMethod(m), path, e.Metadata.GetMetadata<AccessRoute>()!);
            })),
    ];
}

/// <summary>
/// The functional administrator's routes (proposing and revising a change of the sharing rules) refuse, and record, every
/// caller without that function: an employee, the hub's privacy officer, a partner's own privacy officer.
/// </summary>
public sealed class FunctionalAdministratorRouteTests
{
    private static readonly Dictionary<string, object> Bodies = new(StringComparer.Ordinal)
    {
        ["POST /policy/proposals"] = new { title = "Voorstel", files = new Dictionary<string, string> { ["retention.yaml"] = "retention: []\n" } },
        ["PUT /policy/proposals/{id}"] = new { title = "Voorstel" },
    };

    [Fact]
    public async Task Every_route_marked_for_the_functional_administrator_alone_refuses_and_records_everyone_else()
    {
        await using var hub = await Cases.CaseHub.StartAsync("sqlite");
        var marked = hub.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AccessRoute>() is { FunctionalAdministrators: true, PrivacyOfficerOnly: false })
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Name: $"{m} /{e.RoutePattern.RawText!.Trim('/')}", Method: new HttpMethod(m),
                Path: System.Text.RegularExpressions.Regex.Replace("/" + e.RoutePattern.RawText!.Trim('/'), "{[^}]+}", "1"), Route: e.Metadata.GetMetadata<AccessRoute>()!)))
            .ToList();
        Assert.Equal(["POST /policy/proposals", "PUT /policy/proposals/{id}"], marked.Select(m => m.Name).Order(StringComparer.Ordinal));
        foreach (var (name, method, path, route) in marked)
        {
            foreach (var function in new string?[] { null, PartnerClaims.PrivacyOfficer, PartnerClaims.PartnerPrivacyOfficer })
            {
                using var refused = await hub.SendAsAsync("zvh", "iemand", function, method, path, Bodies[name]);
                Assert.True(refused.StatusCode == System.Net.HttpStatusCode.Forbidden, $"{name} as {function ?? "an employee"}: {(int)refused.StatusCode}");
                Assert.Contains("functional administrator", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var records = await hub.LogAsync(r => r.Operation == route.Operation);
            Assert.Equal(3, records.Count);
            Assert.All(records, r => Assert.Equal(Informatiedeling.AccessLog.Records.AccessDecision.Deny, r.Record.Decision));
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>The OpenAPI document names and summarises every route the hub serves, with its answers.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_document_lists_every_route_with_a_name_a_summary_and_its_problem_statuses()
    {
        await using var hub = HubFactory.OnSqlite();
        using var response = await hub.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        var routes = hub.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Path: "/" + e.RoutePattern.RawText!.Trim('/'), Method: m.ToLowerInvariant())))
            .Where(r => r.Path != "/openapi/{documentName}.json")
            .ToList();
        Assert.True(routes.Count >= 12, $"{routes.Count} routes");

        foreach (var (path, method) in routes)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{method} {path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} has no operation");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()), $"{method} {path} has no name");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has no summary");
        }

        (string Path, string Method, string[] Statuses)[] lifecycle =
        [
            ("/cases/{pseudonym}", "get", ["200", "404"]),
            ("/cases/{pseudonym}/data", "get", ["200", "400", "403", "404"]),
            ("/cases/{pseudonym}/weighings", "post", ["200", "400", "403", "404", "409"]),
            ("/cases/{pseudonym}/fields", "put", ["200", "400", "403", "404", "409"]),
            ("/cases/{pseudonym}/step", "post", ["200", "400", "403", "404", "409"]),
            ("/cases/{pseudonym}/rasci/{step}", "put", ["200", "400", "403", "404"]),
            ("/cases/{pseudonym}/invitations", "post", ["200", "400", "403", "404"]),
            ("/cases/{pseudonym}/invitations/{partner}", "delete", ["204", "400", "403", "404"]),
            ("/cases/{pseudonym}/closure", "post", ["200", "400", "403", "404", "409"]),
            ("/monitoring", "get", ["200", "400", "403"]),
            ("/cases", "post", ["200", "201", "400", "403", "404", "409"]),
            ("/cases", "get", ["200", "400"]),
            ("/cases/{pseudonym}/holds", "post", ["201", "400", "403", "404", "409"]),
            ("/cases/{pseudonym}/holds/{id}", "delete", ["204", "403", "404", "409"]),
            ("/retention/holds", "get", ["200", "403"]),
            ("/retention/upcoming", "get", ["200", "400", "403"]),
            ("/retention/purge-notices", "get", ["200", "400"]),
        ];
        foreach (var (path, method, statuses) in lifecycle)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(statuses, operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
            foreach (var problem in statuses.Where(s => s[0] == '4'))
            {
                Assert.True(operation.GetProperty("responses").GetProperty(problem).GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path} {problem}");
            }
        }

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "CaseSummary", "WriteResult", "WeighingRequest", "FieldsRequest", "StepRequest", "RasciRequest", "InvitationRequest", "ClosureRequest", "MonitoringFigures", "EvaluationRecord", "CaseData", "CaseListPage", "MyCase" })
        {
            Assert.True(schemas.TryGetProperty(schema, out _), $"schema {schema} is missing");
        }
    }
}

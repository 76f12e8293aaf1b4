using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.Cases;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>
/// Every route that takes a JSON body, found in the hub's own endpoint data source so that a new route cannot be left
/// out, gets its body with each member missing, null and of every wrong JSON type, and as <c>{}</c>, <c>null</c>,
/// <c>[]</c>, not JSON, nested too deep and too large: never a 5xx, every refusal problem details, every refusal of
/// a signed-in caller in the access log. The full matrix on SQLite, a sample of it on PostgreSQL.
/// </summary>
public sealed class RequestBodyMatrixTests
{
    private static readonly Dictionary<string, string?> Unlimited = new()
    {
        ["RateLimiting:Burst"] = "1000000",
        ["RateLimiting:PerPeriod"] = "1000000",
        ["RateLimiting:PerAddressBurst"] = "1000000",
        ["RateLimiting:PerAddressPerPeriod"] = "1000000",
    };

    /// <summary>Who sends each route's body: a partner that gets past the gate there, so the body reaches its broker.</summary>
    private static readonly Dictionary<string, string> Sender = new(StringComparer.Ordinal)
    {
        ["TakeInReport"] = "veilig-thuis",
        ["PlaceLegalHold"] = "politie",
    };

    private static readonly JsonNode?[] WrongTypes = [null, JsonValue.Create("x"), JsonValue.Create(7), JsonValue.Create(true), new JsonArray(), new JsonObject()];

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task No_body_of_any_route_gets_a_5xx_and_every_refusal_is_problem_details_and_logged(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine, extra: Unlimited);
        var pseudonym = await hub.NewCaseAsync();
        await hub.MoveToAsync(pseudonym, "casusoverleg");
        var routes = BodyRoutes(hub);
        Assert.Superset(
            new HashSet<string>(["TakeInReport", "RecordWeighing", "WriteCaseFields", "FinishStep", "SetStepRoles", "InviteShellPartner", "CloseCase", "PlaceLegalHold", "DevelopmentToken"]),
            routes.Select(r => r.Name).ToHashSet());

        var failures = new List<string>();
        foreach (var route in routes)
        {
            var bodies = engine == "sqlite" ? Bodies(route.Body).ToList() : [.. Bodies(route.Body).Where(b => b.What is "{}" or "null" or "[]" || b.What.EndsWith(" null", StringComparison.Ordinal))];
            var path = Path(route.Pattern, pseudonym);
            var partner = Sender.GetValueOrDefault(route.Name, "zvh");
            var before = await RecordsAsync(hub, route);
            var refused = 0;
            foreach (var (what, json) in bodies)
            {
                using var response = route.Anonymous ? await PostAnonymousAsync(hub, route.Method, path, json) : await hub.SendRawAsync(partner, route.Method, path, json);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status >= 500)
                {
                    failures.Add($"{route.Method} {route.Pattern} with {what}: {status} {text}");
                }
                else if (status >= 400)
                {
                    refused++;
                    if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{route.Method} {route.Pattern} with {what}: {status} without problem details");
                    }
                }
            }

            var recorded = await RecordsAsync(hub, route) - before;
            if (recorded < refused)
            {
                failures.Add($"{route.Method} {route.Pattern}: {refused} refusals, {recorded} in the access log");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_reproduced_bodies_are_400s_naming_the_member_and_logged(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var cases = new (string Body, string Member)[]
        {
            ("{}", "person"),
            ("""{"person":{"fullName":"Ana","dateOfBirth":"1990-01-01"},"fields":null}""", "fields"),
            ("""{"person":{"fullName":"Ana","dateOfBirth":"1990-01-01"},"fields":{"melding.inhoud":null}}""", "fields['melding.inhoud']"),
            ("""{"person":{},"fields":{}}""", "person.fullName"),
            ("""{"person":{"fullName":null,"dateOfBirth":"1990-01-01"},"fields":{}}""", "person.fullName"),
        };
        foreach (var (body, member) in cases)
        {
            using var response = await hub.SendRawAsync("veilig-thuis", HttpMethod.Post, "/cases", body);
            var problem = await ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(IntakeValidationTests.ErrorKeys(problem).Contains(member), $"{body}: {problem}");
        }

        Assert.Equal(cases.Length, (await hub.LogAsync(r => r.Operation == "case.intake" && r.Decision == AccessDecision.Error)).Count);

        foreach (var (body, member) in new[] { ("""{"user":"u-1"}""", "partner"), ("""{"partner":"politie"}""", "user"), ("""{"partner":"politie","user":null}""", "user") })
        {
            using var response = await PostAnonymousAsync(hub, HttpMethod.Post, "/dev/token", body);
            var problem = await ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(IntakeValidationTests.ErrorKeys(problem).Contains(member), $"{body}: {problem}");
        }

        Assert.Equal(3, (await hub.LogAsync(r => r.Operation == "identity.dev-token" && r.Decision == AccessDecision.Error)).Count);
    }

    private sealed record BodyRoute(string Name, HttpMethod Method, string Pattern, Type Body, bool Anonymous);

    private static List<BodyRoute> BodyRoutes(CaseHub hub) =>
    [
        .. hub.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not null)
            .Select(e => new BodyRoute(
                e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText!,
                new HttpMethod(e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single()),
                e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<IAcceptsMetadata>()!.RequestType!,
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is null)),
    ];

    private static string Path(string pattern, string pseudonym) => pattern
        .Replace("{pseudonym}", pseudonym, StringComparison.Ordinal)
        .Replace("{step}", "nazorg", StringComparison.Ordinal)
        .Replace("{partner}", "kmar", StringComparison.Ordinal)
        .Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal);

    /// <summary>The body as a whole gone wrong, then each member (nested ones and dictionary values included) missing and of every wrong type.</summary>
    private static IEnumerable<(string What, string Json)> Bodies(Type type)
    {
        yield return ("{}", "{}");
        yield return ("null", "null");
        yield return ("[]", "[]");
        yield return ("not JSON", "{\"a\":");
        yield return ("nested too deep", new string('[', 5000) + new string(']', 5000));
        yield return ("an unknown member", Plausible(type)!.ToJsonString().Insert(1, "\"bsn\":\"123456782\","));
        yield return ("too large", $"{{\"{Members(type).First().Name}\":\"{new string('x', 400_000)}\"}}");
        foreach (var path in Paths(type, []))
        {
            var name = string.Join('.', path);
            yield return ($"{name} missing", With(type, path, remove: true, null));
            foreach (var wrong in WrongTypes)
            {
                yield return ($"{name} {wrong?.ToJsonString() ?? "null"}", With(type, path, remove: false, wrong));
            }
        }
    }

    private static IEnumerable<string[]> Paths(Type type, string[] prefix)
    {
        foreach (var (name, member) in Members(type))
        {
            string[] path = [.. prefix, name];
            yield return path;
            var inner = Nullable.GetUnderlyingType(member) ?? member;
            if (IsContract(inner))
            {
                foreach (var nested in Paths(inner, path))
                {
                    yield return nested;
                }
            }
            else if (inner.IsGenericType && inner.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                yield return [.. path, KeyFor(name)];
            }
        }
    }

    private static string With(Type type, string[] path, bool remove, JsonNode? value)
    {
        var root = Plausible(type)!.AsObject();
        var parent = root;
        foreach (var segment in path[..^1])
        {
            parent = parent[segment]!.AsObject();
        }

        if (remove)
        {
            parent.Remove(path[^1]);
        }
        else
        {
            parent[path[^1]] = value?.DeepClone();
        }

        return root.ToJsonString();
    }

    /// <summary>A value of the member's type that does not succeed where it would change the case (an unknown step, partner, reason).</summary>
    private static JsonNode? Plausible(Type type, string name = "")
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner == typeof(string))
        {
            return JsonValue.Create("x");
        }

        if (inner == typeof(DateOnly))
        {
            return JsonValue.Create("1990-01-01");
        }

        if (inner == typeof(DateTimeOffset))
        {
            return JsonValue.Create("2099-01-01T00:00:00Z");
        }

        if (inner.IsGenericType && inner.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return new JsonObject { [KeyFor(name)] = "x" };
        }

        var node = new JsonObject();
        foreach (var (member, memberType) in Members(inner))
        {
            node[member] = Plausible(memberType, member);
        }

        return node;
    }

    private static string KeyFor(string member) => member == "fields" ? "melding.inhoud" : "politie";

    private static bool IsContract(Type type) => type.IsClass && type != typeof(string) && !type.IsGenericType && type.Namespace?.StartsWith("Informatiedeling", StringComparison.Ordinal) == true;

    private static IEnumerable<(string Name, Type Type)> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType));

    private static async Task<int> RecordsAsync(CaseHub hub, BodyRoute route)
    {
        var operations = route.Name switch
        {
            "TakeInReport" => new[] { "case.intake", "case.add-report" },
            _ => [Hub.Access.RouteMetadata.OperationOf(hub.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
                .Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == route.Name))],
        };
        return (await hub.LogAsync(r => operations.Contains(r.Operation), everyKind: true)).Count;
    }

    private static async Task<HttpResponseMessage> PostAnonymousAsync(CaseHub hub, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await hub.Client.SendAsync(request);
    }
}

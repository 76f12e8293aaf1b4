using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.Authentication;

/// <summary>The development issuer: tokens for the reference partners in Development, refused anywhere else.</summary>
public sealed class DevelopmentIssuerTests
{
    private static readonly Dictionary<string, string?> Enabled = new() { ["Authentication:DevelopmentIssuer:Enabled"] = "true" };

    [Fact]
    public async Task In_development_it_mints_tokens_the_hub_accepts_for_known_partners_only()
    {
        await using var hub = HubFactory.OnSqlite(Enabled, environment: "Development");
        var client = hub.CreateClient();

        using var minted = await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("zorgcoordinatie", "coordinator-3"));
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        var token = (await minted.Content.ReadFromJsonAsync<DevelopmentToken>())!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var me = await client.SendAsync(request);
        Assert.Equal(new WhoAmI("zorgcoordinatie", "coordinator-3", DevelopmentIssuer.IssuerName), await me.Content.ReadFromJsonAsync<WhoAmI>());

        using var unknown = await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("woningcorporatie", "x"));
        await Hosting.ProblemDetailsTests.AssertProblemAsync(unknown, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Each_user_is_rate_limited_on_its_own_with_a_429_problem()
    {
        await using var hub = HubFactory.OnSqlite(new Dictionary<string, string?>(Enabled) { ["RateLimiting:Burst"] = "5", ["RateLimiting:PerPeriod"] = "1", ["RateLimiting:Period"] = "01:00:00" }, environment: "Development");
        var client = hub.CreateClient();
        async Task<HttpResponseMessage> MeAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await client.SendAsync(request);
        }

        async Task<string> TokenAsync(string user) =>
            (await (await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("politie", user))).Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;

        var busy = await TokenAsync("busy-agent");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await MeAsync(busy)).StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using var limited = await MeAsync(busy);
        await Hosting.ProblemDetailsTests.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(await TokenAsync("quiet-agent"))).StatusCode);
    }

    [Fact]
    public async Task Outside_development_there_is_no_token_endpoint()
    {
        await using var hub = HubFactory.OnSqlite();
        using var response = await hub.CreateClient().PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("politie", "x"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_to_start_with_it_outside_development()
    {
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        var secrets = HubSecrets.WriteTo(Path.Combine(work, "secrets"));
        var result = await ProgramRun.RunAsync(RepositoryPaths.Program("Informatiedeling.Hub", "Informatiedeling.Hub"), [], new Dictionary<string, string>
        {
            ["Keys__CertificatePath"] = secrets.CertificatePath,
            ["AccessLog__SigningKeyPath"] = secrets.SigningKeyPath,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Storage__DataDirectory"] = Path.Combine(work, "data"),
            ["Authentication__DevelopmentIssuer__Enabled"] = "true",
        }, work, timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Informatiedeling cannot start: Authentication:DevelopmentIssuer:Enabled is true in the 'Production' environment.", result.Error.Trim(), StringComparison.Ordinal);
    }
}

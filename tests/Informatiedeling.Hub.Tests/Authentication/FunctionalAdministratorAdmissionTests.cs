using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.Authentication;

/// <summary>
/// The functional administrator's function is admitted only from an issuer configured for it: the same token from a
/// provider that is not makes no administrator, and cannot propose a change of the sharing rules.
/// </summary>
public sealed class FunctionalAdministratorAdmissionTests : IAsyncLifetime
{
    private readonly OidcTestUser _administrator = new("gemeente-fb-1", "gemeente", PartnerClaims.FunctionalAdministrator);
    private OidcProviderServer _municipality = null!;

    public async Task InitializeAsync() => _municipality = await OidcProviderServer.StartAsync([_administrator]);

    public async Task DisposeAsync() => await _municipality.DisposeAsync();

    [Theory]
    [InlineData(null, null)]
    [InlineData("functioneel-beheerder", PartnerClaims.FunctionalAdministrator)]
    public async Task Only_an_issuer_configured_for_it_makes_a_functional_administrator(string? configured, string? admitted)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:Issuers:0:Name"] = "gemeente",
            ["Authentication:Issuers:0:Issuer"] = _municipality.Issuer,
            ["Authentication:Issuers:0:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:0:Partners:0"] = "gemeente",
            ["Authentication:Issuers:0:FunctionClaim"] = "function",
            ["Authentication:Issuers:0:RequireHttpsMetadata"] = "false",
        };
        if (configured is not null)
        {
            settings["Authentication:Issuers:0:FunctionalAdministratorFunction"] = configured;
        }

        await using var hub = HubFactory.OnSqlite(settings);
        var token = await _municipality.TokenAsync(_administrator);
        using var me = await SendAsync(hub, HttpMethod.Get, "/me", token);
        Assert.Equal(new WhoAmI("gemeente", _administrator.ClientId, _municipality.Issuer, admitted), await me.Content.ReadFromJsonAsync<WhoAmI>());
        using var proposals = await SendAsync(hub, HttpMethod.Get, "/policy/proposals", token);
        Assert.Equal(admitted is null ? HttpStatusCode.Forbidden : HttpStatusCode.OK, proposals.StatusCode);
    }

    [Fact]
    public async Task An_issuer_giving_the_administrator_a_privacy_officers_function_value_stops_start_up()
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
            ["Authentication__Issuers__0__Name"] = "gemeente",
            ["Authentication__Issuers__0__Issuer"] = "https://gemeente.example",
            ["Authentication__Issuers__0__Audience"] = "informatiedeling",
            ["Authentication__Issuers__0__Partners__0"] = "gemeente",
            ["Authentication__Issuers__0__FunctionClaim"] = "function",
            ["Authentication__Issuers__0__PrivacyOfficerFunction"] = "beheer",
            ["Authentication__Issuers__0__FunctionalAdministratorFunction"] = "beheer",
        }, work, timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the one who proposes a rule change cannot be the one who approves it", result.Error, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HubFactory hub, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await hub.CreateClient().SendAsync(request);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Informatiedeling.Testing;

/// <summary>
/// A test user of the identity provider: a confidential client whose tokens carry <see cref="Partner"/> (and
/// <see cref="Function"/> when set), plus <see cref="Claims"/> as given, which may replace either.
/// </summary>
public sealed record OidcTestUser(string ClientId, string Partner, string? Function = null)
{
    public string Secret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Claims the provider adds to this user's access tokens as they stand (any JSON value).</summary>
    public JsonObject? Claims { get; init; }
}

/// <summary>
/// A person who signs in at the provider with a browser: <see cref="Login"/> on its login page (no password) is also
/// their <c>sub</c>; their id token carries <see cref="Partner"/> (and <see cref="Function"/> when set), plus
/// <see cref="Claims"/> as given, which may replace any of them.
/// </summary>
public sealed record OidcTestPerson(string Login, string Partner, string? Function = null)
{
    /// <summary>Claims the provider adds to this person's id tokens as they stand (any JSON value).</summary>
    public JsonObject? Claims { get; init; }
}

/// <summary>
/// A client for people signing in with a browser: authorization code with PKCE (S256, which the provider always
/// requires), to <see cref="RedirectUris"/>. Confidential by default (a secret sent as <c>client_secret_post</c>, or
/// <c>client_secret_basic</c> when <see cref="AuthMethod"/> says so); a public client has no secret.
/// </summary>
public sealed record OidcBrowserClient(string ClientId, IReadOnlyList<string> RedirectUris, bool Confidential = true)
{
    /// <summary>The client's secret; null for a public client.</summary>
    public string? Secret { get; } = Confidential ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : null;

    public string AuthMethod { get; init; } = "client_secret_post";

    public IReadOnlyList<string> PostLogoutRedirectUris { get; init; } = [];

    /// <summary>Where the provider posts a logout token when the person signs out there; null: no back-channel logout.</summary>
    public string? BackchannelLogoutUri { get; init; }
}

/// <summary>
/// A real, certified OpenID Connect provider (the npm package oidc-provider, tests/oidc-provider) on a free
/// loopback port, with ECDSA P-256 signing keys the test controls: it can rotate them by restarting with a new
/// key set, and sign tokens of its own with them to prove the hub rejects what the provider never issued. Systems get
/// access tokens with the client-credentials grant (<see cref="OidcTestUser"/>); people sign in with a browser
/// (<see cref="OidcTestPerson"/>, through an <see cref="OidcBrowserClient"/>) at a login page of the provider's own.
/// </summary>
public sealed class OidcProviderServer : IAsyncDisposable
{
    public const string Audience = "urn:informatiedeling";
    private readonly string _folder = TestRun.CreateTempSubdirectory("infodeel-oidc-").FullName;
    private readonly IReadOnlyList<OidcTestUser> _users;
    private readonly int _accessTokenTtl;
    private readonly List<string> _log = [];
    private Process? _process;

    private OidcProviderServer(int port, IReadOnlyList<OidcTestUser> users, int accessTokenTtl)
    {
        Issuer = $"http://127.0.0.1:{port}";
        _users = users;
        _accessTokenTtl = accessTokenTtl;
    }

    public string Issuer { get; }

    /// <summary>The people who can sign in at the provider's login page.</summary>
    public IReadOnlyList<OidcTestPerson> People { get; private init; } = [];

    /// <summary>The provider's clients for people signing in with a browser.</summary>
    public IReadOnlyList<OidcBrowserClient> BrowserClients { get; private init; } = [];

    /// <summary>A certificate (PEM) the provider trusts besides the system's: the hub's, where it posts logout tokens.</summary>
    public string? TrustedCertificatePem { get; private init; }

    /// <summary>The signing keys, the first one current; the provider publishes all of them.</summary>
    public List<ECDsa> Keys { get; } = [];

    public string CurrentKeyId => KeyId(0);

    /// <summary>The claim a user's <see cref="OidcTestUser.Function"/> goes in.</summary>
    public string FunctionClaim { get; init; } = "function";

    public static async Task<OidcProviderServer> StartAsync(
        IReadOnlyList<OidcTestUser> users, int accessTokenTtl = 300, string functionClaim = "function",
        IReadOnlyList<OidcTestPerson>? people = null, IReadOnlyList<OidcBrowserClient>? browserClients = null, string? trustedCertificatePem = null)
    {
        await EnsureInstalledAsync();
        var server = new OidcProviderServer(FreePort(), users, accessTokenTtl)
        {
            FunctionClaim = functionClaim,
            People = people ?? [],
            BrowserClients = browserClients ?? [],
            TrustedCertificatePem = trustedCertificatePem,
        };
        server.Keys.Add(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        await server.RunAsync();
        return server;
    }

    /// <summary>Key rotation as a provider does it: a new current key, the old one still published.</summary>
    public async Task RotateKeysAsync()
    {
        Keys.Insert(0, ECDsa.Create(ECCurve.NamedCurves.nistP256));
        await StopAsync();
        await RunAsync();
    }

    /// <summary>An access token from the provider's token endpoint (client-credentials grant).</summary>
    public async Task<string> TokenAsync(OidcTestUser user)
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(new Uri($"{Issuer}/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = user.ClientId,
            ["client_secret"] = user.Secret,
            ["scope"] = "cases",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode
            ? body.GetProperty("access_token").GetString()!
            : throw new InvalidOperationException($"token request failed: {body}");
    }

    /// <summary>
    /// What the provider was asked, in order: each authorization request and each end-session request as the browser
    /// sent it (<c>endpoint</c> "authorization" or "end_session", its <c>query</c>), each pushed authorization request
    /// ("par", its <c>params</c>) and each authorization it granted ("accepted", the <c>params</c> it granted on).
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> RequestsAsync()
    {
        using var client = new HttpClient();
        var requests = await client.GetFromJsonAsync<JsonElement>(new Uri($"{Issuer}/_test/requests"));
        return [.. requests.EnumerateArray()];
    }

    public string KeyId(int index) => $"k{Keys.Count - index}";

    /// <summary>What the provider printed so far (its errors among it), for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return string.Join("\n", _log);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var key in Keys)
        {
            key.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static JsonNode Client(OidcTestUser user)
    {
        var client = new JsonObject { ["clientId"] = user.ClientId, ["secret"] = user.Secret, ["partner"] = user.Partner };
        if (user.Function is not null)
        {
            client["function"] = user.Function;
        }

        if (user.Claims is not null)
        {
            client["claims"] = user.Claims.DeepClone();
        }

        return client;
    }

    private static JsonNode Person(OidcTestPerson person)
    {
        var node = new JsonObject { ["login"] = person.Login, ["partner"] = person.Partner };
        if (person.Function is not null)
        {
            node["function"] = person.Function;
        }

        if (person.Claims is not null)
        {
            node["claims"] = person.Claims.DeepClone();
        }

        return node;
    }

    private static JsonNode BrowserClient(OidcBrowserClient client)
    {
        var node = new JsonObject
        {
            ["clientId"] = client.ClientId,
            ["redirectUris"] = new JsonArray([.. client.RedirectUris.Select(u => (JsonNode)u)]),
            ["postLogoutRedirectUris"] = new JsonArray([.. client.PostLogoutRedirectUris.Select(u => (JsonNode)u)]),
        };
        if (client.Secret is not null)
        {
            node["secret"] = client.Secret;
            node["authMethod"] = client.AuthMethod;
        }

        if (client.BackchannelLogoutUri is not null)
        {
            node["backchannelLogoutUri"] = client.BackchannelLogoutUri;
        }

        return node;
    }

    private async Task RunAsync()
    {
        var config = new JsonObject
        {
            ["issuer"] = Issuer,
            ["audience"] = Audience,
            ["accessTokenTtl"] = _accessTokenTtl,
            ["functionClaim"] = FunctionClaim,
            ["clients"] = new JsonArray([.. _users.Select(Client)]),
            ["users"] = new JsonArray([.. People.Select(Person)]),
            ["browserClients"] = new JsonArray([.. BrowserClients.Select(BrowserClient)]),
            ["keys"] = new JsonArray([.. Keys.Select((k, i) => (JsonNode)Jwk(k, KeyId(i)))]),
        };
        var file = Path.Combine(_folder, "config.json");
        await File.WriteAllTextAsync(file, config.ToJsonString());
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ProviderFolder };
        if (TrustedCertificatePem is not null)
        {
            var trusted = Path.Combine(_folder, "trusted.pem");
            await File.WriteAllTextAsync(trusted, TrustedCertificatePem);
            start.Environment["NODE_EXTRA_CA_CERTS"] = trusted;
        }

        start.ArgumentList.Add("server.mjs");
        start.ArgumentList.Add(file);
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        TestRun.Track(_process, "server.mjs");
        var ready = new TaskCompletionSource();
        var log = _log;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.Add(e.Data);
            }

            if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.Add(e.Data); } } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30))) != ready.Task)
        {
            throw new TimeoutException($"the identity provider did not start: {string.Join("\n", log)}");
        }
    }

    private async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    private static JsonObject Jwk(ECDsa key, string kid)
    {
        var p = key.ExportParameters(includePrivateParameters: true);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = kid, ["use"] = "sig", ["alg"] = "ES256",
            ["x"] = Base64Url(p.Q.X!), ["y"] = Base64Url(p.Q.Y!), ["d"] = Base64Url(p.D!),
        };
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string ProviderFolder => NpmFolder.Path("oidc-provider");

    /// <summary>Installs the provider's pinned packages (npm ci) on first use in a fresh checkout.</summary>
    private static Task EnsureInstalledAsync() => NpmFolder.EnsureInstalledAsync(ProviderFolder, "oidc-provider");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

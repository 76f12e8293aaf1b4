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
/// A real, certified OpenID Connect provider (the npm package oidc-provider, tests/oidc-provider) on a free
/// loopback port, with ECDSA P-256 signing keys the test controls: it can rotate them by restarting with a new
/// key set, and sign tokens of its own with them to prove the hub rejects what the provider never issued.
/// </summary>
public sealed class OidcProviderServer : IAsyncDisposable
{
    public const string Audience = "urn:informatiedeling";
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private readonly string _folder = TestRun.CreateTempSubdirectory("infodeel-oidc-").FullName;
    private readonly IReadOnlyList<OidcTestUser> _users;
    private readonly int _accessTokenTtl;
    private Process? _process;

    private OidcProviderServer(int port, IReadOnlyList<OidcTestUser> users, int accessTokenTtl)
    {
        Issuer = $"http://127.0.0.1:{port}";
        _users = users;
        _accessTokenTtl = accessTokenTtl;
    }

    public string Issuer { get; }

    /// <summary>The signing keys, the first one current; the provider publishes all of them.</summary>
    public List<ECDsa> Keys { get; } = [];

    public string CurrentKeyId => KeyId(0);

    /// <summary>The claim a user's <see cref="OidcTestUser.Function"/> goes in.</summary>
    public string FunctionClaim { get; init; } = "function";

    public static async Task<OidcProviderServer> StartAsync(IReadOnlyList<OidcTestUser> users, int accessTokenTtl = 300, string functionClaim = "function")
    {
        await EnsureInstalledAsync();
        var server = new OidcProviderServer(FreePort(), users, accessTokenTtl) { FunctionClaim = functionClaim };
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

    public string KeyId(int index) => $"k{Keys.Count - index}";

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

    private async Task RunAsync()
    {
        var config = new JsonObject
        {
            ["issuer"] = Issuer,
            ["audience"] = Audience,
            ["accessTokenTtl"] = _accessTokenTtl,
            ["functionClaim"] = FunctionClaim,
            ["clients"] = new JsonArray([.. _users.Select(Client)]),
            ["keys"] = new JsonArray([.. Keys.Select((k, i) => (JsonNode)Jwk(k, KeyId(i)))]),
        };
        var file = Path.Combine(_folder, "config.json");
        await File.WriteAllTextAsync(file, config.ToJsonString());
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ProviderFolder };
        start.ArgumentList.Add("server.mjs");
        start.ArgumentList.Add(file);
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        TestRun.Track(_process, "server.mjs");
        var ready = new TaskCompletionSource();
        var log = new List<string>();
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

    private static string ProviderFolder => Path.Combine(RepositoryPaths.Root, "tests", "oidc-provider");

    /// <summary>Installs the provider's pinned packages (npm ci) on first use in a fresh checkout.</summary>
    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(ProviderFolder, "node_modules", "oidc-provider")))
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ProviderFolder };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                start.ArgumentList.Add(arg);
            }

            using var npm = Process.Start(start) ?? throw new InvalidOperationException("cannot start npm");
            var error = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in tests/oidc-provider failed: {await error}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

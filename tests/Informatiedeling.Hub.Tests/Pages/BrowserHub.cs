using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>What the hub of a browser test is started with.</summary>
public sealed record BrowserHubOptions
{
    /// <summary>
    /// The hosting environment. Testing (the default) behaves as production does: cookies are Secure with the
    /// <c>__Host-</c> prefix. Development is the only one with development sign-in (<see cref="DevelopmentSignIn"/>).
    /// </summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>Offers development sign-in (the development issuer); the hub starts with it only in Development.</summary>
    public bool DevelopmentSignIn { get; init; }

    /// <summary>The test provider's name in the hub's configuration (the organisation link's <c>data-organisatie</c>).</summary>
    public string ProviderName { get; init; } = "politie";

    /// <summary>What the sign-in page calls the provider's organisation.</summary>
    public string ProviderDisplayName { get; init; } = "Politie";

    /// <summary>The partners the hub lets the test provider assert.</summary>
    public IReadOnlyList<string> ProviderPartners { get; init; } = ["politie"];

    /// <summary>The people who can sign in at the test provider.</summary>
    public IReadOnlyList<OidcTestPerson> People { get; init; } = [];

    /// <summary>The hub as a confidential client of the provider (a secret), or a public one (PKCE alone).</summary>
    public bool ConfidentialClient { get; init; } = true;

    /// <summary>The hub's clock, which a test moves; null: the system's.</summary>
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider? Clock { get; init; }

    /// <summary>Further hub settings, on top of those above.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// A hub for browser tests: the real hub on Kestrel over HTTPS (a self-signed certificate made here) on a loopback
/// port, on a throw-away PostgreSQL database, with the test OpenID Connect provider as a trusted issuer that people
/// sign in with (authorization code with PKCE), and in Development also development sign-in. Browsers opened with
/// <see cref="OpenBrowser"/> are closed with the hub.
/// </summary>
public sealed class BrowserHub : IAsyncDisposable
{
    private readonly List<Browser> _browsers = [];

    private BrowserHub(BrowserHubOptions options, Uri baseAddress, OidcProviderServer provider, OidcBrowserClient client, HubFactory factory, X509Certificate2 certificate)
    {
        Options = options;
        BaseAddress = baseAddress;
        Provider = provider;
        Client = client;
        Factory = factory;
        Certificate = certificate;
    }

    public BrowserHubOptions Options { get; }

    /// <summary>The hub's address, <c>https://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; }

    public OidcProviderServer Provider { get; }

    /// <summary>The hub's registration at the provider.</summary>
    public OidcBrowserClient Client { get; }

    /// <summary>The hub in-process: its services, its captured logs.</summary>
    public HubFactory Factory { get; }

    /// <summary>The hub's certificate, which only this hub's browsers and clients accept.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The name of the pages' session cookie in this hub's environment.</summary>
    public string SessionCookie => Options.Environment == "Development" ? "informatiedeling" : "__Host-informatiedeling";

    public static async Task<BrowserHub> StartAsync(BrowserHubOptions? options = null)
    {
        options ??= new BrowserHubOptions();
        if (options.DevelopmentSignIn && options.Environment != "Development")
        {
            throw new ArgumentException("the hub refuses development sign-in outside Development", nameof(options));
        }

        // The provider must know the hub's addresses before the hub starts, and the hub the provider's: the port first.
        var port = FreePort();
        var baseAddress = new Uri($"https://127.0.0.1:{port}/");
        var client = new OidcBrowserClient("informatiedeling-hub", [new Uri(baseAddress, $"aanmelden/{options.ProviderName}/terug").ToString()], options.ConfidentialClient)
        {
            PostLogoutRedirectUris = [new Uri(baseAddress, $"afmelden/{options.ProviderName}/terug").ToString()],
            BackchannelLogoutUri = new Uri(baseAddress, $"afmelden/{options.ProviderName}/achterkanaal").ToString(),
        };
        var certificate = CreateCertificate();
        OidcProviderServer provider;
        try
        {
            // The provider posts logout tokens to the hub over HTTPS: it trusts the hub's certificate.
            provider = await OidcProviderServer.StartAsync([], people: options.People, browserClients: [client], trustedCertificatePem: certificate.ExportCertificatePem());
        }
        catch
        {
            certificate.Dispose();
            throw;
        }

        HubFactory? factory = null;
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Authentication:Issuers:0:Name"] = options.ProviderName,
                ["Authentication:Issuers:0:Issuer"] = provider.Issuer,
                ["Authentication:Issuers:0:Audience"] = OidcProviderServer.Audience,
                ["Authentication:Issuers:0:RequireHttpsMetadata"] = "false",
                ["Authentication:Issuers:0:FunctionClaim"] = provider.FunctionClaim,
                ["Authentication:Issuers:0:PrivacyOfficerFunction"] = "privacy-officer",
                ["Authentication:Issuers:0:Browser:DisplayName"] = options.ProviderDisplayName,
                ["Authentication:Issuers:0:Browser:ClientId"] = client.ClientId,
                ["Authentication:Issuers:0:Browser:ClientSecret"] = client.Secret,
                ["Authentication:DevelopmentIssuer:Enabled"] = options.DevelopmentSignIn ? "true" : "false",

                // Why a sign-in failed is logged at Information: kept with the test's logs (see Diagnostics), not printed.
                [$"Logging:{typeof(CapturedLogs).FullName}:LogLevel:Microsoft.AspNetCore.Authentication"] = "Information",
            };
            for (var i = 0; i < options.ProviderPartners.Count; i++)
            {
                settings[$"Authentication:Issuers:0:Partners:{i}"] = options.ProviderPartners[i];
            }

            foreach (var (key, value) in options.Settings)
            {
                settings[key] = value;
            }

            factory = await HubFactory.OnPostgresAsync(extra: settings, environment: options.Environment, clock: options.Clock);
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }));
            factory.StartServer();
            return new BrowserHub(options, baseAddress, provider, client, factory, certificate);
        }
        catch
        {
            if (factory is not null)
            {
                await factory.DisposeAsync();
            }

            await provider.DisposeAsync();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>A new browser with a profile of its own (one person), closed with the hub at the latest.</summary>
    public Browser OpenBrowser()
    {
        var browser = Browser.Start(BaseAddress);
        browser.Diagnostics = Diagnostics;
        browser.FailurePage = "/aanmelden?fout=1";
        lock (_browsers)
        {
            _browsers.Add(browser);
        }

        return browser;
    }

    /// <summary>
    /// Signs <paramref name="person"/> in the way a person does: the sign-in page, their organisation's link, the
    /// provider's login page. Returns once the browser is back at the hub, wherever the hub sent it.
    /// </summary>
    public Browser SignInWithProvider(OidcTestPerson person, Browser? browser = null)
    {
        browser ??= OpenBrowser();
        browser.Open("/aanmelden");
        browser.ClickAndWait($"a[data-organisatie='{Options.ProviderName}']");
        var provider = new Uri(Provider.Issuer).Authority;
        browser.WaitUntil(() => browser.Url.Authority == provider && browser.FindAll("#login").Count == 1, "the provider's login page");
        browser.Find("#login").SendKeys(person.Login);
        browser.Find("#aanmelden").Click();
        browser.WaitUntil(() => browser.Url.Authority == BaseAddress.Authority && browser.Url.AbsolutePath != $"/aanmelden/{Options.ProviderName}/terug"
            && browser.Driver.ExecuteScript("return document.readyState") as string == "complete", "the way back to the hub");
        return browser;
    }

    /// <summary>Development sign-in (Development only): opens the sign-in page, picks partner, user and function on its form and submits it.</summary>
    public Browser SignInForDevelopment(string partner, string user, bool privacyOfficer = false, Browser? browser = null, string? function = null)
    {
        browser ??= OpenBrowser();
        browser.Open("/aanmelden");
        return SubmitDevelopmentSignIn(browser, partner, user, privacyOfficer, function);
    }

    /// <summary>Fills in and submits the development sign-in form of the page the browser is on, as it is.</summary>
    public static Browser SubmitDevelopmentSignIn(Browser browser, string partner, string user, bool privacyOfficer = false, string? function = null)
    {
        browser.Find($"#Partner option[value='{partner}']").Click();
        browser.Find("#Gebruiker").SendKeys(user);
        function ??= privacyOfficer ? PartnerClaims.PrivacyOfficer : null;
        if (function is not null)
        {
            browser.Find($"#Functie option[value='{function}']").Click();
        }

        browser.ClickAndWait("main form[method=post] button[type=submit]");
        return browser;
    }

    /// <summary>
    /// An HTTP client of the hub that trusts its certificate; with <paramref name="cookies"/> it sends and keeps those.
    /// It follows no redirects, so a test sees each answer as it is.
    /// </summary>
    public HttpClient CreateClient(CookieContainer? cookies = null)
    {
        var expected = Certificate.RawDataMemory.ToArray();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(expected);
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    /// <summary>The hub's warnings and errors and what it logged of authentication, then what the provider printed.</summary>
    public string Diagnostics() =>
        "hub:\n" + string.Join("\n", Factory.Logs.Lines.Where(l => !l.Contains(" Microsoft.EntityFrameworkCore.", StringComparison.Ordinal)
            && (l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)
                || l.StartsWith("Critical", StringComparison.Ordinal) || l.Contains(".Authentication.", StringComparison.Ordinal))).TakeLast(40))
        + "\nprovider:\n" + string.Join("\n", Provider.Output.Split('\n').Where(l => !l.StartsWith("oidc-provider NOTICE", StringComparison.Ordinal)));

    public async ValueTask DisposeAsync()
    {
        List<Browser> browsers;
        lock (_browsers)
        {
            browsers = [.. _browsers];
            _browsers.Clear();
        }

        foreach (var browser in browsers)
        {
            browser.Dispose();
        }

        await Factory.DisposeAsync();
        await Provider.DisposeAsync();
        Certificate.Dispose();
    }

    /// <summary>A self-signed server certificate for 127.0.0.1 and localhost, valid for a day.</summary>
    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Through PKCS#12, so that the private key is one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

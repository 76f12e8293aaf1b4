using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Informatiedeling.Testing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>What the page's console said (console calls, and the browser's own messages such as CSP refusals).</summary>
public sealed record ConsoleEntry(string Level, string Message);

/// <summary>A page the browser loaded, as the network saw it: where it ended up, its status and response headers.</summary>
public sealed record DocumentResponse(Uri Url, int Status, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>An accessibility rule the page breaks (axe-core), with the elements that break it.</summary>
public sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Targets)
{
    public override string ToString() => $"{Id} ({Impact}): {Help} — {string.Join(", ", Targets)}";
}

/// <summary>
/// One person's browser: Debian's headless chromium driven through its chromedriver (both from /usr/bin; never a
/// downloaded browser or driver), with a fresh profile of its own, so several can be signed in at once, each as
/// someone else. It keeps everything the console said and every page it loaded (status and headers, from the
/// browser's performance log), checks pages with axe-core and saves screenshots with the test output.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    /// <summary>The accessibility standards a page must meet: WCAG 2.0 and 2.1, levels A and AA.</summary>
    public static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private static readonly Lazy<Task<string>> AxeSource = new(LoadAxeAsync);
    private readonly List<ConsoleEntry> _console = [];
    private readonly List<DocumentResponse> _documents = [];
    private readonly ChromeDriverService _service;
    private readonly string _profile;
    private bool _disposed;

    private Browser(Uri baseAddress, ChromeDriverService service, ChromeDriver driver, string profile)
    {
        BaseAddress = baseAddress;
        _service = service;
        Driver = driver;
        _profile = profile;
    }

    /// <summary>The address relative paths are opened against: the hub.</summary>
    public Uri BaseAddress { get; }

    /// <summary>What a failed wait adds to its message: why the hub or the provider refused, say.</summary>
    public Func<string>? Diagnostics { get; set; }

    public ChromeDriver Driver { get; }

    /// <summary>Where the browser is now.</summary>
    public Uri Url => new(Driver.Url);

    /// <summary>Path and query of where the browser is now, e.g. <c>/aanmelden?fout=1</c>.</summary>
    public string Location => Url.PathAndQuery;

    /// <summary>Everything the console said since the browser started.</summary>
    public IReadOnlyList<ConsoleEntry> Console
    {
        get
        {
            Collect();
            return [.. _console];
        }
    }

    /// <summary>Every page (top-level document or frame) the browser loaded since it started, in order.</summary>
    public IReadOnlyList<DocumentResponse> Documents
    {
        get
        {
            Collect();
            return [.. _documents];
        }
    }

    /// <summary>
    /// Starts a browser whose relative addresses are the hub's. It accepts the hub's self-signed certificate (the
    /// browser tests make one per hub); everything else is as strict as a person's browser.
    /// </summary>
    public static Browser Start(Uri baseAddress)
    {
        InstallWhereMissing();
        if (!File.Exists(ChromiumPath) || !File.Exists(ChromeDriverPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's chromium and chromium-driver ({ChromiumPath}, {ChromeDriverPath}): apt-get install chromium chromium-driver");
        }

        var profile = TestRun.CreateTempSubdirectory("infodeel-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath, AcceptInsecureCertificates = true };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--ignore-certificate-errors",
            "--window-size=1280,1000", "--lang=nl-NL", $"--user-data-dir={profile}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        options.SetLoggingPreference("performance", LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        ChromeDriver driver;
        try
        {
            driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }
        catch
        {
            service.Dispose();
            throw;
        }

        // Should the test process die, the run's janitor ends the driver and the browser (the profile folder is on the
        // browser's command line, and nothing else's).
        TestRun.Track(Process.GetProcessById(service.ProcessId), "chromedriver");
        if (BrowserProcess(profile) is { } browserProcess)
        {
            TestRun.Track(browserProcess, profile);
        }

        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
        return new Browser(baseAddress, service, driver, profile);
    }

    /// <summary>Opens a path of the hub (or an absolute address) and waits for the page to load.</summary>
    public Browser Open(string pathOrUrl)
    {
        Driver.Navigate().GoToUrl(new Uri(BaseAddress, pathOrUrl));
        return this;
    }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyList<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>The text of the element, trimmed.</summary>
    public string Text(string css) => Find(css).Text.Trim();

    /// <summary>Clicks the element, then waits until the browser has left the page it was on and loaded the next one.</summary>
    public Browser ClickAndWait(string css)
    {
        var before = (IWebElement)Find("html");
        Find(css).Click();
        WaitUntil(() => IsStale(before) && ReadyState() == "complete", $"a new page after clicking {css}");
        return this;
    }

    /// <summary>Waits until <paramref name="condition"/> holds (a redirect chain, a provider's page), or fails saying what it waited for.</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (WebDriverException)
            {
                // The page changed under the condition (a navigation); look again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited in vain for {what}; the browser is at {Driver.Url}\n{Diagnostics?.Invoke()}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>A page of the hub (path and query) that means a failure: a wait for any other page ends at once when the browser gets there.</summary>
    public string? FailurePage { get; set; }

    /// <summary>Waits until the browser is at <paramref name="path"/> of the hub (path, optionally with query) and the page has loaded.</summary>
    public Browser WaitForPath(string path)
    {
        WaitUntil(() =>
        {
            var here = Url.Authority == BaseAddress.Authority;
            if (here && FailurePage is not null && Url.PathAndQuery == FailurePage && path != FailurePage)
            {
                throw new Xunit.Sdk.XunitException($"the hub sent the browser to {FailurePage} instead of {path}\n{Diagnostics?.Invoke()}");
            }

            return here && (Url.AbsolutePath == path || Url.PathAndQuery == path) && ReadyState() == "complete";
        }, $"the hub's page {path}");
        return this;
    }

    public Cookie? Cookie(string name) => Driver.Manage().Cookies.GetCookieNamed(name);

    public IReadOnlyList<Cookie> Cookies => Driver.Manage().Cookies.AllCookies;

    /// <summary>The last page loaded whose address has this path (on whichever host), or fails.</summary>
    public DocumentResponse Document(string path) =>
        Documents.LastOrDefault(d => d.Url.AbsolutePath == path)
        ?? throw new Xunit.Sdk.XunitException($"no page {path} was loaded; loaded: {string.Join(", ", Documents.Select(d => $"{d.Status} {d.Url}"))}");

    /// <summary>The console's messages that tell of a Content-Security-Policy refusal.</summary>
    public IReadOnlyList<ConsoleEntry> CspViolations() =>
        [.. Console.Where(e => e.Message.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("Refused to", StringComparison.Ordinal))];

    /// <summary>Fails listing every CSP refusal the console reported on any page this browser visited.</summary>
    public void AssertNoCspViolation()
    {
        var violations = CspViolations();
        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations.Select(v => $"{v.Level}: {v.Message}")));
    }

    /// <summary>
    /// Runs axe-core on the current page for <see cref="AxeTags"/> and returns every violation. The engine is put in
    /// the page by the driver, which the page's Content-Security-Policy does not govern (the page itself still may
    /// run no script but its own).
    /// </summary>
    public async Task<IReadOnlyList<AxeViolation>> AxeAsync()
    {
        var source = await AxeSource.Value;
        Driver.ExecuteScript(source);
        var tags = JsonSerializer.Serialize(AxeTags);
        var result = Driver.ExecuteAsyncScript($$"""
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: {{tags}} }, resultTypes: ['violations'] })
              .then(r => done(JSON.stringify(r.violations.map(v => ({
                id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map(n => n.target.join(' '))
              })))))
              .catch(e => done(JSON.stringify({ error: String(e) })));
            """) as string ?? throw new InvalidOperationException($"axe gave no answer on {Driver.Url}");
        using var json = JsonDocument.Parse(result);
        if (json.RootElement.ValueKind == JsonValueKind.Object)
        {
            throw new InvalidOperationException($"axe failed on {Driver.Url}: {json.RootElement.GetProperty("error").GetString()}");
        }

        return [.. json.RootElement.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!, v.GetProperty("impact").GetString()!, v.GetProperty("help").GetString()!,
            [.. v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!)]))];
    }

    /// <summary>
    /// Fails listing every serious or critical accessibility violation of the current page (id, impact, elements);
    /// returns the lesser ones, which a test may report.
    /// </summary>
    public async Task<IReadOnlyList<AxeViolation>> AssertAccessibleAsync()
    {
        var violations = await AxeAsync();
        var grave = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(grave.Count == 0, $"accessibility violations on {Location}:\n" + string.Join("\n", grave));
        return violations;
    }

    /// <summary>
    /// Saves a PNG of the current page as <c>TestResults/screenshots/&lt;test&gt;-&lt;step&gt;.png</c> in the test
    /// project's output folder, and returns its path.
    /// </summary>
    public string Screenshot(string step, [CallerMemberName] string test = "")
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;
        var file = Path.Combine(folder, $"{test}-{step}.png");
        // The whole page, not only what the window shows: the window is made as tall as the page for the picture.
        var window = Driver.Manage().Window;
        var size = window.Size;
        var height = Convert.ToInt32(Driver.ExecuteScript("return Math.ceil(document.documentElement.scrollHeight);"), System.Globalization.CultureInfo.InvariantCulture);
        window.Size = new System.Drawing.Size(size.Width, Math.Min(Math.Max(height + (size.Height - ViewportHeight()), size.Height), 8000));
        try
        {
            Driver.GetScreenshot().SaveAsFile(file);
        }
        finally
        {
            window.Size = size;
        }

        return file;
    }

    private static readonly Lock InstallGate = new();

    /// <summary>As the PostgreSQL of the tests: Debian's packages are installed on first use when missing and the run is root.</summary>
    private static void InstallWhereMissing()
    {
        lock (InstallGate)
        {
            if ((File.Exists(ChromiumPath) && File.Exists(ChromeDriverPath)) || Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
            {
                return;
            }

            using var install = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh",
                ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null"])
            {
                UseShellExecute = false,
            })!;
            install.WaitForExit();
        }
    }

    private int ViewportHeight() =>
        Convert.ToInt32(Driver.ExecuteScript("return window.innerHeight;"), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            _service.Dispose();
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsStale(IWebElement element)
    {
        try
        {
            _ = element.Enabled;
            return false;
        }
        catch (StaleElementReferenceException)
        {
            return true;
        }
    }

    private string ReadyState() => Driver.ExecuteScript("return document.readyState") as string ?? "";

    /// <summary>Moves what the browser logged since the last look into this browser's lists.</summary>
    private void Collect()
    {
        var logs = Driver.Manage().Logs;
        foreach (var entry in logs.GetLog(LogType.Browser))
        {
            _console.Add(new ConsoleEntry(entry.Level.ToString(), entry.Message));
        }

        foreach (var entry in logs.GetLog("performance"))
        {
            using var json = JsonDocument.Parse(entry.Message);
            var message = json.RootElement.GetProperty("message");
            if (message.GetProperty("method").GetString() != "Network.responseReceived")
            {
                continue;
            }

            var parameters = message.GetProperty("params");
            if (parameters.GetProperty("type").GetString() != "Document")
            {
                continue;
            }

            var response = parameters.GetProperty("response");
            var headers = response.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString() ?? "", StringComparer.OrdinalIgnoreCase);
            _documents.Add(new DocumentResponse(new Uri(response.GetProperty("url").GetString()!), response.GetProperty("status").GetInt32(), headers));
        }
    }

    /// <summary>The browser's main process, which names its profile folder in the profile's SingletonLock link (host-pid).</summary>
    private static Process? BrowserProcess(string profile)
    {
        try
        {
            var target = new FileInfo(Path.Combine(profile, "SingletonLock")).LinkTarget;
            return target is not null && int.TryParse(target[(target.LastIndexOf('-') + 1)..], out var pid) ? Process.GetProcessById(pid) : null;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<string> LoadAxeAsync()
    {
        var folder = NpmFolder.Path("browser");
        await NpmFolder.EnsureInstalledAsync(folder, "axe-core");
        return await File.ReadAllTextAsync(Path.Combine(folder, "node_modules", "axe-core", "axe.min.js"));
    }
}

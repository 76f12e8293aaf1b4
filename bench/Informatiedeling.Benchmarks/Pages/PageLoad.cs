using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Informatiedeling.Testing;

namespace Informatiedeling.Benchmarks.Pages;

/// <summary>
/// The case page against the API read of the same case, in one run: the built hub as its own process (Development,
/// so its development sign-in and issuer are on) on a durable PostgreSQL; one case taken in through the API as
/// veilig-thuis; one signed-in browser session (the session cookie from the sign-in form) and one bearer token of the
/// same partner. Then, strictly alternating on one connection each, <c>GET /zaken/{p}?doel=signalering-en-weging</c>
/// (the page: the same broker read, decrypted, decided and committed to the access log, then rendered) and
/// <c>GET /cases/{p}/data?purpose=signalering-en-weging</c> (the API). Reported: p50 and p99 of both and their ratio;
/// the target is the page within 1.5 times the API read at both.
/// </summary>
internal static partial class PageLoad
{
    private const string Partner = "veilig-thuis";
    private const string Purpose = "signalering-en-weging";
    private const int WarmUp = 300;
    private const int Measured = 3000;
    private const double Target = 1.5;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        await using var server = await PostgresServer.StartAsync(durable: true);
        var connection = await server.CreateDatabaseAsync("bench");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Authentication__DevelopmentIssuer__Enabled"] = "true",
            ["Storage__Provider"] = "postgresql",
            ["ConnectionStrings__Hub"] = connection,
            ["RateLimiting__Burst"] = "1000000",
            ["RateLimiting__PerPeriod"] = "1000000",
            ["RateLimiting__PerAddressBurst"] = "1000000",
            ["RateLimiting__PerAddressPerPeriod"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        }, TimeSpan.FromSeconds(90));

        using var api = new HttpClient { BaseAddress = hub.BaseAddress };
        using var tokenAnswer = await api.PostAsJsonAsync("dev/token", new { partner = Partner, user = "vt-bench" });
        var token = (await tokenAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var intake = await api.PostAsJsonAsync("cases", new
        {
            person = new { fullName = "Fictief Bench Persoon", dateOfBirth = "1990-04-12" },
            fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["persoon.achternaam"] = "Bench",
                ["persoon.woonplaats"] = "Voorbeeldstad",
                ["melding.inhoud"] = "Fictief signaal voor de meting van de dossierpagina",
                ["melding.uitbuitingsvorm"] = "arbeid",
                ["melding.melder-naam"] = "Fictieve Melder",
            },
        });
        intake.EnsureSuccessStatusCode();
        var pseudonym = (await intake.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pseudonym").GetString()!;

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = hub.BaseAddress };
        var signIn = await browser.GetStringAsync(new Uri("aanmelden", UriKind.Relative));
        var antiforgery = AntiforgeryField().Match(signIn).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = WebUtility.HtmlDecode(antiforgery), ["Partner"] = Partner, ["Gebruiker"] = "vt-bench",
        });
        using var signedIn = await browser.PostAsync(new Uri("aanmelden", UriKind.Relative), form);
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"development sign-in answered {(int)signedIn.StatusCode}");
        }

        var page = new Uri($"zaken/{pseudonym}?doel={Purpose}", UriKind.Relative);
        var read = new Uri($"cases/{pseudonym}/data?purpose={Purpose}", UriKind.Relative);
        await output.WriteLineAsync($"hub (process {hub.ProcessId}) on PostgreSQL with fsync=on, synchronous_commit=on; one case; {WarmUp} warm-up and {Measured} measured requests of each, alternating, one connection each");
        var pageTimes = new List<double>(Measured);
        var readTimes = new List<double>(Measured);
        for (var i = 0; i < WarmUp + Measured; i++)
        {
            var pageTime = await TimeAsync(browser, page, "Vrijgegeven gegevens");
            var readTime = await TimeAsync(api, read, "\"fields\"");
            if (i >= WarmUp)
            {
                pageTimes.Add(pageTime);
                readTimes.Add(readTime);
            }
        }

        pageTimes.Sort();
        readTimes.Sort();
        var met = true;
        foreach (var q in new[] { 0.5, 0.99 })
        {
            var p = Quantile(pageTimes, q);
            var r = Quantile(readTimes, q);
            met &= p <= Target * r;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"p{q * 100:F0}: page {p:F2} ms, API read {r:F2} ms, ratio {p / r:F2} (target <= {Target:F1}): {(p <= Target * r ? "met" : "NOT met")}"));
        }

        return met ? 0 : 1;
    }

    private static async Task<double> TimeAsync(HttpClient client, Uri path, string expected)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains(expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} without '{expected}'");
        }

        return elapsed;
    }

    private static double Quantile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]*)\"")]
    private static partial Regex AntiforgeryField();
}

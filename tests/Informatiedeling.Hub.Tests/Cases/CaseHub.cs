using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// A real hub (SQLite or PostgreSQL) with the development issuer, and the case API as each partner calls it:
/// tokens per partner, the lifecycle's routes, the access log and a snapshot of a case's rows to prove that a
/// refused request changed nothing.
/// </summary>
internal sealed class CaseHub : IAsyncDisposable
{
    public static readonly string[] Engines = ["sqlite", "postgresql"];

    private static readonly LogReader Auditor = new("fg-1", null, "functionaris-gegevensbescherming", null);
    private static readonly Dictionary<string, string?> DevelopmentIssuer = new() { ["Authentication:DevelopmentIssuer:Enabled"] = "true" };
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    private CaseHub(HubFactory factory)
    {
        Factory = factory;
        Client = factory.CreateClient();
    }

    public HubFactory Factory { get; }

    public HttpClient Client { get; }

    /// <summary>A hub on <paramref name="engine"/>; <paramref name="extra"/> settings (another policy folder, say) go on top of the development issuer.</summary>
    public static async Task<CaseHub> StartAsync(string engine, FakeTimeProvider? clock = null, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(DevelopmentIssuer);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new(engine == "sqlite"
            ? HubFactory.OnSqlite(settings, "Development", clock)
            : await HubFactory.OnPostgresAsync(extra: settings, environment: "Development", clock: clock));
    }

    /// <summary>The case API on a hub made otherwise (another instance on a shared database, say); the factory's settings must enable the development issuer.</summary>
    public static CaseHub On(HubFactory factory) => new(factory);

    /// <summary>The settings that enable the development issuer, for a factory made outside <see cref="StartAsync"/>.</summary>
    public static Dictionary<string, string?> WithDevelopmentIssuer(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(DevelopmentIssuer);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A token for the partner, minted once (before a test moves the hub's clock, tokens are checked against the real one).</summary>
    public async Task<string> TokenAsync(string partner)
    {
        if (_tokens.TryGetValue(partner, out var token))
        {
            return token;
        }

        using var response = await Client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, $"{partner}-user"));
        response.EnsureSuccessStatusCode();
        return _tokens[partner] = (await response.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
    }

    /// <summary>A token for a named user of the partner, with a function (<c>privacy-officer</c>, <c>partner-privacy-officer</c>) or none; minted once.</summary>
    public async Task<string> TokenAsync(string partner, string user, string? function = null)
    {
        var key = $"{partner}|{user}|{function}";
        if (_tokens.TryGetValue(key, out var token))
        {
            return token;
        }

        using var response = await Client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, user, function));
        response.EnsureSuccessStatusCode();
        return _tokens[key] = (await response.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
    }

    /// <summary>A request as a named user of the partner, with a function or none.</summary>
    public async Task<HttpResponseMessage> SendAsAsync(string partner, string user, string? function, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner, user, function));
        return await Client.SendAsync(request);
    }

    /// <summary>As <see cref="SendAsAsync"/>, asserting a 200 and giving its JSON.</summary>
    public async Task<JsonElement> OkAsAsync(string partner, string user, string? function, HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsAsync(partner, user, function, method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path} as {user} of {partner}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>An emergency read (purpose acute-veiligheid) with a written justification, by the reporting point: released, with the review obligation.</summary>
    public async Task EmergencyReadAsync(string pseudonym, string justification, string partner = "veilig-thuis")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=acute-veiligheid");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner));
        request.Headers.Add(CaseEndpoints.JustificationHeader, justification);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task WarmTokensAsync(params string[] partners)
    {
        foreach (var partner in partners)
        {
            await TokenAsync(partner);
        }
    }

    public Task<HttpResponseMessage> SendAsync(string partner, HttpMethod method, string path, object? body = null) =>
        SendRawAsync(partner, method, path, body is null ? null : JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    public async Task<HttpResponseMessage> SendRawAsync(string partner, HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner));
        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> OkAsync(string partner, HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(partner, method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path} as {partner}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A new case taken in by the reporting point, with the fields given (a name and an exploitation type by default).</summary>
    public async Task<string> NewCaseAsync(Dictionary<string, string>? fields = null)
    {
        var report = Reports.Intake(
            $"Persoon {Guid.NewGuid():N}", new DateOnly(1998, 3, 14),
            fields ?? new() { ["persoon.achternaam"] = "Jansen", ["melding.uitbuitingsvorm"] = "arbeid" });
        using var response = await SendAsync("veilig-thuis", HttpMethod.Post, "/cases", report);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IntakeResult>())!.Pseudonym;
    }

    /// <summary>Finishes steps until the case is in <paramref name="step"/>, each by the partner holding A in the default RASCI.</summary>
    public async Task MoveToAsync(string pseudonym, string step)
    {
        string[] order = ["melding", "eerste-weging", "casusoverleg", "uitvoering", "nazorg"];
        var current = (await OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{pseudonym}")).GetProperty("step").GetString()!;
        for (var i = Array.IndexOf(order, current); i < Array.IndexOf(order, step); i++)
        {
            await OkAsync(order[i] == "melding" ? "veilig-thuis" : "zvh", HttpMethod.Post, $"/cases/{pseudonym}/step", new { from = order[i] });
        }
    }

    /// <summary>A case closed by process direction in uitvoering, after a second weighing with <paramref name="outcome"/>.</summary>
    public async Task<string> ClosedCaseAsync(string exploitationType = "arbeid", string outcome = "mensenhandel-en-zorg", string reason = "afgerond")
    {
        var pseudonym = await NewCaseAsync(new() { ["persoon.achternaam"] = "Jansen", ["melding.uitbuitingsvorm"] = exploitationType });
        await MoveToAsync(pseudonym, "casusoverleg");
        await OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = outcome } });
        await MoveToAsync(pseudonym, "uitvoering");
        await OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/closure", new { reason });
        return pseudonym;
    }

    /// <summary>Access-decision records, read as the privacy officer would.</summary>
    public async Task<List<LoggedRecord>> LogAsync(Func<AccessRecord, bool>? predicate = null, bool everyKind = false)
    {
        var log = Factory.Services.GetRequiredService<IAccessLog>();
        var records = await log.ReadAsync(new AccessLogQuery { Kind = everyKind ? null : AccessEventKind.AccessDecision, Limit = 100_000 }, Auditor, CancellationToken.None);
        return [.. records.Where(r => predicate is null || predicate(r.Record))];
    }

    /// <summary>Every row the lifecycle keeps of a case, written out: equal before and after a refused request.</summary>
    public async Task<string> SnapshotAsync(string pseudonym)
    {
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var text = new StringBuilder();
        foreach (var c in await db.Cases.AsNoTracking().Where(c => c.Pseudonym == pseudonym).ToListAsync())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"case {c.Status} {c.Step} {c.ClosedAt:O} {c.ClosureReason}");
        }

        foreach (var s in (await db.CaseSteps.AsNoTracking().Where(s => s.Case == pseudonym).ToListAsync()).OrderBy(s => s.Step, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"step {s.Step} {s.EnteredAt:O}");
        }

        foreach (var f in (await db.CaseFields.AsNoTracking().Where(f => f.Case == pseudonym).ToListAsync()).OrderBy(f => f.Field, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"field {f.Field} {f.KeyVersion} {Convert.ToHexString(f.Ciphertext)}");
        }

        foreach (var r in (await db.CaseRoles.AsNoTracking().Where(r => r.Case == pseudonym).ToListAsync()).OrderBy(r => r.Step + r.Partner, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"role {r.Step} {r.Partner} {r.Role}");
        }

        foreach (var i in (await db.CaseInvitations.AsNoTracking().Where(i => i.Case == pseudonym).ToListAsync()).OrderBy(i => i.Partner, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"invitation {i.Partner} {i.InvitedUntil:O}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"evaluations {await db.CaseEvaluations.CountAsync(e => e.Case == pseudonym)}");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}

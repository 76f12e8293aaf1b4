using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// A hub in Development (development issuer on) on either engine with a fake clock, and what the tests of legal
/// holds, the privacy officer's routes and the purge-notice feed arrange through it: cases taken in over HTTP,
/// closure and role changes written directly as test arrangement (closure is another part's route).
/// </summary>
internal sealed class HoldsHub : IAsyncDisposable
{
    private static readonly LogReader Auditor = new("test-auditor", null, "functionaris-gegevensbescherming", null);

    private HoldsHub(HubFactory hub, FakeTimeProvider clock)
    {
        Hub = hub;
        Clock = clock;
        Client = hub.CreateClient();
    }

    public HubFactory Hub { get; }

    public FakeTimeProvider Clock { get; }

    public HttpClient Client { get; }

    public static async Task<HoldsHub> StartAsync(string engine)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:DevelopmentIssuer:Enabled"] = "true",
            ["Retention:Enabled"] = "false",

            // Checkpoints on the fake clock would be due many times over with every jump of days.
            ["AccessLog:CheckpointInterval"] = "40.00:00:00",
        };
        var hub = engine == "sqlite" ? HubFactory.OnSqlite(settings, "Development") : await HubFactory.OnPostgresAsync(extra: settings);
        hub.Environment = "Development";

        // At the real time (to the second, which both engines store exactly): tokens the development issuer mints on
        // this clock are checked against the real one, so a test moves it only for what it does without a request.
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        hub.Clock = clock;
        return new HoldsHub(hub, clock);
    }

    public async Task<string> TokenAsync(string partner, string? function = null)
    {
        using var response = await Client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, $"{partner}-user", function));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
    }

    public Task<string> PrivacyOfficerAsync() => TokenAsync("zvh", PartnerClaims.PrivacyOfficer);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
    }

    /// <summary>A new case taken in by the reporting point (default RASCI of every step).</summary>
    public async Task<string> NewCaseAsync()
    {
        var report = Cases.Reports.Intake(
            $"Persoon {Guid.NewGuid():N}", new DateOnly(1998, 3, 4),
            new Dictionary<string, string> { ["persoon.achternaam"] = "Jansen", ["melding.inhoud"] = "signaal" });
        using var response = await SendAsync(HttpMethod.Post, "/cases", await TokenAsync("veilig-thuis"), report);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IntakeResult>())!.Pseudonym;
    }

    public IDbContextFactory<HubDbContext> Database => Hub.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();

    /// <summary>Test arrangement: the case closed in its current step at <paramref name="closedAt"/> (the closure route is not under test here).</summary>
    public async Task CloseAsync(string pseudonym, DateTimeOffset closedAt)
    {
        await using var db = await Database.CreateDbContextAsync();
        var row = await db.Cases.SingleAsync(c => c.Pseudonym == pseudonym);
        row.Status = "closed";
        row.Step = "nazorg";
        row.ClosedAt = closedAt;
        row.ClosureReason = "afgerond";
        await db.SaveChangesAsync();
    }

    /// <summary>Test arrangement: process direction took every role on the case from <paramref name="partner"/>.</summary>
    public async Task RemoveRolesAsync(string pseudonym, string partner)
    {
        await using var db = await Database.CreateDbContextAsync();
        await db.CaseRoles.Where(r => r.Case == pseudonym && r.Partner == partner).ExecuteDeleteAsync();
    }

    /// <summary>Test arrangement: an invitation as the storage records it (also in who was on the case), without roles.</summary>
    public Task InviteAsync(string pseudonym, string partner, DateTimeOffset until) =>
        Hub.Services.GetRequiredService<CaseLifecycle>().InviteAsync(
            global::Informatiedeling.Cases.CasePseudonym.TryParse(pseudonym, out var p) ? p : throw new ArgumentException(pseudonym, nameof(pseudonym)),
            partner, until, Clock.GetUtcNow(), new Dictionary<string, global::Informatiedeling.Policy.Role>(), CancellationToken.None);

    public async Task<List<LegalHoldRow>> HoldsAsync()
    {
        await using var db = await Database.CreateDbContextAsync();
        return await db.LegalHolds.AsNoTracking().ToListAsync();
    }

    public async Task<List<AccessRecord>> LogAsync(Func<AccessRecord, bool> predicate)
    {
        var log = Hub.Services.GetRequiredService<IAccessLog>();
        var records = await log.ReadAsync(new AccessLogQuery { Limit = 10_000 }, Auditor, CancellationToken.None);
        return [.. records.Select(r => r.Record).Where(predicate)];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Hub.DisposeAsync();
    }
}

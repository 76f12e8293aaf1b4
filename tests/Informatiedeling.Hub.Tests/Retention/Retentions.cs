using System.Data.Common;
using System.Globalization;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Hub.Tests.ClientFile;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// Test arrangement for retention: closed cases with a field of every category. Closing is done on the row itself
/// (status, closure date, reason), as the closure endpoint will; the purge is what is under test.
/// </summary>
internal static class Retentions
{
    public static readonly string[] Categories = ["statisch", "dynamisch", "exceptioneel", "strafrechtelijk", "melder-identiteit"];

    public static RetentionPurge Purge(this HubFactory hub)
    {
        _ = hub.Server;
        return hub.Services.GetRequiredService<RetentionPurge>();
    }

    public static Task<RetentionRunResult> RunAsync(this RetentionPurge purge, int batch = 50) =>
        purge.RunAsync("hub", batch, null, CancellationToken.None);

    /// <summary>A case with every category filled and a blind index, closed at <paramref name="closedAt"/>.</summary>
    public static async Task<CasePseudonym> ClosedCaseAsync(this HubFactory hub, DateTimeOffset closedAt, string? marker = null)
    {
        marker ??= ClientFiles.NewMarker();
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", new PersonKey($"{marker} Persoon", new DateOnly(1990, 1, 1)), ClientFiles.SampleFields(marker), CancellationToken.None);
        await hub.CloseAsync(pseudonym, closedAt);
        return pseudonym;
    }

    public static async Task CloseAsync(this HubFactory hub, CasePseudonym pseudonym, DateTimeOffset closedAt)
    {
        await using var db = await hub.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await db.Cases.Where(c => c.Pseudonym == pseudonym.Value)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, "closed").SetProperty(c => c.ClosedAt, closedAt).SetProperty(c => c.ClosureReason, "doel-bereikt"));
    }

    /// <summary>A legal hold row as the hold endpoint writes it (the reason's ciphertext is opaque here).</summary>
    public static async Task HoldAsync(this HubFactory hub, CasePseudonym pseudonym, DateTimeOffset placedAt, DateTimeOffset until, DateTimeOffset? liftedAt = null)
    {
        await using var db = await hub.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        db.LegalHolds.Add(new LegalHoldRow
        {
            Id = Guid.NewGuid(), Case = pseudonym.Value, PlacedByPartner = "om", PlacedByUser = "om-officier-1", PlacedAt = placedAt, Until = until,
            ReasonKeyVersion = 1, ReasonCiphertext = [1, 2, 3], LiftedAt = liftedAt, LiftedByPartner = liftedAt is null ? null : "om",
        });
        await db.SaveChangesAsync();
    }

    /// <summary>The categories of a case purged according to <c>case_purges</c>, in name order.</summary>
    public static async Task<List<string>> PurgedAsync(this HubFactory hub, CasePseudonym pseudonym) =>
        [.. (await hub.Purge().PurgesOfAsync(pseudonym, CancellationToken.None)).Select(p => p.Category).Order(StringComparer.Ordinal)];

    /// <summary>The categories that still have ciphertexts, in name order.</summary>
    public static async Task<List<string>> StoredCategoriesAsync(this HubFactory hub, CasePseudonym pseudonym)
    {
        await using var db = await hub.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.CaseFields.Where(f => f.Case == pseudonym.Value).Select(f => f.Category).Distinct().OrderBy(c => c).ToListAsync();
    }

    public static async Task<long> ScalarAsync(this DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Purge records in the access log per case pseudonym.</summary>
    public static async Task<Dictionary<string, long>> PurgeRecordsAsync(this HubFactory hub)
    {
        await using var connection = await hub.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT case_pseudonym, COUNT(*) FROM access_log WHERE event_kind = 'purge' GROUP BY case_pseudonym";
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return result;
    }

    public static string Sorted(params string[] categories) => string.Join(',', categories.Order(StringComparer.Ordinal));

    public static string Joined(IEnumerable<string> categories) => string.Join(',', categories.Order(StringComparer.Ordinal));
}

/// <summary>
/// What the case database and the key store say about each case's categories, read directly; apart from the data
/// categories, the cases whose access-log key (<c>toegangslog</c>) is destroyed.
/// </summary>
internal sealed record CaseRetentionState(
    IReadOnlyDictionary<string, SortedSet<string>> Purged,
    IReadOnlyDictionary<string, SortedSet<string>> Stored,
    IReadOnlyDictionary<string, SortedSet<string>> Destroyed,
    IReadOnlyDictionary<string, int> Notices,
    IReadOnlySet<string> AccessLogKeyDestroyed)
{
    public static async Task<CaseRetentionState> ReadAsync(HubFactory hub)
    {
        await using var cases = await hub.OpenDatabaseAsync();
        await using var keys = await OpenKeyStoreAsync(hub);
        const string accessLogKey = Storage.AccessLog.AccessLogJustifications.KeyCategory;
        var destroyed = await GroupsAsync(keys, "SELECT case_pseudonym, category FROM destroyed_keys", keepAccessLogKey: true);
        return new CaseRetentionState(
            await GroupsAsync(cases, "SELECT case_pseudonym, category FROM case_purges"),
            await GroupsAsync(cases, "SELECT DISTINCT case_pseudonym, category FROM case_fields"),
            destroyed.Where(d => d.Value.Any(c => c != accessLogKey))
                .ToDictionary(d => d.Key, d => new SortedSet<string>(d.Value.Where(c => c != accessLogKey), StringComparer.Ordinal), StringComparer.Ordinal),
            (await GroupsAsync(cases, "SELECT case_pseudonym, CAST(seq AS TEXT) FROM purge_notices")).ToDictionary(g => g.Key, g => g.Value.Count, StringComparer.Ordinal),
            destroyed.Where(d => d.Value.Contains(accessLogKey)).Select(d => d.Key).ToHashSet(StringComparer.Ordinal));
    }

    public SortedSet<string> PurgedOf(string pseudonym) => Purged.GetValueOrDefault(pseudonym) ?? [];

    public SortedSet<string> StoredOf(string pseudonym) => Stored.GetValueOrDefault(pseudonym) ?? [];

    public SortedSet<string> DestroyedOf(string pseudonym) => Destroyed.GetValueOrDefault(pseudonym) ?? [];

    private static async Task<System.Data.Common.DbConnection> OpenKeyStoreAsync(HubFactory hub)
    {
        System.Data.Common.DbConnection connection = hub.ConnectionString.Length > 0
            ? new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(hub.ConnectionString)
            {
                Pooling = false, Database = new Npgsql.NpgsqlConnectionStringBuilder(hub.ConnectionString).Database + "_keys",
            }.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(hub.DataDirectory, "keys.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<Dictionary<string, SortedSet<string>>> GroupsAsync(System.Data.Common.DbConnection connection, string sql, bool keepAccessLogKey = false)
    {
        var result = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var category = reader.GetString(1);
            if (category == Storage.AccessLog.AccessLogJustifications.KeyCategory && !keepAccessLogKey)
            {
                continue;
            }

            if (!result.TryGetValue(reader.GetString(0), out var set))
            {
                result[reader.GetString(0)] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.Add(category);
        }

        return result;
    }
}

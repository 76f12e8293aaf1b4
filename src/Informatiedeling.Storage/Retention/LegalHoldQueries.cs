using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Retention;

/// <summary>Which cases a legal hold keeps from being purged, and until when.</summary>
public sealed class LegalHoldQueries(IDbContextFactory<HubDbContext> factory, DatabaseClock clock)
{
    private const int Batch = 500;

    /// <summary>
    /// For each of <paramref name="cases"/> under a hold active now: placed and not lifted as the database stands
    /// (its clock read after the holds, so every hold it returned counts as placed), not ended by
    /// <paramref name="now"/> on the calendar. The latest end of its active holds; cases without one are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ActiveHoldsAsync(
        IReadOnlyCollection<string> cases, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Count == 0)
        {
            return new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await RowsAsync(db, cases, cancellationToken);
        return Active(rows, new HoldInstant(now, await clock.NowAsync(db, cancellationToken)));
    }

    /// <summary>
    /// As <see cref="ActiveHoldsAsync(IReadOnlyCollection{string}, DateTimeOffset, CancellationToken)"/>, but as of
    /// an earlier instant: a hold placed or lifted after <paramref name="at"/> (on the database's clock) does not
    /// count (the privacy officer's listing pages on it).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ActiveHoldsAsync(
        IReadOnlyCollection<string> cases, HoldInstant at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Count == 0)
        {
            return new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return Active(await RowsAsync(db, cases, cancellationToken), at);
    }

    /// <summary>Whether a hold is in force at <paramref name="at"/>: placed by then, not lifted by then, not ended.</summary>
    public static bool IsActive(DateTimeOffset placedAt, DateTimeOffset until, DateTimeOffset? liftedAt, HoldInstant at) =>
        placedAt <= at.Database && at.Calendar < until && (liftedAt is null || liftedAt > at.Database);

    private static async Task<List<HoldTimes>> RowsAsync(HubDbContext db, IReadOnlyCollection<string> cases, CancellationToken cancellationToken)
    {
        var rows = new List<HoldTimes>();
        foreach (var chunk in cases.Distinct(StringComparer.Ordinal).Chunk(Batch))
        {
            // SQLite cannot compare DateTimeOffset values in SQL; the few holds of a batch are compared here.
            rows.AddRange(await db.LegalHolds.AsNoTracking()
                .Where(h => chunk.Contains(h.Case))
                .Select(h => new HoldTimes(h.Case, h.PlacedAt, h.Until, h.LiftedAt))
                .ToListAsync(cancellationToken));
        }

        return rows;
    }

    private static Dictionary<string, DateTimeOffset> Active(List<HoldTimes> rows, HoldInstant at)
    {
        var held = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var hold in rows.Where(h => IsActive(h.PlacedAt, h.Until, h.LiftedAt, at)))
        {
            held[hold.Case] = held.TryGetValue(hold.Case, out var until) && until > hold.Until ? until : hold.Until;
        }

        return held;
    }

    private sealed record HoldTimes(string Case, DateTimeOffset PlacedAt, DateTimeOffset Until, DateTimeOffset? LiftedAt);
}

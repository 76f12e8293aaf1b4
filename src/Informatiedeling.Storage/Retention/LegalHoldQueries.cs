using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Retention;

/// <summary>Which cases a legal hold keeps from being purged, and until when.</summary>
public sealed class LegalHoldQueries(IDbContextFactory<HubDbContext> factory)
{
    private const int Batch = 500;

    /// <summary>
    /// For each of <paramref name="cases"/> under an active hold at <paramref name="at"/> (placed at or before it,
    /// not yet ended, not lifted by then): the latest end of its active holds. Cases without one are absent. An
    /// earlier <paramref name="at"/> sees the holds as they stood then (the privacy officer's listing pages on it).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ActiveHoldsAsync(
        IReadOnlyCollection<string> cases, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var held = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (cases.Count == 0)
        {
            return held;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in cases.Distinct(StringComparer.Ordinal).Chunk(Batch))
        {
            // SQLite cannot compare DateTimeOffset values in SQL; the few holds of a batch are compared here.
            var open = await db.LegalHolds.AsNoTracking()
                .Where(h => chunk.Contains(h.Case))
                .Select(h => new { h.Case, h.PlacedAt, h.Until, h.LiftedAt })
                .ToListAsync(cancellationToken);
            foreach (var hold in open.Where(h => h.PlacedAt <= at && at < h.Until && (h.LiftedAt is null || h.LiftedAt > at)))
            {
                held[hold.Case] = held.TryGetValue(hold.Case, out var until) && until > hold.Until ? until : hold.Until;
            }
        }

        return held;
    }
}

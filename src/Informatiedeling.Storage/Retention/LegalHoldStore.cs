using Informatiedeling.Cases;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Retention;

/// <summary>Legal holds as the hub places, lifts and lists them; the purge reads them through <see cref="LegalHoldQueries"/>.</summary>
/// <remarks>
/// When a hold was placed and lifted is the database's time (<see cref="DatabaseClock"/>), never the placing host's:
/// the purge, on whichever host, compares it with the database's time too. Who may place or lift one, on which
/// standing, is the hub's gate's to decide (the partner's strongest role in any step: <see cref="Cases.CaseDirectory"/>).
/// </remarks>
public sealed class LegalHoldStore(IDbContextFactory<HubDbContext> factory, DatabaseClock clock)
{
    /// <summary>Stores the hold, placed at the database's time now, and returns that time.</summary>
    public async Task<DateTimeOffset> PlaceAsync(LegalHoldRow hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hold);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        hold.PlacedAt = await clock.NowAsync(db, cancellationToken);
        db.LegalHolds.Add(hold);
        await db.SaveChangesAsync(cancellationToken);
        return hold.PlacedAt;
    }

    /// <summary>The hold with this id on this case, lifted or not; null when there is none (on this case).</summary>
    public async Task<LegalHoldRow?> FindAsync(CasePseudonym pseudonym, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.LegalHolds.AsNoTracking().SingleOrDefaultAsync(h => h.Id == id && h.Case == pseudonym.Value, cancellationToken);
    }

    /// <summary>Lifts the hold, at the database's time now, unless it was lifted already (by a concurrent request); true when this call lifted it.</summary>
    public async Task<bool> LiftAsync(Guid id, string partner, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var at = await clock.NowAsync(db, cancellationToken);
        var lifted = await db.LegalHolds
            .Where(h => h.Id == id && h.LiftedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.LiftedAt, at).SetProperty(h => h.LiftedByPartner, partner), cancellationToken);
        return lifted == 1;
    }

    /// <summary>The holds active now on one case, by end date.</summary>
    public async Task<IReadOnlyList<LegalHoldRow>> ActiveAsync(CasePseudonym pseudonym, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var open = await db.LegalHolds.AsNoTracking().Where(h => h.Case == pseudonym.Value && h.LiftedAt == null).ToListAsync(cancellationToken);
        var at = new HoldInstant(now, await clock.NowAsync(db, cancellationToken));
        return [.. open.Where(h => LegalHoldQueries.IsActive(h.PlacedAt, h.Until, h.LiftedAt, at)).OrderBy(h => h.Until).ThenBy(h => h.Id)];
    }

    /// <summary>Every hold active now (placed and not lifted as the database stands, not ended by <paramref name="now"/>), by end date.</summary>
    public async Task<IReadOnlyList<LegalHoldRow>> ActiveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);

        // SQLite cannot compare DateTimeOffset values in SQL; holds not lifted are few, the dates are compared here.
        var open = await db.LegalHolds.AsNoTracking().Where(h => h.LiftedAt == null).ToListAsync(cancellationToken);
        var at = new HoldInstant(now, await clock.NowAsync(db, cancellationToken));
        return [.. open.Where(h => LegalHoldQueries.IsActive(h.PlacedAt, h.Until, h.LiftedAt, at)).OrderBy(h => h.Until).ThenBy(h => h.Case, StringComparer.Ordinal)];
    }
}

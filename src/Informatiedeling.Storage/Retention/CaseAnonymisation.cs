using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Retention;

/// <summary>
/// What the purge of a case's last categories leaves of the case (convenant art. 8.6, fence 4): its anonymous
/// evaluation record no longer names the pseudonym; the step history goes (the record keeps the days of the steps,
/// without the case); the legal holds go (none is active, or the case would not be purged; their reasons are
/// shredded with the case's access-log key, and each placement and lift stays in the access log); and every date
/// the case row, its invitations, purges, shreds and purge notices keep is cut to the day. What remains answers a
/// partner's read (status, and per category that it was destroyed on that day) and the purge-notice feed.
/// </summary>
internal static class CaseAnonymisation
{
    /// <summary>In the purge's case-database transaction, after its rows for these cases were saved.</summary>
    public static async Task AfterLastPurgeAsync(HubDbContext db, IReadOnlyList<string> cases, CancellationToken cancellationToken)
    {
        if (cases.Count == 0)
        {
            return;
        }

        await db.CaseEvaluations.Where(e => e.Case != null && cases.Contains(e.Case))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Case, (string?)null), cancellationToken);
        await db.CaseSteps.Where(s => cases.Contains(s.Case)).ExecuteDeleteAsync(cancellationToken);
        await db.LegalHolds.Where(h => cases.Contains(h.Case)).ExecuteDeleteAsync(cancellationToken);

        // SQLite stores these as text: they are cut here, row by row, rather than in SQL.
        foreach (var row in await db.Cases.Where(c => cases.Contains(c.Pseudonym)).ToListAsync(cancellationToken))
        {
            db.Entry(row).Property(r => r.CreatedAt).CurrentValue = Day(row.CreatedAt);
            row.ClosedAt = row.ClosedAt is { } closedAt ? Day(closedAt) : null;
        }

        foreach (var row in await db.CaseInvitations.Where(i => cases.Contains(i.Case)).ToListAsync(cancellationToken))
        {
            row.InvitedAt = Day(row.InvitedAt);
            row.InvitedUntil = Day(row.InvitedUntil);
        }

        foreach (var row in await db.CasePurges.Where(p => cases.Contains(p.Case)).ToListAsync(cancellationToken))
        {
            db.Entry(row).Property(r => r.PurgedAt).CurrentValue = Day(row.PurgedAt);
        }

        foreach (var row in await db.CaseShreds.Where(s => cases.Contains(s.Case)).ToListAsync(cancellationToken))
        {
            db.Entry(row).Property(r => r.DestroyedAt).CurrentValue = Day(row.DestroyedAt);
        }

        foreach (var row in await db.PurgeNotices.Where(n => cases.Contains(n.Case)).ToListAsync(cancellationToken))
        {
            db.Entry(row).Property(r => r.PurgedAt).CurrentValue = Day(row.PurgedAt);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Midnight UTC of the day of <paramref name="at"/>.</summary>
    public static DateTimeOffset Day(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);
}

using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Retention;

/// <summary>
/// The purge notices a partner's system follows (convenant art. 8.6): in seq order after a cursor, only for cases on
/// which the partner held a role in any step or was invited (<c>case_participants</c>: also after process direction
/// took the role away or withdrew the invitation), so that it deletes the copies it fetched.
/// </summary>
public sealed class PurgeNoticeFeed(IDbContextFactory<HubDbContext> factory)
{
    public async Task<IReadOnlyList<PurgeNoticeRow>> ReadAsync(string partner, long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.PurgeNotices.AsNoTracking()
            .Where(n => n.Seq > after && db.CaseParticipants.Any(p => p.Case == n.Case && p.Partner == partner))
            .OrderBy(n => n.Seq)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }
}

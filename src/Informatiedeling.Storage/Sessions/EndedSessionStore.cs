using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Sessions;

/// <summary>
/// One session a provider said has ended (OpenID Connect back-channel logout): its issuer and the provider's own
/// session id and/or subject, as the provider gave them. <see cref="EndedAt"/> is in Unix milliseconds (UTC), so that
/// both engines compare and delete by it in SQL (SQLite cannot compare <see cref="DateTimeOffset"/> values).
/// </summary>
public sealed class EndedSessionRow
{
    public long Id { get; set; }

    public required string Issuer { get; set; }

    public string? Sid { get; set; }

    public string? Subject { get; set; }

    public long EndedAt { get; set; }
}

/// <summary>
/// The sessions providers ended, in the database every hub instance shares, so that a logout posted to one instance
/// ends the session on all of them. An entry is kept only as long as a session can last at all: after that no living
/// session can match it, and it is removed when the next logout is recorded.
/// </summary>
public sealed class EndedSessionStore(IDbContextFactory<HubDbContext> factory)
{
    /// <summary>Records that <paramref name="issuer"/> ended the session <paramref name="sid"/>, or every session of <paramref name="subject"/> begun before now.</summary>
    public async Task RecordAsync(string issuer, string? sid, string? subject, DateTimeOffset endedAt, TimeSpan keep, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        if (string.IsNullOrEmpty(sid) && string.IsNullOrEmpty(subject))
        {
            throw new ArgumentException("A session is named by its sid, its subject, or both.", nameof(sid));
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.EndedSessions.Add(new EndedSessionRow
        {
            Issuer = issuer,
            Sid = string.IsNullOrEmpty(sid) ? null : sid,
            Subject = string.IsNullOrEmpty(subject) ? null : subject,
            EndedAt = endedAt.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken);

        var expired = (endedAt - keep).ToUnixTimeMilliseconds();
        await db.EndedSessions.Where(e => e.EndedAt < expired).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the session <paramref name="sid"/> of <paramref name="subject"/> at <paramref name="issuer"/>, begun at
    /// <paramref name="startedAt"/>, has ended: its sid was ended, or its subject's sessions were ended (by a logout
    /// naming no session) after it began.
    /// One query on the (issuer, sid) and (issuer, subject) indexes.
    /// </summary>
    public async Task<bool> HasEndedAsync(string issuer, string? sid, string subject, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var started = startedAt.ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.EndedSessions.AsNoTracking().Where(e => e.Issuer == issuer);

        // A logout naming a session ends that session only; one naming just the subject, each of its sessions begun before.
        query = string.IsNullOrEmpty(sid)
            ? query.Where(e => e.Sid == null && e.Subject == subject && e.EndedAt >= started)
            : query.Where(e => e.Sid == sid || (e.Sid == null && e.Subject == subject && e.EndedAt >= started));
        return await query.AnyAsync(cancellationToken);
    }
}

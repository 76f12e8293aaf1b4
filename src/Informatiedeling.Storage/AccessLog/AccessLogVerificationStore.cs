using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// One check of the log's integrity that a privacy officer ran: a full verification (<see cref="Verify"/>) or a
/// comparison with a checkpoint a witness kept (<see cref="Consistency"/>). Sizes, seq numbers, outcomes and the
/// verifier's message only (which names seq numbers, never a record's content). Each is also an access-log record;
/// this table is what the integrity page reads, so that "last verified" is one indexed row, not a decode of the log.
/// </summary>
public sealed class AccessLogVerificationRow
{
    public const string Verify = "verify";
    public const string Consistency = "consistency";

    public long Id { get; set; }

    public required string Check { get; set; }

    /// <summary>Unix milliseconds: when it began and ended.</summary>
    public long StartedAt { get; set; }

    public long FinishedAt { get; set; }

    /// <summary>verified, failed; or append-only, truncated, forked, different-log.</summary>
    public required string Outcome { get; set; }

    /// <summary>The records verified, or the size of the checkpoint the kept one was compared with.</summary>
    public long Size { get; set; }

    /// <summary>The size of the kept checkpoint (consistency only).</summary>
    public long? KeptSize { get; set; }

    public long? FirstBadSeq { get; set; }

    public int CheckpointsChecked { get; set; }

    public required string Message { get; set; }
}

/// <summary>The integrity checks privacy officers ran, shared by every hub instance; only ever added to.</summary>
public sealed class AccessLogVerificationStore(IDbContextFactory<HubDbContext> factory)
{
    public async Task AddAsync(AccessLogVerificationRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.AccessLogVerifications.Add(row);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The latest check of <paramref name="check"/>, or null; one row from the (check, id) index.</summary>
    public async Task<AccessLogVerificationRow?> LatestAsync(string check, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.AccessLogVerifications.AsNoTracking().Where(v => v.Check == check).OrderByDescending(v => v.Id).FirstOrDefaultAsync(cancellationToken);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Informatiedeling.Storage.Retention;

/// <summary>
/// The purge's claims on PostgreSQL: a batch's transaction locks its case rows, skipping those another run holds
/// instead of waiting for them. Placing a legal hold references the case row and so waits for that transaction (and
/// the purge's check for holds, after the claim, sees the holds placed before it).
/// </summary>
internal sealed class PostgresPurgeClaims : IPurgeClaims
{
    public IDisposable? HoldRun() => null;

    public async Task<(HashSet<string> Claimed, IDbContextTransaction? Transaction)> ClaimAsync(HubDbContext db, string[] cases, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var claimed = (await db.Database
                    .SqlQuery<string>($"SELECT pseudonym AS \"Value\" FROM cases WHERE pseudonym = ANY({cases}) ORDER BY pseudonym FOR UPDATE SKIP LOCKED")
                    .ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);
            return (claimed, transaction);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }
}

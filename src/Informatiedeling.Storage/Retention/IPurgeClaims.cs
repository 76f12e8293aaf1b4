using Microsoft.EntityFrameworkCore.Storage;

namespace Informatiedeling.Storage.Retention;

/// <summary>
/// How retention runs on several instances keep out of each other's way, which differs per engine:
/// <see cref="PostgresPurgeClaims"/> claims a batch's cases with row locks another run skips, <see cref="SqlitePurgeClaims"/>
/// (no row locks) lets runs on one database file take turns for the whole run.
/// </summary>
internal interface IPurgeClaims
{
    /// <summary>What the whole run holds until it is disposed; null when the batches' claims are enough.</summary>
    IDisposable? HoldRun();

    /// <summary>
    /// Claims <paramref name="cases"/> for this run: those claimed, and the transaction that holds the claim, in which
    /// the batch's rows are then written; null when the claim holds none, and the rows' transaction is begun when they are written.
    /// </summary>
    Task<(HashSet<string> Claimed, IDbContextTransaction? Transaction)> ClaimAsync(HubDbContext db, string[] cases, CancellationToken cancellationToken);
}

using Informatiedeling.Storage.Keys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace Informatiedeling.Storage.Retention;

/// <summary>
/// The purge's claims on SQLite, which has no row locks: runs on one database file take turns for the whole run,
/// under a lock file beside it (<c>….retention.lock</c>), so every case of a batch is this run's.
/// </summary>
internal sealed class SqlitePurgeClaims(string connectionString) : IPurgeClaims
{
    public IDisposable? HoldRun() =>
        FileGate.Acquire(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource) + ".retention.lock");

    public Task<(HashSet<string> Claimed, IDbContextTransaction? Transaction)> ClaimAsync(HubDbContext db, string[] cases, CancellationToken cancellationToken) =>
        Task.FromResult<(HashSet<string>, IDbContextTransaction?)>((cases.ToHashSet(StringComparer.Ordinal), null));
}

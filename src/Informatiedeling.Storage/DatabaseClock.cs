using System.Data;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Informatiedeling.Storage;

/// <summary>
/// The database's clock: the one clock that orders events several hosts write against a purge another host runs
/// (a legal hold placed or lifted). Each host's own clock may be skewed; the database's is the same for all of them.
/// On PostgreSQL it is the server's <c>clock_timestamp()</c>. A SQLite database lives in the process that opens it,
/// on the one host every process using the file runs on, so its clock is that host's, as SQLite reads it.
/// </summary>
public sealed class DatabaseClock(IDbContextFactory<HubDbContext> factory, StorageSettings settings)
{
    public async Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await NowAsync(db, cancellationToken);
    }

    /// <summary>The database's time now, on <paramref name="db"/>'s connection (and in its transaction, if one is open).</summary>
    public async Task<DateTimeOffset> NowAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();

            // clock_timestamp(), not now(): now() is the start of the transaction, which may be older than a hold
            // committed since.
            command.CommandText = settings.Provider == StorageProvider.PostgreSql
                ? "SELECT clock_timestamp()"
                : "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')";
            return await command.ExecuteScalarAsync(cancellationToken) switch
            {
                DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
                DateTimeOffset at => at.ToUniversalTime(),
                string text => DateTimeOffset.ParseExact(
                    text, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                _ => throw new InvalidOperationException("The database did not tell its time."),
            };
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

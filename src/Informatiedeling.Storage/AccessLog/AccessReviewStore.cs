using System.Data;
using System.Data.Common;
using Informatiedeling.AccessLog.Records;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>Which reviews a queue read asks for: those still open (the default), those disposed, or both.</summary>
public enum ReviewState
{
    Open,
    Disposed,
    All,
}

/// <summary>A privacy officer's disposition of a release under review, as stored (the note sealed).</summary>
public sealed record StoredDisposition(
    string Disposition, SealedJustification Note, string ReviewerPartner, string ReviewerUser, DateTimeOffset DisposedAt);

/// <summary>A release under review: the record as logged and, once disposed, its disposition.</summary>
public sealed record ReviewItem(LoggedRecord Logged, StoredDisposition? Disposition);

/// <summary>A disposition to store, for the record at <see cref="RecordSeq"/>.</summary>
public sealed record NewDisposition(
    long RecordSeq, Guid RecordId, string Case, string? ActorPartner, string Disposition, SealedJustification Note,
    string ReviewerPartner, string ReviewerUser, DateTimeOffset DisposedAt);

/// <summary>
/// The review queue: the releases that carry the review obligation (emergency releases, read through the log's partial
/// index of emergencies, in seq order) beside their dispositions (<c>access_reviews</c>, one row per record). Never
/// decodes more of the log than the page it returns, plus the emergencies without the obligation that it skips.
/// </summary>
public sealed class AccessReviewStore(IDbContextFactory<HubDbContext> factory, StorageSettings settings)
{
    /// <summary>The obligation a release under review carries.</summary>
    public const string ReviewObligation = "review";

    private string Emergency => settings.Provider == StorageProvider.PostgreSql ? "l.emergency" : "l.emergency = 1";

    /// <summary>
    /// Up to <paramref name="limit"/> releases under review after <paramref name="afterSeq"/>, oldest first (a queue: the
    /// longest waiting first), of <paramref name="actorPartner"/>'s employees only when given.
    /// </summary>
    public async Task<IReadOnlyList<ReviewItem>> QueueAsync(
        ReviewState state, string? actorPartner, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var found = new List<ReviewItem>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var after = afterSeq;
        while (found.Count < limit)
        {
            // Emergency releases without the review obligation (none today) are skipped and the next batch read.
            var batch = Math.Min(limit - found.Count + 8, 1000);
            await using var command = connection.CreateCommand();
            var where = new List<string> { Emergency, "l.seq > @after" };
            AccessLogStore.AddParameter(command, "after", after);
            if (actorPartner is not null)
            {
                where.Add("l.partner = @partner");
                AccessLogStore.AddParameter(command, "partner", actorPartner);
            }

            where.Add(state switch
            {
                ReviewState.Open => "r.record_seq IS NULL",
                ReviewState.Disposed => "r.record_seq IS NOT NULL",
                _ => "1 = 1",
            });
            AccessLogStore.AddParameter(command, "limit", batch);
            command.CommandText = $"""
                SELECT l.seq, l.leaf, r.disposition, r.note_key_version, r.note_ciphertext, r.reviewer_partner, r.reviewer_user, r.disposed_at
                FROM access_log l LEFT JOIN access_reviews r ON r.record_seq = l.seq
                WHERE {string.Join(" AND ", where)}
                ORDER BY l.seq LIMIT @limit
                """;
            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    read++;
                    after = reader.GetInt64(0);
                    var item = Read(reader);
                    if (item.Logged.Record.Obligations.Contains(ReviewObligation) && found.Count < limit)
                    {
                        found.Add(item);
                    }
                }
            }

            if (read < batch)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>The record at <paramref name="seq"/> with its disposition, if it is a release under review; else null.</summary>
    public async Task<ReviewItem?> FindAsync(long seq, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        AccessLogStore.AddParameter(command, "seq", seq);
        command.CommandText = $"""
            SELECT l.seq, l.leaf, r.disposition, r.note_key_version, r.note_ciphertext, r.reviewer_partner, r.reviewer_user, r.disposed_at
            FROM access_log l LEFT JOIN access_reviews r ON r.record_seq = l.seq
            WHERE l.seq = @seq AND {Emergency}
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var item = Read(reader);
        return item.Logged.Record.Obligations.Contains(ReviewObligation) ? item : null;
    }

    /// <summary>Stores <paramref name="disposition"/>; false when the record was disposed already (by a concurrent review).</summary>
    public async Task<bool> DisposeAsync(NewDisposition disposition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(disposition);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO access_reviews (record_seq, record_id, case_pseudonym, actor_partner, disposition, note_key_version, note_ciphertext, reviewer_partner, reviewer_user, disposed_at)
            VALUES (@seq, @id, @case, @actor, @disposition, @version, @note, @reviewerPartner, @reviewerUser, @at)
            ON CONFLICT (record_seq) DO NOTHING
            """;
        AccessLogStore.AddParameter(command, "seq", disposition.RecordSeq);
        AccessLogStore.AddParameter(command, "id", disposition.RecordId.ToString("N"));
        AccessLogStore.AddParameter(command, "case", disposition.Case);
        AccessLogStore.AddParameter(command, "actor", (object?)disposition.ActorPartner ?? DBNull.Value);
        AccessLogStore.AddParameter(command, "disposition", disposition.Disposition);
        AccessLogStore.AddParameter(command, "version", disposition.Note.KeyVersion);
        AccessLogStore.AddParameter(command, "note", disposition.Note.Ciphertext.ToArray());
        AccessLogStore.AddParameter(command, "reviewerPartner", disposition.ReviewerPartner);
        AccessLogStore.AddParameter(command, "reviewerUser", disposition.ReviewerUser);
        AccessLogStore.AddParameter(command, "at", disposition.DisposedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static ReviewItem Read(DbDataReader reader)
    {
        var logged = AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(1));
        var disposition = reader.IsDBNull(2) ? null : new StoredDisposition(
            reader.GetString(2),
            new SealedJustification(Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture), reader.GetFieldValue<byte[]>(4)),
            reader.GetString(5),
            reader.GetString(6),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));
        return new ReviewItem(logged, disposition);
    }
}

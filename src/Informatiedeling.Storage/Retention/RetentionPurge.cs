using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Retention;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage.Retention;

/// <summary>A case with categories whose retention period has ended, and nothing holding them.</summary>
public sealed record DuePurge(CasePseudonym Case, DateTimeOffset ClosedAt, IReadOnlyList<CategoryRetention> Categories);

/// <summary>A case purged by a run: which categories, under which rules, when.</summary>
public sealed record PurgedCase(CasePseudonym Case, IReadOnlyList<CategoryRetention> Categories, DateTimeOffset PurgedAt, bool Completion);

/// <summary>What one retention run did.</summary>
public sealed record RetentionRunResult(IReadOnlyList<PurgedCase> Purged, int Held, int Skipped);

/// <summary>
/// The purge of closed cases whose retention periods ended (convenant art. 8). Per case, the expired categories are
/// destroyed as one unit:
/// <list type="number">
/// <item>the case is claimed (a row lock on PostgreSQL that another run skips; the retention lock on SQLite);</item>
/// <item>a Purge record goes to the access log first: if it cannot be written nothing is destroyed (fail closed);</item>
/// <item>the categories' data-encryption keys are destroyed in one key-store transaction (crypto-shredding: every
/// copy of the ciphertexts, backups included, is unreadable from here on), and with the case's last categories its
/// access-log key (emergency justifications, legal-hold reasons);</item>
/// <item>in one case-database transaction its ciphertexts are deleted, <c>case_purges</c>, <c>case_shreds</c> and a
/// <c>purge_notices</c> row written, and the blind index cleared once <c>statisch</c> is gone; after the last
/// categories, what remains of the case is made anonymous (<see cref="CaseAnonymisation"/>).</item>
/// </list>
/// A run killed after 2 leaves the Purge record in the log but the rows (and perhaps the keys) in place; the next run
/// finds the case due again, finds in the access log the Purge records that already name its categories, and
/// completes steps 3 and 4 without logging them a second time. A category is never due again once purged, so a Purge
/// record naming a category not in <c>case_purges</c> is always that of a purge begun and not completed.
/// </summary>
public sealed class RetentionPurge(
    IDbContextFactory<HubDbContext> factory,
    CaseKeyRing keys,
    IAccessLog accessLog,
    AccessLogStore accessLogStore,
    LegalHoldQueries holds,
    PolicyHolder policy,
    StorageSettings settings,
    TimeProvider time,
    ILogger<RetentionPurge> logger)
{
    public const string Operation = "retention.purge";

    /// <summary>The statisch category: the blind index derives from its name and date of birth.</summary>
    public const string StatischCategory = "statisch";

    /// <summary>The subject of a Purge record: this prefix, then the purged categories, comma-separated.</summary>
    public const string SubjectPrefix = "categories:";

    // How runs keep out of each other's way: row locks on PostgreSQL, a lock file for the whole run on SQLite.
    private readonly IPurgeClaims _claims = settings.Provider == StorageProvider.PostgreSql
        ? new PostgresPurgeClaims()
        : new SqlitePurgeClaims(settings.ConnectionString);

    /// <summary>Every closed case with categories due now and no active hold, with what is due (nothing is changed).</summary>
    public async Task<(IReadOnlyList<DuePurge> Due, int Held)> PlanAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var set = policy.Current.Set;
        List<(string Case, DateTimeOffset ClosedAt)> closed;
        Dictionary<string, HashSet<string>> purged;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            closed = (await db.Cases.AsNoTracking()
                    .Where(c => c.Status == "closed" && c.ClosedAt != null)
                    .Select(c => new { c.Pseudonym, c.ClosedAt })
                    .ToListAsync(cancellationToken))
                .Select(c => (c.Pseudonym, c.ClosedAt!.Value))
                .ToList();
            purged = await PurgedCategoriesAsync(db, null, cancellationToken);
        }

        var expired = new List<(string Case, DateTimeOffset ClosedAt, IReadOnlyList<CategoryRetention> Categories)>();
        foreach (var (pseudonym, closedAt) in closed)
        {
            var due = RetentionSchedule.DueNow(set, closedAt, null, now, purged.GetValueOrDefault(pseudonym));
            if (due.Count > 0)
            {
                expired.Add((pseudonym, closedAt, due));
            }
        }

        var active = await holds.ActiveHoldsAsync(expired.Select(e => e.Case).ToList(), now, cancellationToken);
        var result = new List<DuePurge>(expired.Count);
        foreach (var (pseudonym, closedAt, categories) in expired.OrderBy(e => e.ClosedAt).ThenBy(e => e.Case, StringComparer.Ordinal))
        {
            if (!active.ContainsKey(pseudonym) && CasePseudonym.TryParse(pseudonym, out var parsed))
            {
                result.Add(new DuePurge(parsed, closedAt, categories));
            }
        }

        return (result, active.Count);
    }

    /// <summary>
    /// Purges every case due now, <paramref name="batchSize"/> cases at a time. Safe to run on several instances at
    /// once (each case is purged by one of them) and safe to interrupt (the next run completes what was begun).
    /// <paramref name="purged"/> hears of each case once its purge has committed.
    /// </summary>
    public async Task<RetentionRunResult> RunAsync(string actor, int batchSize, Action<PurgedCase>? purged, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        try
        {
            // On SQLite there are no row locks: runs on one file take turns for the whole run.
            using var gate = _claims.HoldRun();
            var (due, held) = await PlanAsync(cancellationToken);
            var done = new List<PurgedCase>();
            var skipped = 0;
            foreach (var batch in due.Chunk(batchSize))
            {
                var (batchDone, batchSkipped) = await PurgeBatchAsync(batch, actor, cancellationToken);
                skipped += batchSkipped;
                foreach (var item in batchDone)
                {
                    done.Add(item);
                    purged?.Invoke(item);
                }
            }

            RetentionLog.RunCompleted(logger, done.Count, done.Sum(d => d.Categories.Count), held);
            return new RetentionRunResult(done, held, skipped);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RetentionLog.RunFailed(logger, e);
            throw;
        }
    }

    /// <summary>The purged categories of a case: when, under which rule and article. Empty when nothing was purged.</summary>
    public async Task<IReadOnlyList<CasePurgeRow>> PurgesOfAsync(CasePseudonym pseudonym, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.CasePurges.AsNoTracking().Where(p => p.Case == pseudonym.Value).OrderBy(p => p.Category).ToListAsync(cancellationToken);
    }

    private async Task<(List<PurgedCase> Done, int Skipped)> PurgeBatchAsync(DuePurge[] batch, string actor, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // 1. Claim the cases for this run; on PostgreSQL rows another run holds are skipped, not waited for.
        var (claimed, transaction) = await _claims.ClaimAsync(db, batch.Select(b => b.Case.Value).ToArray(), cancellationToken);
        try
        {
            // Another run may have purged some of these, or a hold may have been placed, since the plan was made.
            var now = time.GetUtcNow();
            var set = policy.Current.Set;
            var purged = await PurgedCategoriesAsync(db, claimed, cancellationToken);
            var held = await holds.ActiveHoldsAsync(claimed, now, cancellationToken);
            var work = new List<PurgeWork>();
            foreach (var item in batch)
            {
                if (!claimed.Contains(item.Case.Value))
                {
                    RetentionLog.CaseTaken(logger, item.Case.Value);
                    continue;
                }

                var before = purged.GetValueOrDefault(item.Case.Value);
                var categories = RetentionSchedule.DueNow(set, item.ClosedAt, held.GetValueOrDefault(item.Case.Value), now, before);
                if (categories.Count > 0 && !held.ContainsKey(item.Case.Value))
                {
                    // The last categories of the case: nothing of it is left to keep after this purge.
                    var last = RetentionSchedule.For(set, item.ClosedAt, null, now, before).Count == categories.Count;
                    work.Add(new PurgeWork(item, categories, last));
                }
            }

            var skipped = batch.Length - work.Count;
            if (work.Count == 0)
            {
                return ([], skipped);
            }

            // Categories a run before this one logged, then stopped before its case-database transaction committed
            // (before, during or after destroying the keys): completed without a second record.
            var logged = await LoggedCategoriesAsync(work.Select(w => w.Case.Case.Value).ToList(), cancellationToken);
            var records = work
                .Select(w => (w.Case, Categories: w.Categories.Where(c => logged.GetValueOrDefault(w.Case.Case.Value)?.Contains(c.Category) != true).ToList()))
                .Where(r => r.Categories.Count > 0)
                .ToList();
            var completions = work.Select(w => w.Case.Case.Value).Except(records.Select(r => r.Case.Case.Value), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);

            // 2. The access log first; a refused record throws here, before anything is destroyed.
            await Task.WhenAll(records.Select(r => accessLog.AppendAsync(
                AccessRecord.Administrative(
                    AccessEventKind.Purge, Operation, SubjectPrefix + string.Join(',', r.Categories.Select(c => c.Category)), actor, now, r.Case.Case,
                    string.Join(',', r.Categories.Select(c => c.Rule)), string.Join(',', r.Categories.Select(c => c.Article).Distinct(StringComparer.Ordinal))),
                cancellationToken)));

            // 3. Crypto-shredding, all cases of the batch in one key-store transaction. With the last categories of a
            // case goes its access-log key: the emergency justifications and legal-hold reasons sealed under it (no
            // hold is active, or the case would not be here). A rerun after a kill destroys it with the same categories.
            await keys.DestroyManyAsync(
                [.. work.SelectMany(w => w.Categories.Select(c => (w.Case.Case.Value, c.Category))),
                    .. work.Where(w => w.Last).Select(w => (w.Case.Case.Value, AccessLogJustifications.KeyCategory))],
                cancellationToken);

            // 4. The case database, in one transaction (the claim's, where it holds one): ciphertexts gone, the facts
            // recorded, the notice for partners.
            transaction ??= await db.Database.BeginTransactionAsync(cancellationToken);
            var done = await WriteRowsAsync(db, work, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            foreach (var item in done)
            {
                if (completions.Contains(item.Case.Value))
                {
                    RetentionLog.CaseCompleted(logger, item.Case.Value, string.Join(',', item.Categories.Select(c => c.Category)));
                }
                else
                {
                    RetentionLog.CasePurged(logger, item.Case.Value, string.Join(',', item.Categories.Select(c => c.Category)));
                }
            }

            return (done.Select(d => d with { Completion = completions.Contains(d.Case.Value) }).ToList(), skipped);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    private static async Task<List<PurgedCase>> WriteRowsAsync(HubDbContext db, List<PurgeWork> work, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var group in work.SelectMany(w => w.Categories.Select(c => (Case: w.Case.Case.Value, c.Category))).GroupBy(p => p.Category, StringComparer.Ordinal))
        {
            var cases = group.Select(p => p.Case).ToList();
            await db.CaseFields.Where(f => f.Category == group.Key && cases.Contains(f.Case)).ExecuteDeleteAsync(cancellationToken);
            await db.CaseReportFields.Where(f => f.Category == group.Key && cases.Contains(f.Case)).ExecuteDeleteAsync(cancellationToken);
        }

        var cleared = work.Where(w => w.Categories.Any(c => c.Category == StatischCategory)).Select(w => w.Case.Case.Value).ToList();
        if (cleared.Count > 0)
        {
            await db.Cases.Where(c => cleared.Contains(c.Pseudonym)).ExecuteUpdateAsync(s => s.SetProperty(c => c.BlindIndex, (string?)null), cancellationToken);
        }

        var names = work.Select(w => w.Case.Case.Value).ToList();
        var shredded = (await db.CaseShreds.AsNoTracking().Where(s => names.Contains(s.Case)).Select(s => new { s.Case, s.Category }).ToListAsync(cancellationToken))
            .Select(s => (s.Case, s.Category)).ToHashSet();
        var done = new List<PurgedCase>(work.Count);
        foreach (var (item, categories, last) in work)
        {
            // After its last categories a case keeps days only (CaseAnonymisation): its new rows are written so.
            var at = last ? CaseAnonymisation.Day(now) : now;
            foreach (var category in categories)
            {
                db.CasePurges.Add(new CasePurgeRow { Case = item.Case.Value, Category = category.Category, PurgedAt = at, Rule = category.Rule, Article = category.Article });
                if (!shredded.Contains((item.Case.Value, category.Category)))
                {
                    db.CaseShreds.Add(new CaseShredRow { Case = item.Case.Value, Category = category.Category, DestroyedAt = at });
                }
            }

            db.PurgeNotices.Add(new PurgeNoticeRow
            {
                Case = item.Case.Value,
                Categories = string.Join(',', categories.Select(c => c.Category)),
                Rules = string.Join(',', categories.Select(c => c.Rule)),
                Articles = string.Join(',', categories.Select(c => c.Article)),
                PurgedAt = at,
            });
            done.Add(new PurgedCase(item.Case, categories, now, Completion: false));
        }

        await db.SaveChangesAsync(cancellationToken);
        await CaseAnonymisation.AfterLastPurgeAsync(db, [.. work.Where(w => w.Last).Select(w => w.Case.Case.Value)], cancellationToken);
        return done;
    }

    /// <summary>Per case, the categories its Purge records in the access log name.</summary>
    private async Task<Dictionary<string, HashSet<string>>> LoggedCategoriesAsync(IReadOnlyCollection<string> cases, CancellationToken cancellationToken)
    {
        var logged = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in await accessLogStore.OfCasesAsync(cases, AccessEventKind.Purge, cancellationToken))
        {
            var record = entry.Record;
            if (record.Case is not { } pseudonym || record.Operation != Operation || record.Subject?.StartsWith(SubjectPrefix, StringComparison.Ordinal) != true)
            {
                continue;
            }

            if (!logged.TryGetValue(pseudonym.Value, out var categories))
            {
                logged[pseudonym.Value] = categories = new HashSet<string>(StringComparer.Ordinal);
            }

            categories.UnionWith(record.Subject[SubjectPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return logged;
    }

    private static async Task<Dictionary<string, HashSet<string>>> PurgedCategoriesAsync(HubDbContext db, IReadOnlyCollection<string>? cases, CancellationToken cancellationToken)
    {
        var query = db.CasePurges.AsNoTracking();
        if (cases is not null)
        {
            var list = cases.ToList();
            query = query.Where(p => list.Contains(p.Case));
        }

        var rows = await query.Select(p => new { p.Case, p.Category }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Case, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Category).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>A case of a batch: its categories due now, and whether they are the last it has.</summary>
    private sealed record PurgeWork(DuePurge Case, IReadOnlyList<CategoryRetention> Categories, bool Last);
}

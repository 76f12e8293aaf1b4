using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// The privacy officer's flags on the access log (<c>GET /access-log/flags</c>, and the schedule each day): denials;
/// accesses to a case recorded after it was closed; accesses by a shell partner in the last day of its invitation;
/// bulk access (more distinct cases by one user within a clock hour than configured); emergency releases; reads of the
/// log itself. Computed for a bounded time window from the log's query columns through the recorded_at index — a leaf
/// is decoded only for an access recorded after its case's closure, to tell the decision's own time — and scoped like
/// the search: a partner's own privacy officer sees only the flags of that partner's employees.
/// </summary>
internal sealed class LogFlags(
    Gate gate, AccessLogStore store, IAccessLog log, IDbContextFactory<HubDbContext> databases, IOptions<LogReviewOptions> options, TimeProvider time)
{
    public static readonly AccessRoute Flags = new("access-log.flags", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);

    /// <summary>The operation of the daily run's own record.</summary>
    public const string DailyOperation = "access-log.flags.daily";

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    /// <summary>Flags of one kind listed at most; more are counted as truncated (narrow the window).</summary>
    public const int MaxPerKind = 500;

    /// <summary>Access decisions on cases read at most for one window (the after-closure, shell-partner and bulk flags).</summary>
    public const int MaxCaseAccesses = 200_000;

    public const string Denial = "denial";
    public const string AfterClosure = "after-closure";
    public const string ShellLastDay = "shell-last-day";
    public const string Bulk = "bulk";
    public const string Emergency = "emergency";
    public const string LogRead = "log-read";

    /// <summary>The kinds of flag, in the order they are listed.</summary>
    public static readonly string[] Kinds = [Denial, AfterClosure, ShellLastDay, Bulk, Emergency, LogRead];

    public async Task<Results<Ok<AccessFlagReport>, BadRequestProblem, ForbiddenProblem>> FlagsAsync(
        ClaimsPrincipal user, string? from, string? to, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Flags, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        var window = Window(from, to, access, problems);
        if (window is not { } w)
        {
            return await gate.InvalidAsync(access, "The window of the flags is not valid", problems, cancellationToken);
        }

        var scope = access.Officer ?? throw new InvalidOperationException("The flags are entered as a privacy officer.");
        var subject = string.Create(CultureInfo.InvariantCulture,
            $"flags;from={w.From.UtcDateTime:O};to={w.Before.UtcDateTime:O}{(scope.All ? "" : ";partner=" + scope.Partner!.Value.Value)}");

        // No record, no read: the read is on the log before the flags are computed.
        await gate.PermitAsync(access, cancellationToken, subject);
        var report = await ComputeAsync(w.From, w.Before, scope.Partner?.Value, cancellationToken);
        return TypedResults.Ok(scope.All ? report with { LastRun = await LastRunAsync(cancellationToken) } : report);
    }

    /// <summary>
    /// The daily run: the flags of the previous day in the Netherlands, every partner's, kept as counts per kind and
    /// recorded on the log as an administrative read by the hub (counts only, no personal value). A second run for the
    /// same day replaces the counts.
    /// </summary>
    public async Task<AccessFlagRun> RunDailyAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, LogCriteria.Zone).DateTime);
        var day = today.AddDays(-1);
        var report = await ComputeAsync(LogCriteria.StartOf(day), LogCriteria.StartOf(today), null, cancellationToken);
        var counts = report.Counts.ToDictionary(c => c.Kind, c => c.Count, StringComparer.Ordinal);
        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var subject = $"flags-daily;day={dayText};" + string.Join(';', Kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k}={counts[k]}")));
        var seq = await log.AppendAsync(AccessRecord.Administrative(AccessEventKind.LogRead, DailyOperation, subject, "hub", now), cancellationToken);

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.AccessLogFlagRuns.FindAsync([dayText], cancellationToken);
        if (row is null)
        {
            row = new AccessLogFlagRunRow { Day = dayText };
            db.AccessLogFlagRuns.Add(row);
        }

        row.Denials = counts[Denial];
        row.AfterClosure = counts[AfterClosure];
        row.ShellLastDay = counts[ShellLastDay];
        row.Bulk = counts[Bulk];
        row.Emergencies = counts[Emergency];
        row.LogReads = counts[LogRead];
        row.ComputedAt = now;
        row.RecordSeq = seq;
        await db.SaveChangesAsync(cancellationToken);
        return AccessFlagRun.Of(row);
    }

    /// <summary>The latest daily run kept, if any.</summary>
    public async Task<AccessFlagRun?> LastRunAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.AccessLogFlagRuns.AsNoTracking().OrderByDescending(r => r.Day).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : AccessFlagRun.Of(row);
    }

    /// <summary>The flags of [<paramref name="from"/>, <paramref name="before"/>), of <paramref name="partner"/>'s employees only when given.</summary>
    public async Task<AccessFlagReport> ComputeAsync(DateTimeOffset from, DateTimeOffset before, string? partner, CancellationToken cancellationToken)
    {
        var flags = new List<AccessFlag>();
        var counts = new List<AccessFlagCount>();
        void Add(string kind, List<AccessFlag> found, bool truncated)
        {
            flags.AddRange(found.Take(MaxPerKind));
            counts.Add(new AccessFlagCount(kind, Math.Min(found.Count, MaxPerKind), truncated || found.Count > MaxPerKind));
        }

        async Task<(List<FlagRow> Rows, bool Truncated)> RowsAsync(FlagRowSelection selection, int limit)
        {
            var rows = await store.FlagRowsAsync(selection, from, before, partner, limit + 1, cancellationToken);
            return ([.. rows.Take(limit)], rows.Count > limit);
        }

        var (denials, denialsCut) = await RowsAsync(FlagRowSelection.Denials, MaxPerKind);
        var (accesses, accessesCut) = await RowsAsync(FlagRowSelection.CaseAccesses, MaxCaseAccesses);
        var (emergencies, emergenciesCut) = await RowsAsync(FlagRowSelection.Emergencies, MaxPerKind);
        var (reads, readsCut) = await RowsAsync(FlagRowSelection.LogReads, MaxPerKind);

        Add(Denial, [.. denials.Select(r => AccessFlag.Of(Denial, r, "the decision was deny"))], denialsCut);
        Add(AfterClosure, await AfterClosureAsync(accesses, cancellationToken), accessesCut);
        Add(ShellLastDay, await ShellLastDayAsync(accesses, cancellationToken), accessesCut);
        Add(Bulk, BulkOf(accesses, options.Value.BulkCasesPerHour), accessesCut);
        Add(Emergency, [.. emergencies.Select(r => AccessFlag.Of(Emergency, r, "an emergency release (acute-veiligheid), to be reviewed"))], emergenciesCut);
        Add(LogRead, [.. reads.Select(r => AccessFlag.Of(LogRead, r, "a read of the access log itself"))], readsCut);
        return new AccessFlagReport(from, before, options.Value.BulkCasesPerHour, counts, partner is null ? flags : await WithinPartnerAsync(flags, cancellationToken), null);
    }

    /// <summary>
    /// The flags as a partner's own privacy officer may see them, as the search shows records: not the hub privacy
    /// officer's own records (who may be one of the partner's users), and on a refusal neither the rule nor the other
    /// partner's case's state (when it closed) — the employee refused was answered as for a case that does not exist.
    /// </summary>
    private async Task<List<AccessFlag>> WithinPartnerAsync(List<AccessFlag> flags, CancellationToken cancellationToken)
    {
        var officers = (await store.RecordsAsync([.. flags.Where(f => f.Kind is LogRead or Denial).SelectMany(f => f.Seqs).Distinct()], cancellationToken))
            .Where(r => r.Record.Role == Access.AccessRecords.PrivacyOfficerRole).Select(r => r.Seq).ToHashSet();
        return
        [
            .. flags
                .Where(f => !(f.Kind is LogRead or Denial && f.Seqs.All(officers.Contains)))
                .Select(f => f.Decision is "deny" or "error" ? f with { Rule = null, Against = null } : f),
        ];
    }

    /// <summary>Accesses whose decision was made after the case was closed: the closure's own decision, made at the closing instant, is not one.</summary>
    private async Task<List<AccessFlag>> AfterClosureAsync(List<FlagRow> accesses, CancellationToken cancellationToken)
    {
        var closed = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            foreach (var chunk in accesses.Select(a => a.Case!).Distinct(StringComparer.Ordinal).Chunk(500))
            {
                foreach (var c in await db.Cases.AsNoTracking().Where(c => chunk.Contains(c.Pseudonym) && c.ClosedAt != null).Select(c => new { c.Pseudonym, c.ClosedAt }).ToListAsync(cancellationToken))
                {
                    closed[c.Pseudonym] = c.ClosedAt!.Value;
                }
            }
        }

        // The recorded instant is a little after the decision's; only those candidates' own decision instants are read.
        var candidates = accesses.Where(a => closed.TryGetValue(a.Case!, out var at) && a.RecordedAt >= at).ToList();
        var decided = (await store.RecordsAsync([.. candidates.Select(a => a.Seq)], cancellationToken)).ToDictionary(r => r.Seq, r => r.Record.OccurredAt);
        return
        [
            .. candidates
                .Where(a => decided.TryGetValue(a.Seq, out var at) && at > closed[a.Case!])
                .Select(a => AccessFlag.Of(AfterClosure, a, string.Create(CultureInfo.InvariantCulture, $"recorded after the case was closed at {closed[a.Case!].UtcDateTime:O}"), closed[a.Case!])),
        ];
    }

    /// <summary>Accesses by an invited (shell) partner within the last day before its invitation ends.</summary>
    private async Task<List<AccessFlag>> ShellLastDayAsync(List<FlagRow> accesses, CancellationToken cancellationToken)
    {
        var invited = new Dictionary<(string Case, string Partner), DateTimeOffset>();
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            foreach (var chunk in accesses.Where(a => a.Partner is not null).Select(a => a.Case!).Distinct(StringComparer.Ordinal).Chunk(500))
            {
                foreach (var i in await db.CaseInvitations.AsNoTracking().Where(i => chunk.Contains(i.Case)).ToListAsync(cancellationToken))
                {
                    invited[(i.Case, i.Partner)] = i.InvitedUntil;
                }
            }
        }

        return
        [
            .. accesses
                .Where(a => a.Partner is not null && invited.TryGetValue((a.Case!, a.Partner), out var until) && a.RecordedAt >= until - TimeSpan.FromDays(1) && a.RecordedAt < until)
                .Select(a =>
                {
                    var until = invited[(a.Case!, a.Partner!)];
                    return AccessFlag.Of(ShellLastDay, a, string.Create(CultureInfo.InvariantCulture, $"a shell partner in the last day of its invitation, which ends at {until.UtcDateTime:O}"), until);
                }),
        ];
    }

    /// <summary>Users with more than <paramref name="threshold"/> distinct cases within one clock hour (UTC).</summary>
    private static List<AccessFlag> BulkOf(List<FlagRow> accesses, int threshold) =>
    [
        .. accesses
            .Where(a => a.Partner is not null && a.User is not null)
            .GroupBy(a => (a.Partner!, a.User!, Hour: new DateTimeOffset(a.RecordedAt.UtcTicks - (a.RecordedAt.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero)))
            .Select(g => (g.Key, Rows: g.ToList(), Cases: g.Select(a => a.Case!).Distinct(StringComparer.Ordinal).Count()))
            .Where(g => g.Cases > threshold)
            .OrderBy(g => g.Key.Hour).ThenBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal)
            .Select(g => new AccessFlag(
                Bulk,
                string.Create(CultureInfo.InvariantCulture, $"{g.Cases} distinct cases within one hour, more than {threshold}"),
                [.. g.Rows.Select(r => r.Seq)],
                g.Key.Hour,
                g.Key.Item1,
                g.Key.Item2,
                null,
                null,
                null,
                g.Cases,
                g.Key.Hour,
                null)),
    ];

    private Window? Window(string? fromText, string? toText, Access.Access access, List<string> problems)
    {
        var parsed = LogCriteria.Parse("flags", new LogSearchRequest(From: fromText, To: toText), access.Engine.Vocabulary, 1, 1, problems);
        if (parsed is null)
        {
            return null;
        }

        var (from, to) = (parsed.Query.RecordedFrom, parsed.Query.RecordedBefore);
        var before = to ?? (from is { } f ? Min(f + DefaultWindow, access.Now) : access.Now);
        var start = from ?? before - DefaultWindow;
        if (before <= start)
        {
            problems.Add("'to' must be after 'from'");
            return null;
        }

        if (before - start > MaxWindow)
        {
            problems.Add($"'from' and 'to' span at most {MaxWindow.TotalDays:0} days");
            return null;
        }

        return new Window(start, before);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>A time window of flags: from, and before (excluded).</summary>
internal readonly record struct Window(DateTimeOffset From, DateTimeOffset Before);

/// <summary>
/// One flag: its kind, why (the flag's rule in words), the record(s) it rests on, when, who (partner and user id), the
/// case, the record's decision and policy rule; for bulk access the hour and how many distinct cases; for an access
/// after closure or in an invitation's last day the instant it is measured against.
/// </summary>
public sealed record AccessFlag(
    string Kind,
    string Reason,
    IReadOnlyList<long> Seqs,
    DateTimeOffset At,
    string? Partner,
    string? User,
    string? Case,
    string? Decision,
    string? Rule,
    int? Cases,
    DateTimeOffset? Hour,
    DateTimeOffset? Against)
{
    internal static AccessFlag Of(string kind, FlagRow row, string reason, DateTimeOffset? against = null) =>
        new(kind, reason, [row.Seq], row.RecordedAt, row.Partner, row.User, row.Case, row.Decision, row.Rule, null, null, against);
}

/// <summary>How many flags of a kind the window has; truncated when there were more than are listed (narrow the window).</summary>
public sealed record AccessFlagCount(string Kind, int Count, bool Truncated);

/// <summary>The flags of a window, oldest first per kind, with the bulk threshold in force and (for the hub's privacy officer) the last daily run.</summary>
public sealed record AccessFlagReport(
    DateTimeOffset From, DateTimeOffset To, int BulkCasesPerHour, IReadOnlyList<AccessFlagCount> Counts, IReadOnlyList<AccessFlag> Flags, AccessFlagRun? LastRun);

/// <summary>A daily run of the flags: the day (in the Netherlands), its counts per kind, when it ran and the seq of its log record.</summary>
public sealed record AccessFlagRun(string Day, IReadOnlyDictionary<string, int> Counts, DateTimeOffset ComputedAt, long RecordSeq)
{
    internal static AccessFlagRun Of(AccessLogFlagRunRow row) => new(
        row.Day,
        new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [LogFlags.Denial] = row.Denials,
            [LogFlags.AfterClosure] = row.AfterClosure,
            [LogFlags.ShellLastDay] = row.ShellLastDay,
            [LogFlags.Bulk] = row.Bulk,
            [LogFlags.Emergency] = row.Emergencies,
            [LogFlags.LogRead] = row.LogReads,
        },
        row.ComputedAt,
        row.RecordSeq);
}

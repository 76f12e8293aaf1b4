using System.Threading.Channels;
using Informatiedeling.AccessLog.Records;
using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// Group commit: callers queue their record and wait; one writer per hub instance drains the queue and appends a
/// whole batch in one transaction, then acknowledges every record in it (or fails every one). Throughput comes from
/// the batch, not from holding a lock across each commit.
/// <para>
/// On PostgreSQL a batch is one round trip when the writer knows the head it continues from: the head its own last
/// batch leaves, which is the log's head unless another instance appended since or that batch failed. The batch is
/// sent with that head as its condition (<see cref="AccessLogStore.TryCommitContinuingAsync"/>); if the head moved,
/// it wrote nothing and is appended again from the head read under the lock. When the head is not known (at start,
/// after a batch that did not go as planned), the next batch is begun while the one before it commits: its lock
/// request waits in the server, so it has the head as soon as that commit is done, and takes up every record that
/// came in meanwhile. Either way at most two batches are under way, the second waiting in the server for the first's
/// lock; the lock orders them, and each is acknowledged only after its own commit.
/// </para>
/// </summary>
public sealed class AccessLogWriter : IAccessLog, IAsyncDisposable
{
    public const int MaxBatch = 4096;

    private readonly AccessLogStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessLogWriter> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(4 * MaxBatch)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _drain;

    // The batches taken from the queue and not yet known to be answered: failed if the loop ends unexpectedly.
    private List<Pending>? _underWay;
    private List<Pending>? _taken;
    private volatile AccessLogHealth _health = AccessLogHealth.Committing;
    private readonly SemaphoreSlim _probe = new(1, 1);

    public AccessLogWriter(AccessLogStore store, TimeProvider time, ILogger<AccessLogWriter> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _drain = Task.Run(RunAsync);
    }

    /// <summary>Whether the last batch committed, since when commits fail, or that the writer has stopped.</summary>
    public AccessLogHealth Health => _health;

    public async Task<long> AppendAsync(AccessRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Justification is not null && record.Case is null)
        {
            throw new ArgumentException("A justification is sealed under a case's key, so a record that carries one names its case.", nameof(record));
        }

        var pending = new Pending(record, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new AccessLogUnavailableException(
                _health.Condition == AccessLogCondition.Stopped
                    ? "The access log's writer has stopped; the record was not written and the operation must not proceed."
                    : "The access log is shutting down; the record was not written.",
                e);
        }

        return await pending.Acknowledged.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// While commits fail, tries one: a record that the log commits again. A load balancer stops sending requests to an
    /// instance that is not ready, so without this probe nothing would ever find that the log has recovered. True if
    /// the log commits (again); false while it fails, when the writer has stopped, or when another probe is under way.
    /// </summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var health = _health;
        if (health.Condition != AccessLogCondition.Failing)
        {
            return health.Condition == AccessLogCondition.Committing;
        }

        if (!await _probe.WaitAsync(0, cancellationToken))
        {
            return false;
        }

        try
        {
            await AppendAsync(
                AccessRecord.Administrative(AccessEventKind.LogResumed, "access-log.resume", $"failing-since:{health.Since:O}", "hub", _time.GetUtcNow()),
                cancellationToken);
            return true;
        }
        catch (AccessLogUnavailableException)
        {
            return false;
        }
        finally
        {
            _probe.Release();
        }
    }

    public async Task<IReadOnlyList<LoggedRecord>> ReadAsync(AccessLogQuery query, LogReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(reader);

        // The read is on the record before a single line is returned: no record, no read.
        await AppendAsync(new AccessRecord
        {
            Id = Guid.CreateVersion7(_time.GetUtcNow()),
            Kind = AccessEventKind.LogRead,
            OccurredAt = _time.GetUtcNow(),
            TraceId = System.Diagnostics.Activity.Current?.TraceId,
            SpanId = System.Diagnostics.Activity.Current?.SpanId,
            ActorUser = reader.User,
            ActorPartner = reader.Partner,
            Role = reader.Role,
            Case = query.Case,
            Purpose = reader.Purpose,
            Operation = "access-log.read",
            Subject = Describe(query, reader),
        }, cancellationToken);
        return await _store.QueryAsync(query, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _drain;
        _probe.Dispose();
    }

    /// <summary>The read's parameters; a user filter as whether it is the reader's own, never the id itself.</summary>
    private static string Describe(AccessLogQuery query, LogReader reader) =>
        string.Join(' ', new[]
        {
            query.Partner is { } p ? $"partner={p}" : null,
            query.Purpose is { } u ? $"purpose={u}" : null,
            query.Decision is { } d ? $"decision={AccessLogNames.Decision(d)}" : null,
            query.Kind is { } k ? $"kind={AccessLogNames.Kind(k)}" : null,
            query.User is { } user ? (user == reader.User ? "user=self" : "user=other") : null,
            $"from={query.FromSeq}",
            query.BeforeSeq is { } before ? $"before={before}" : null,
            query.NewestFirst ? "order=newest" : null,
            $"limit={query.Limit}",
        }.Where(s => s is not null));

    /// <summary>
    /// Runs the loop; if it ends on an exception no batch handler expected, the writer stops for good and fails closed:
    /// every record under way or queued is refused, and so is every later one, instead of callers waiting forever.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "The last line of defence: whatever ended the loop, callers must be refused, not left waiting.")]
    private async Task RunAsync()
    {
        try
        {
            await DrainAsync();
        }
        catch (Exception e)
        {
            _health = AccessLogHealth.Stopped(e.GetType().Name);
            _queue.Writer.TryComplete();
            // The type and the stack only: a message may quote what the failed statement carried.
            AccessLogMessages.WriterStopped(_logger, e.GetType().Name, e.StackTrace);
            var failure = new AccessLogUnavailableException("The access log's writer has stopped; the record was not written and the operation must not proceed.", e);
            foreach (var pending in (_underWay ?? []).Concat(_taken ?? []))
            {
                pending.Acknowledged.TrySetException(failure);
            }

            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Acknowledged.TrySetException(failure);
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "CommitBegunAsync owns the begun batch and disposes it on every path.")]
    private async Task DrainAsync()
    {
        var committing = Task.FromResult(true);
        LogHead? next = null; // the head the batch under way leaves, if it goes as planned; null when not known
        while (await _queue.Reader.WaitToReadAsync())
        {
            if (!_store.CanBeginAhead)
            {
                await AppendAsync(_taken = Take());
                continue;
            }

            Task<bool> commit;
            var continued = next is not null;
            if (next is not null)
            {
                var batch = _taken = Take();
                if (Encode(batch, next) is not { } continuing)
                {
                    continue;
                }

                commit = ContinueAsync(batch, continuing);
                next = continuing.To;
            }
            else
            {
                BegunBatch begun;
                try
                {
                    // Returns once the batch before this one (still committing, on its own connection) has ended.
                    begun = await _store.BeginBatchAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Fail(_taken = Take(), e);
                    continue;
                }

                // Taken now, after the lock: everything that came in while the batch before committed.
                var batch = _taken = Take();
                if (Encode(batch, begun.Head) is not { } rows)
                {
                    await begun.DisposeAsync();
                    continue;
                }

                commit = CommitBegunAsync(batch, begun, rows);
                next = rows.To;
            }

            // A batch that continued from the head the one before it was to leave finds the head moved if that one did
            // not go as planned, and appends again: the head after it is then not known. A begun batch read the head
            // under the lock, after the one before it ended, and knows it either way.
            if (!await committing && continued)
            {
                next = null;
            }

            committing = commit;
            _underWay = _taken;
        }

        await committing;
    }

    /// <summary>The batch encoded to follow <paramref name="head"/>; null, with every record in it failed, if it cannot be.</summary>
    private ContinuingBatch? Encode(List<Pending> batch, LogHead head)
    {
        try
        {
            return AccessLogStore.PrepareContinuing(head, batch.ConvertAll(p => p.Record), _time.GetUtcNow());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(batch, e);
            return null;
        }
    }

    private List<Pending> Take()
    {
        var batch = new List<Pending>();
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }

        return batch;
    }

    /// <summary>Appends the batch from the head read under the lock, and acknowledges every record in it or fails every one; true if it committed.</summary>
    private Task<bool> AppendAsync(List<Pending> batch) =>
        CommitAsync(batch, () => _store.AppendBatchAsync(batch.ConvertAll(p => p.Record), _time.GetUtcNow(), CancellationToken.None));

    /// <summary>Commits <paramref name="rows"/> in <paramref name="begun"/>'s transaction, as <see cref="AppendAsync(List{Pending})"/>.</summary>
    private async Task<bool> CommitBegunAsync(List<Pending> batch, BegunBatch begun, ContinuingBatch rows)
    {
        await using (begun)
        {
            return await CommitAsync(batch, () => AccessLogStore.CommitBatchAsync(begun, rows));
        }
    }

    private async Task<bool> CommitAsync(List<Pending> batch, Func<Task<long>> commit)
    {
        try
        {
            Acknowledge(batch, await commit());
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(batch, e);
            return false;
        }
    }

    /// <summary>
    /// Commits a batch that continues from the head the writer expects, in one round trip; if the head moved, appends it
    /// again from the head as it is. True only if it committed as planned, leaving the head the writer expects next.
    /// </summary>
    private async Task<bool> ContinueAsync(List<Pending> batch, ContinuingBatch rows)
    {
        try
        {
            if (await _store.TryCommitContinuingAsync(rows))
            {
                Acknowledge(batch, rows.From.Size);
                return true;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(batch, e);
            return false;
        }

        await AppendAsync(batch);
        return false;
    }

    private void Acknowledge(List<Pending> batch, long first)
    {
        if (_health.Condition == AccessLogCondition.Failing)
        {
            _health = AccessLogHealth.Committing;
            AccessLogMessages.Recovered(_logger);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Acknowledged.TrySetResult(first + i);
        }
    }

    private void Fail(List<Pending> batch, Exception e)
    {
        // Fail closed: nobody in the batch is told their record is on the log. The next batch starts afresh from the
        // head as committed, so a failed batch leaves no gap.
        AccessLogMessages.BatchFailed(_logger, batch.Count, e.GetType().Name);
        if (_health.Condition == AccessLogCondition.Committing)
        {
            _health = AccessLogHealth.Failing(_time.GetUtcNow(), e.GetType().Name);
        }

        var failure = new AccessLogUnavailableException("The access-log record could not be committed; the operation must not proceed.", e);
        foreach (var pending in batch)
        {
            pending.Acknowledged.TrySetException(failure);
        }
    }

    private sealed record Pending(AccessRecord Record, TaskCompletionSource<long> Acknowledged);
}

using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>The access log (toegangslog): every decision and administrative event, durable before it is acknowledged.</summary>
public interface IAccessLog
{
    /// <summary>
    /// Records <paramref name="record"/> and returns its seq once its transaction has committed. Throws
    /// <see cref="AccessLogUnavailableException"/> when it could not be committed: the caller must then fail closed.
    /// </summary>
    Task<long> AppendAsync(AccessRecord record, CancellationToken cancellationToken);

    /// <summary>Reads records for <paramref name="reader"/>; the read itself is recorded first (a "log read" record).</summary>
    Task<IReadOnlyList<LoggedRecord>> ReadAsync(AccessLogQuery query, LogReader reader, CancellationToken cancellationToken);
}

/// <summary>
/// Which records to read. Every criterion is optional and they combine; at most <see cref="Limit"/> records from
/// <see cref="FromSeq"/>, oldest first, or with <see cref="NewestFirst"/> newest first, below <see cref="BeforeSeq"/>
/// when given (keyset paging: the next page starts below the last seq of the one before, so pages neither skip nor repeat).
/// </summary>
public sealed record AccessLogQuery
{
    public CasePseudonym? Case { get; init; }

    /// <summary>Records on any of these cases (a person found through the blind index may have several files); combines with <see cref="Case"/> as "and".</summary>
    public IReadOnlyList<CasePseudonym>? Cases { get; init; }

    /// <summary>The rule the decision rests on, e.g. <c>R-DOEL-ZORG</c>.</summary>
    public string? Rule { get; init; }

    /// <summary>Only emergency releases (true), or only others (false). Records from before the column existed are neither.</summary>
    public bool? Emergency { get; init; }

    /// <summary>Recorded at or after this instant.</summary>
    public DateTimeOffset? RecordedFrom { get; init; }

    /// <summary>Recorded before this instant.</summary>
    public DateTimeOffset? RecordedBefore { get; init; }

    public PartnerId? Partner { get; init; }

    public PurposeId? Purpose { get; init; }

    public AccessDecision? Decision { get; init; }

    public AccessEventKind? Kind { get; init; }

    /// <summary>The acting user's id as admitted from the token; a user id is unique only within its partner, so combine it with <see cref="Partner"/>.</summary>
    public string? User { get; init; }

    /// <summary>Only records with a seq below this one (the last seq of the page before, newest first).</summary>
    public long? BeforeSeq { get; init; }

    /// <summary>Newest first (highest seq first) instead of oldest first.</summary>
    public bool NewestFirst { get; init; }

    public long FromSeq { get; init; }

    public int Limit { get; init; } = 1000;
}

/// <summary>Who reads the log (the privacy officer, an auditor), and under which purpose.</summary>
public sealed record LogReader(string User, PartnerId? Partner, string Role, PurposeId? Purpose);

/// <summary>A record could not be committed. The operation that needed it must not go ahead.</summary>
public sealed class AccessLogUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

namespace Informatiedeling.Storage.AccessLog;

/// <summary>One daily run of the access-log flags: the counts per kind of flag of one day (table <c>access_log_flag_runs</c>).</summary>
public sealed class AccessLogFlagRunRow
{
    /// <summary>The day in the Netherlands, yyyy-MM-dd.</summary>
    public required string Day { get; init; }

    public int Denials { get; set; }

    public int AfterClosure { get; set; }

    public int ShellLastDay { get; set; }

    public int Bulk { get; set; }

    public int Emergencies { get; set; }

    public int LogReads { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    /// <summary>The seq of the access-log record of the run.</summary>
    public long RecordSeq { get; set; }
}

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>What an outsider concludes from comparing the checkpoint it kept with one the log presents now.</summary>
public enum WitnessOutcome
{
    /// <summary>The presented tree is the kept one with records appended (or unchanged).</summary>
    AppendOnly,

    /// <summary>The presented tree is smaller: records were removed, or an older state is presented as current (rollback).</summary>
    Truncated,

    /// <summary>The presented tree does not extend the kept one: history was rewritten, or the log shows different trees to different parties.</summary>
    Forked,

    /// <summary>The two checkpoints are of different logs.</summary>
    DifferentLog,

    /// <summary>A checkpoint did not verify, so nothing can be concluded.</summary>
    InvalidCheckpoint,
}

/// <summary>The conclusion of <see cref="CheckpointWitness"/>, with the reason in words.</summary>
public sealed record WitnessVerdict(WitnessOutcome Outcome, string Reason)
{
    public bool IsAppendOnly => Outcome == WitnessOutcome.AppendOnly;
}

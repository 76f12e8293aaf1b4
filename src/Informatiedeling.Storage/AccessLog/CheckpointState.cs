namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// What this instance's checkpoint service last found: a checkpoint signed, or a refusal with the break. Readiness
/// reports it, so that a log whose stored history was rewritten does not pass as healthy.
/// </summary>
public sealed class CheckpointState
{
    private volatile Snapshot _current = new(null, null, null);

    public Snapshot Current => _current;

    internal void Signed(long size, DateTimeOffset at) => _current = new(size, at, null);

    internal void Refused(LogBreak logBreak, DateTimeOffset at) => _current = new(_current.SignedSize, at, logBreak);

    /// <summary>The size of the last checkpoint signed or found, when; and the break that refused the last attempt, if it was refused.</summary>
    public sealed record Snapshot(long? SignedSize, DateTimeOffset? At, LogBreak? Refusal);
}

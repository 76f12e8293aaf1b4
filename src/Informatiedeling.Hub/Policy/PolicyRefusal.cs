namespace Informatiedeling.Hub.Policy;

/// <summary>
/// The last activated version this instance could not load while an older set stays in force, until a later one
/// loads. Readiness shows it: otherwise the instance would decide under other rules than the rest, and only the server
/// log would say so.
/// </summary>
internal sealed class PolicyRefusal
{
    private volatile RefusedChange? _last;

    public RefusedChange? Last => _last;

    public void Refused(RefusedChange change) => _last = change;

    public void Cleared() => _last = null;
}

/// <summary>When a version was refused and why: each problem as <c>file:line:column: error code: message</c>.</summary>
internal sealed record RefusedChange(DateTimeOffset At, IReadOnlyList<string> Problems);

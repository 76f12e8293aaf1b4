namespace Informatiedeling.Hub.Policy;

/// <summary>
/// The last change of the policy files that was refused while an older set stays in force, until a later change
/// loads. Readiness shows it: otherwise an administrator who saved a broken file sees it only in the server log,
/// and believes the new rules apply.
/// </summary>
internal sealed class PolicyRefusal
{
    private volatile RefusedChange? _last;

    public RefusedChange? Last => _last;

    public void Refused(RefusedChange change) => _last = change;

    public void Cleared() => _last = null;
}

/// <summary>When a change was refused and why: each problem as <c>file:line:column: error code: message</c>, the file by name.</summary>
internal sealed record RefusedChange(DateTimeOffset At, IReadOnlyList<string> Problems);

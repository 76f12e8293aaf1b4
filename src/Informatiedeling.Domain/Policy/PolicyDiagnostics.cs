using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy;

/// <summary>One problem in a policy or convenant file: where it is, what is wrong, and what to do.</summary>
public sealed record PolicyDiagnostic(SourcePosition Position, string Code, string Message)
{
    public override string ToString() => $"{Position}: error {Code}: {Message}";
}

/// <summary>Collects every problem of a load, so that an author sees them all at once, in file order.</summary>
public sealed class PolicyDiagnostics
{
    private readonly List<PolicyDiagnostic> _errors = [];

    public IReadOnlyList<PolicyDiagnostic> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public void Error(SourcePosition position, string code, string message) => _errors.Add(new(position, code, message));

    public IReadOnlyList<PolicyDiagnostic> Sorted() =>
        [.. _errors.OrderBy(e => e.Position.File, StringComparer.Ordinal).ThenBy(e => e.Position.Line).ThenBy(e => e.Position.Column)];
}

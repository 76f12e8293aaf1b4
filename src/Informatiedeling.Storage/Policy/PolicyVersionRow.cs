namespace Informatiedeling.Storage.Policy;

/// <summary>
/// A policy set that was in force at some moment, kept by its content hash so that any logged decision
/// can be replayed against the exact rules that produced it.
/// </summary>
public sealed class PolicyVersionRow
{
    public required string ContentHash { get; init; }

    public required DateTimeOffset FirstLoadedAt { get; init; }

    public required string ConvenantVersion { get; init; }

    /// <summary>The canonical bundle of the convenant and policy files (no personal data).</summary>
    public required string Bundle { get; init; }

    /// <summary>The policy tests that came with the version, as a JSON object of file name to text; none for versions stored before.</summary>
    public string? Tests { get; init; }
}

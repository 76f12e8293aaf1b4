namespace Informatiedeling.Hub.Monitoring;

/// <summary>
/// Nature and scale (aard en omvang) of the chain's cases, aggregated only (art. 3.8). Every count is a string: a
/// count below <see cref="SmallCounts.Threshold"/> (0 included) reads "&lt;5", and so does the next smallest count of a
/// dimension in which only one count would otherwise be hidden, so that no count of one case can be derived.
/// </summary>
public sealed record MonitoringFigures(
    DateTimeOffset GeneratedAt,
    CaseTotals Cases,
    IReadOnlyDictionary<string, string> ByExploitationType,
    IReadOnlyDictionary<string, string> ByStep,
    IReadOnlyDictionary<string, string> ByOutcome,
    IReadOnlyDictionary<string, string> ByClosureReason);

/// <summary>How many cases are open and how many closed.</summary>
public sealed record CaseTotals(string Open, string Closed);

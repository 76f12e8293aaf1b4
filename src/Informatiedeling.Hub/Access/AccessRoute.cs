using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Access;

/// <summary>Where a route judges the caller's standing on a case.</summary>
internal enum StandingScope
{
    /// <summary>The caller's role in the case's current step: every lifecycle action and every read.</summary>
    CurrentStep,

    /// <summary>The caller's strongest role in any step: a legal hold, which concerns the whole file and mostly comes after closure.</summary>
    AnyStep,
}

/// <summary>
/// What a route hands the gate: the operation it is recorded under, the action of actions.yaml it performs (none for
/// a read under a purpose, mere standing, or a route about no case), the kind of access-log record, where standing is
/// judged, whether the action also needs standing on the case (an action that needs no role of itself, such as adding a
/// report to an open file), whether only the privacy officer may use it (and whether a partner's own privacy officer
/// may too, for that partner's employees only), whether the functional administrator may (the sharing rules' routes;
/// with <see cref="PrivacyOfficerOnly"/> too, either function may), and the title of a 403. Also endpoint
/// metadata, so that a refused request body is recorded under the same operation and the tests find every route.
/// </summary>
internal sealed record AccessRoute(
    string Operation,
    string? Action = null,
    AccessEventKind Kind = AccessEventKind.AccessDecision,
    StandingScope Scope = StandingScope.CurrentStep,
    string RefusedTitle = "Not allowed on this case",
    bool RequiresStanding = false,
    bool PrivacyOfficerOnly = false,
    bool PartnerPrivacyOfficers = false,
    bool FunctionalAdministrators = false);

/// <summary>
/// Whose accesses a privacy officer entered through the gate may see: every partner's (the hub's privacy officer), or
/// only those of one partner's employees (that partner's own privacy officer, NEN 7513). Set by the gate alone.
/// </summary>
internal sealed record OfficerScope(PartnerId? Partner)
{
    public static readonly OfficerScope Everyone = new((PartnerId?)null);

    public bool All => Partner is null;

    /// <summary>Whether a record by <paramref name="actor"/> is within the scope.</summary>
    public bool Covers(PartnerId? actor) => All || (actor is { } a && a == Partner);
}

/// <summary>A request let through the gate: who, under which policy set, when, for which route, and the rule that let it through.</summary>
internal record Access
{
    public required Caller Caller { get; init; }

    public required PolicyEngine Engine { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required AccessRoute Route { get; init; }

    /// <summary>The rule that let the request through; recorded with its permit, and with an error or conflict after it.</summary>
    public Explanation? Rule { get; init; }

    /// <summary>The role recorded: on a case the caller's RASCI role there, else what it acts as (the privacy officer's function).</summary>
    public virtual string? Role { get; init; }

    /// <summary>The declared purpose, for reads and figures.</summary>
    public string? Purpose { get; init; }

    /// <summary>For an action on no case yet (taking in a report): the step of the open case it was decided in.</summary>
    public string? NewCaseStep { get; init; }

    /// <summary>On the privacy officer's routes, whose accesses the caller may see; none elsewhere.</summary>
    public OfficerScope? Officer { get; init; }

    /// <summary>Whether the request gave a justification (a read's emergency reason), as the engine counts one: recorded, never the text.</summary>
    public bool JustificationGiven { get; init; }

    /// <summary>
    /// What the engine decided to let the request through (<see cref="DecisionBasis"/>), set by the gate alone: recorded with
    /// the permit and a release, never with an error, a conflict or a later refusal.
    /// </summary>
    public string? Basis { get; init; }
}

/// <summary>A request on a case let through the gate: the case as it stood and the caller's standing on it.</summary>
internal sealed record CaseAccess : Access
{
    public required CaseState State { get; init; }

    public required CaseStanding Standing { get; init; }

    public override string? Role
    {
        get => Standing.Role?.Name();
        init { }
    }
}

/// <summary>A read let through the gate: the engine's decision on the purpose and categories, and what else was asked.</summary>
internal sealed record CaseRead(CaseAccess Access, Decision Decision, IReadOnlyList<string>? Fields, string? Justification);

/// <summary>What a read asks: the declared purpose, the categories or fields wanted (null: all), a justification for an emergency.</summary>
internal sealed record ReadQuestion(string? Purpose, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Fields, string? Justification)
{
    /// <summary>From a query string: categories and fields as comma-separated lists (empty: none named), fields once each.</summary>
    public static ReadQuestion Parse(string? purpose, string? categories, string? fields, string? justification) => new(
        purpose,
        string.IsNullOrWhiteSpace(categories) ? null : [.. categories.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        string.IsNullOrWhiteSpace(fields) ? null : [.. fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)],
        justification);
}

/// <summary>Either the access to go on with, or the answer that refuses it (already recorded in the access log).</summary>
internal readonly record struct Entry<TAccess, TRefusal>(TAccess? Access, TRefusal? Refusal)
    where TAccess : class
    where TRefusal : ProblemAnswer;

/// <summary>Either the access to go on with, or a 400 for a question that cannot be asked, or the gate's refusal (each already recorded).</summary>
internal readonly record struct Entry<TAccess, TInvalid, TRefusal>(TAccess? Access, TInvalid? Invalid, TRefusal? Refusal)
    where TAccess : class
    where TInvalid : ProblemAnswer
    where TRefusal : ProblemAnswer;

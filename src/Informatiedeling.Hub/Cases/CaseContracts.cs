using System.ComponentModel.DataAnnotations;

namespace Informatiedeling.Hub.Cases;

/// <summary>A report taken in by the reporting point: who it is about (to find an existing file) and its first fields.</summary>
public sealed record IntakeRequest(IntakePerson? Person, [property: Required] Dictionary<string, string> Fields);

/// <summary>The name and date of birth of the person reported on; used only for the keyed blind index and the file itself.</summary>
public sealed record IntakePerson([property: Required] string FullName, [property: Required] DateOnly DateOfBirth);

/// <summary>The case the report went into, and whether it was opened for it.</summary>
public sealed record IntakeResult(string Pseudonym, bool Created);

/// <summary>What a partner received of a case under a purpose: released field values and the categories withheld, with why.</summary>
public sealed record CaseData(
    string Pseudonym,
    string Step,
    string Status,
    string Purpose,
    string Rule,
    string Article,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<WithheldCategory> Withheld,
    IReadOnlyList<DestroyedCategory> Destroyed,
    IReadOnlyList<string> Obligations);

public sealed record WithheldCategory(string Category, string Reason, string Rule, string Article);

/// <summary>A category whose data was destroyed; after a retention purge, under which rule and article of the convenant.</summary>
public sealed record DestroyedCategory(string Category, DateTimeOffset DestroyedAt, string? Rule = null, string? Article = null);

using System.Collections.Immutable;
using System.Globalization;

namespace Informatiedeling.Policy.Engine;

/// <summary>
/// Turns the loosely typed fields of an outside request (JSON line, YAML test, query string) into a decision.
/// Identifiers that are malformed or unknown are denied with the identifier named, as the convenant requires.
/// </summary>
public static class DecisionInput
{
    public static Decision Decide(
        PolicyEngine engine, string partner, string? role, string? step, string caseStatus, string purpose,
        IReadOnlyList<string>? categories, DateTimeOffset at, DateTimeOffset? invitedUntil, string? justification)
    {
        // Standing (partner, role, invitation) is settled before any identifier is judged: without it, a malformed
        // identifier must get the answer a well-formed unknown one gets, which is that for a case that does not exist.
        Role? parsedRole = null;
        var roleParsed = true;
        if (role is not null)
        {
            roleParsed = Roles.TryParse(role, out var r);
            parsedRole = roleParsed ? r : null;
        }

        var hidden = !roleParsed || !PartnerId.TryParse(partner, out var standingPartner)
            || !engine.DecideStanding(standingPartner, parsedRole, at, invitedUntil).Permitted;

        var requested = engine.AllCategories;
        var categoryIds = ImmutableArray<CategoryId>.Empty;
        if (categories is not null)
        {
            requested = 0;
            var builder = ImmutableArray.CreateBuilder<CategoryId>(categories.Count);
            foreach (var name in categories)
            {
                if (!CategoryId.TryParse(name, out var id))
                {
                    return engine.Unknown(IdentifierKind.Category, name, Known(engine, categories), hidden);
                }

                builder.Add(id);
            }

            categoryIds = builder.MoveToImmutable();
            requested = Known(engine, categories);
        }

        if (!PartnerId.TryParse(partner, out var partnerId))
        {
            return engine.Unknown(IdentifierKind.Partner, partner, requested, hidden);
        }

        if (!PurposeId.TryParse(purpose, out var purposeId))
        {
            return engine.Unknown(IdentifierKind.Purpose, purpose, requested, hidden);
        }

        if (!roleParsed)
        {
            return engine.Unknown(IdentifierKind.Role, role!, requested, hidden);
        }

        CaseStatus status;
        switch (caseStatus)
        {
            case "open": status = CaseStatus.Open; break;
            case "closed": status = CaseStatus.Closed; break;
            default: return engine.Unknown(IdentifierKind.CaseStatus, caseStatus, requested, hidden);
        }

        StepId? stepId = null;
        if (step is not null)
        {
            if (!StepId.TryParse(step, out var s))
            {
                return engine.Unknown(IdentifierKind.Step, step, requested, hidden);
            }

            stepId = s;
        }

        var request = new DecisionRequest(
            partnerId, parsedRole, stepId, status, purposeId, categories is null ? default : categoryIds,
            at, invitedUntil, !string.IsNullOrWhiteSpace(justification));
        return engine.Decide(request);
    }

    /// <summary>An ISO 8601 instant; a date alone means the whole of that day (UTC), so until the next midnight.</summary>
    public static bool TryParseInstant(string text, out DateTimeOffset value)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-1);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && text.Contains('T', StringComparison.Ordinal);
    }

    private static ulong Known(PolicyEngine engine, IReadOnlyList<string> categories)
    {
        ulong mask = 0;
        foreach (var name in categories)
        {
            if (engine.Vocabulary.Categories.TryGetIndex(name, out var index))
            {
                mask |= 1UL << index;
            }
        }

        return mask;
    }
}

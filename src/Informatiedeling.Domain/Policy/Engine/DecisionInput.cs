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
                    return engine.Unknown(IdentifierKind.Category, name, Known(engine, categories));
                }

                builder.Add(id);
            }

            categoryIds = builder.MoveToImmutable();
            requested = Known(engine, categories);
        }

        if (!PartnerId.TryParse(partner, out var partnerId))
        {
            return engine.Unknown(IdentifierKind.Partner, partner, requested);
        }

        if (!PurposeId.TryParse(purpose, out var purposeId))
        {
            return engine.Unknown(IdentifierKind.Purpose, purpose, requested);
        }

        Role? parsedRole = null;
        if (role is not null)
        {
            if (!Roles.TryParse(role, out var r))
            {
                return engine.Unknown(IdentifierKind.Role, role, requested);
            }

            parsedRole = r;
        }

        CaseStatus status;
        switch (caseStatus)
        {
            case "open": status = CaseStatus.Open; break;
            case "closed": status = CaseStatus.Closed; break;
            default: return engine.Unknown(IdentifierKind.CaseStatus, caseStatus, requested);
        }

        StepId? stepId = null;
        if (step is not null)
        {
            if (!StepId.TryParse(step, out var s))
            {
                return engine.Unknown(IdentifierKind.Step, step, requested);
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

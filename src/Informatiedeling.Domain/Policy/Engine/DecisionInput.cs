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
        // One parse: every identifier is read here, in this order, and the first malformed one is named. What a
        // malformed or unknown identifier means, and whether the case is hidden, is the engine's to say, in one place.
        (IdentifierKind Kind, string Value)? malformed = null;
        void Malformed(IdentifierKind kind, string value) => malformed ??= (kind, value);

        var categoryIds = ImmutableArray<CategoryId>.Empty;
        if (categories is not null)
        {
            var builder = ImmutableArray.CreateBuilder<CategoryId>(categories.Count);
            foreach (var name in categories)
            {
                if (CategoryId.TryParse(name, out var id))
                {
                    builder.Add(id);
                }
                else
                {
                    Malformed(IdentifierKind.Category, name);
                }
            }

            categoryIds = builder.ToImmutable();
        }

        if (!PartnerId.TryParse(partner, out var partnerId))
        {
            Malformed(IdentifierKind.Partner, partner);
        }

        if (!PurposeId.TryParse(purpose, out var purposeId))
        {
            Malformed(IdentifierKind.Purpose, purpose);
        }

        Role? parsedRole = null;
        if (role is not null)
        {
            if (Roles.TryParse(role, out var r))
            {
                parsedRole = r;
            }
            else
            {
                Malformed(IdentifierKind.Role, role);
            }
        }

        var status = CaseStatus.Open;
        switch (caseStatus)
        {
            case "open": break;
            case "closed": status = CaseStatus.Closed; break;
            default: Malformed(IdentifierKind.CaseStatus, caseStatus); break;
        }

        StepId? stepId = null;
        if (step is not null)
        {
            if (StepId.TryParse(step, out var s))
            {
                stepId = s;
            }
            else
            {
                Malformed(IdentifierKind.Step, step);
            }
        }

        var request = new DecisionRequest(
            partnerId, parsedRole, stepId, status, purposeId, categories is null ? default : categoryIds,
            at, invitedUntil, !string.IsNullOrWhiteSpace(justification));
        return malformed is { } m ? engine.Unknown(m.Kind, m.Value, request) : engine.Decide(request);
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
}

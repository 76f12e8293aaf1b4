using Informatiedeling.Cases;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Retention;

/// <summary>A closed case as the retention overview needs it: when it closed and which categories are purged already.</summary>
public sealed record ClosedCase(CasePseudonym Pseudonym, DateTimeOffset ClosedAt, IReadOnlySet<string> Purged);

/// <summary>The closed cases whose retention the privacy officer follows.</summary>
public sealed class RetentionOverview(IDbContextFactory<HubDbContext> factory)
{
    /// <summary>Every closed case with its closure date and purged categories, oldest closure first.</summary>
    public async Task<IReadOnlyList<ClosedCase>> ClosedCasesAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var closed = await db.Cases.AsNoTracking()
            .Where(c => c.Status == "closed" && c.ClosedAt != null)
            .Select(c => new { c.Pseudonym, c.ClosedAt })
            .ToListAsync(cancellationToken);
        var purged = await db.CasePurges.AsNoTracking()
            .Where(p => db.Cases.Any(c => c.Pseudonym == p.Case && c.Status == "closed"))
            .Select(p => new { p.Case, p.Category })
            .ToListAsync(cancellationToken);
        var byCase = purged.ToLookup(p => p.Case, p => p.Category, StringComparer.Ordinal);
        return [.. closed
            .Where(c => CasePseudonym.TryParse(c.Pseudonym, out _))
            .OrderBy(c => c.ClosedAt!.Value).ThenBy(c => c.Pseudonym, StringComparer.Ordinal)
            .Select(c => new ClosedCase(
                CasePseudonym.TryParse(c.Pseudonym, out var p) ? p : default,
                c.ClosedAt!.Value,
                byCase[c.Pseudonym].ToHashSet(StringComparer.Ordinal)))];
    }
}

using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Cases;

/// <summary>Keeps <c>case_participants</c> a superset of the partners that hold a role or an invitation on a case.</summary>
internal static class CaseParticipantRecorder
{
    /// <summary>Adds, in <paramref name="db"/>'s unit of work, the partners not yet known to have been on the case.</summary>
    public static async Task AddAsync(HubDbContext db, string pseudonym, IEnumerable<string> partners, CancellationToken cancellationToken)
    {
        var wanted = partners.Distinct(StringComparer.Ordinal).ToList();
        var known = await db.CaseParticipants.Where(p => p.Case == pseudonym && wanted.Contains(p.Partner)).Select(p => p.Partner).ToListAsync(cancellationToken);
        foreach (var partner in wanted.Except(known, StringComparer.Ordinal))
        {
            db.CaseParticipants.Add(new CaseParticipantRow { Case = pseudonym, Partner = partner });
        }
    }
}

using Informatiedeling.Policy;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Policy;

/// <summary>
/// The policy versions and their activations, as every hub instance on the database shares them: which version is in
/// force at a moment (the activation with the latest effective moment not after it), each version's bundle and tests,
/// and new activations, numbered so that two instances cannot write the same one.
/// </summary>
public sealed class PolicyVersionStore(IDbContextFactory<HubDbContext> factory)
{
    /// <summary>The activation in force at <paramref name="at"/>, or none for a database that never had one.</summary>
    public async Task<PolicyActivationRow?> InForceAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var ms = at.ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.PolicyActivations.AsNoTracking()
            .Where(a => a.EffectiveAt <= ms)
            .OrderByDescending(a => a.EffectiveAt).ThenByDescending(a => a.Seq)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The set in force at <paramref name="at"/>, loaded from its stored bundle, so that a command decides under the same
    /// rules as the hub's instances; none for a database that never had a version (the shipped folder is its first).
    /// </summary>
    public async Task<Informatiedeling.Policy.Loading.PolicyLoadResult?> LoadInForceAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await InForceAsync(at, cancellationToken) is not { } active)
        {
            return null;
        }

        var version = await VersionAsync(active.ContentHash, cancellationToken);
        return version is null
            ? new(null, [new PolicyDiagnostic(new("policy_versions", 1, 1), "PL091", $"the version {active.ContentHash[..12]} in force is not stored")])
            : Loaded(Informatiedeling.Policy.Loading.PolicyBundle.Load(version.Bundle), active.ContentHash);
    }

    /// <summary>The set a bundle loaded to, only if it has the hash it was stored under.</summary>
    public static Informatiedeling.Policy.Loading.PolicyLoadResult Loaded(Informatiedeling.Policy.Loading.PolicyLoadResult result, string contentHash) =>
        result.Set is { } set && set.ContentHash != contentHash
            ? new(null, [new PolicyDiagnostic(new("policy_versions", 1, 1), "PL092", $"the stored version {contentHash[..12]} loads to another hash ({set.ContentHash[..12]})")])
            : result;

    /// <summary>Every activation, newest first: the history of what was in force, and what is scheduled.</summary>
    public async Task<IReadOnlyList<PolicyActivationRow>> ActivationsAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.PolicyActivations.AsNoTracking().OrderByDescending(a => a.Seq).ToListAsync(cancellationToken);
    }

    public async Task<PolicyVersionRow?> VersionAsync(string contentHash, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ContentHash == contentHash, cancellationToken);
    }

    /// <summary>The versions ever stored, without their bundles, newest first.</summary>
    public async Task<IReadOnlyList<PolicyVersionRow>> VersionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.PolicyVersions.AsNoTracking()
            .Select(v => new { v.ContentHash, v.FirstLoadedAt, v.ConvenantVersion })
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(v => v.FirstLoadedAt)
            .Select(v => new PolicyVersionRow { ContentHash = v.ContentHash, FirstLoadedAt = v.FirstLoadedAt, ConvenantVersion = v.ConvenantVersion, Bundle = "" })];
    }

    /// <summary>Stores <paramref name="set"/> (and its tests) unless a version of that hash is stored already.</summary>
    public async Task StoreAsync(PolicySet set, string? tests, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.PolicyVersions.AnyAsync(v => v.ContentHash == set.ContentHash, cancellationToken))
        {
            return;
        }

        db.PolicyVersions.Add(new PolicyVersionRow
        {
            ContentHash = set.ContentHash, FirstLoadedAt = at, ConvenantVersion = set.Vocabulary.ConvenantVersion, Bundle = set.Bundle, Tests = tests,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance stored the same version at the same moment: it is stored.
        }
    }

    /// <summary>
    /// Adds activation number <paramref name="seq"/>: the next after those its caller checked, so that it is refused when
    /// another instance added one meanwhile. Returns the activation written, or none when that number was taken.
    /// </summary>
    public async Task<PolicyActivationRow?> ActivateAsync(
        string contentHash, long? proposalId, DateTimeOffset effectiveAt, DateTimeOffset at, string actorPartner, string actorUser, long seq,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = new PolicyActivationRow
        {
            Seq = seq, ContentHash = contentHash, ProposalId = proposalId, EffectiveAt = effectiveAt.ToUnixTimeMilliseconds(),
            RecordedAt = at.ToUnixTimeMilliseconds(), ActorPartner = actorPartner, ActorUser = actorUser,
        };
        db.PolicyActivations.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return row;
        }
        catch (DbUpdateException)
        {
            // The number was taken by another instance's activation in the meantime.
            return null;
        }
    }
}

using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Hosting;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Policy;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.Policy;

/// <summary>
/// Puts the version the database names in force, on every instance alike: at start-up (an empty database starts from
/// the shipped policy folder, its first version), and again whenever an activation takes effect
/// (<see cref="PolicySync"/>). The folder on disk is never read again once the database has a version: a change of the
/// rules is a proposal, approved by a privacy officer who is not its author.
/// </summary>
internal sealed partial class PolicyLoading(
    PolicyHolder holder,
    PolicyRefusal refusal,
    IOptions<PolicyOptions> options,
    PolicyVersionStore versions,
    IAccessLog accessLog,
    TimeProvider time,
    ILogger<PolicyLoading> logger)
{
    private readonly SemaphoreSlim _switching = new(1, 1);

    /// <summary>At start-up: a version that cannot be loaded stops the hub, with every error listed.</summary>
    public async Task LoadInitialAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var activations = await versions.ActivationsAsync(cancellationToken);
        // Nothing in force yet at this instance's clock, on a database that has activations: the first one (never a scheduled later one).
        var active = await versions.InForceAsync(now, cancellationToken) ?? activations.MinBy(a => a.Seq);
        PolicyLoadResult? shipped = null;
        if (active is null)
        {
            shipped = LoadShipped();
            var set = shipped.Set ?? throw Refused("the policy set is refused", shipped.Errors);
            await versions.StoreAsync(set, TestFiles.ToJson(TestFiles.Read(options.Value.Directory)), now, cancellationToken);
            try
            {
                // The first version comes into force only once the log holds the record of it.
                await accessLog.AppendAsync(
                    AccessRecord.Administrative(AccessEventKind.PolicyPublished, "policy.activate", $"policy-set:{set.ContentHash}", "hub", now,
                        rule: $"convenant {set.Vocabulary.ConvenantId} {set.Vocabulary.ConvenantVersion}", article: "11.2"),
                    cancellationToken);
            }
            catch (AccessLogUnavailableException e)
            {
                throw new HubStartupException("the access log cannot record the policy set coming into force; nothing is decided without it. Check the database.", e);
            }

            active = await versions.ActivateAsync(set.ContentHash, null, now, now, "hub", "hub", seq: 1, cancellationToken)
                // Another instance seeded it a moment before (its clock a little ahead, perhaps): that one is the first.
                ?? (await versions.ActivationsAsync(cancellationToken)).MinBy(a => a.Seq)
                ?? throw new HubStartupException("no policy version is in force, and the first one could not be activated. Check the database.");
        }

        var loaded = await LoadVersionAsync(active.ContentHash, cancellationToken);
        if (loaded.Set is null)
        {
            throw Refused($"the policy version in force ({active.ContentHash[..12]}) is refused", loaded.Errors);
        }

        holder.TryReplace(loaded);
        LogInForce(logger, loaded.Set.ContentHash, loaded.Set.Vocabulary.ConvenantVersion);
        shipped ??= LoadShipped();
        if (shipped.Set is { } folder && folder.ContentHash != loaded.Set.ContentHash)
        {
            LogShippedDiffers(logger, folder.ContentHash, loaded.Set.ContentHash);
        }
    }

    /// <summary>Switches to the version in force now when it is not the one this instance decides under; returns whether it switched.</summary>
    public async Task<bool> SyncAsync(CancellationToken cancellationToken)
    {
        var active = await versions.InForceAsync(time.GetUtcNow(), cancellationToken);
        if (active is null || (holder.IsLoaded && holder.Current.Set.ContentHash == active.ContentHash))
        {
            return false;
        }

        await _switching.WaitAsync(cancellationToken);
        try
        {
            var loaded = await LoadVersionAsync(active.ContentHash, cancellationToken);
            if (loaded.Set is null)
            {
                // A version was approved under a convenant this instance does not have (or its bundle was damaged): keep deciding under the one in force.
                foreach (var error in loaded.Errors)
                {
                    LogRefused(logger, error.ToString());
                }

                refusal.Refused(new RefusedChange(time.GetUtcNow(), [.. loaded.Errors.Select(e => e.ToString())]));
                return false;
            }

            refusal.Cleared();
            holder.TryReplace(loaded);
            LogInForce(logger, loaded.Set.ContentHash, loaded.Set.Vocabulary.ConvenantVersion);
            return true;
        }
        finally
        {
            _switching.Release();
        }
    }

    private async Task<PolicyLoadResult> LoadVersionAsync(string contentHash, CancellationToken cancellationToken)
    {
        var version = await versions.VersionAsync(contentHash, cancellationToken);
        if (version is null)
        {
            return new PolicyLoadResult(null, [new PolicyDiagnostic(new("policy_versions", 1, 1), "PL091", $"the version {contentHash[..12]} in force is not stored")]);
        }

        return PolicyVersionStore.Loaded(PolicyBundle.Load(version.Bundle), contentHash);
    }

    private PolicyLoadResult LoadShipped() => PolicyLoader.LoadFiles(options.Value.Convenant, options.Value.Directory);

    private static HubStartupException Refused(string what, IReadOnlyList<PolicyDiagnostic> errors) => new(
        $"{what} ({errors.Count} error(s)); fix these and start again, or run 'infodeel policy lint':{Environment.NewLine}  " +
        string.Join(Environment.NewLine + "  ", errors.Select(e => e.ToString())));

    [LoggerMessage(2001, LogLevel.Information, "Policy set {ContentHash} is in force (convenant {ConvenantVersion})")]
    private static partial void LogInForce(ILogger logger, string contentHash, string convenantVersion);

    [LoggerMessage(2002, LogLevel.Error, "Policy version refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);

    [LoggerMessage(2004, LogLevel.Warning, "The shipped policy folder ({Shipped}) differs from the version in force ({InForce}): the database's version decides; propose the folder's rules with 'infodeel policy push' to change them")]
    private static partial void LogShippedDiffers(ILogger logger, string shipped, string inForce);
}

/// <summary>Every few seconds (<see cref="PolicyOptions.SyncInterval"/>), switches to the version an activation put in force.</summary>
internal sealed partial class PolicySync(PolicyLoading loading, IOptions<PolicyOptions> options, ILogger<PolicySync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SyncInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await loading.SyncAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is away for a moment: keep deciding under the version in force and look again.
                SyncFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(2005, LogLevel.Warning, "Could not read the policy version in force ({Error}); the one loaded stays")]
    private static partial void SyncFailed(ILogger logger, string error);
}

/// <summary>The policy tests beside a set: <c>tests/*.yaml</c>, by name as a proposal holds them (<c>tests/roles.yaml</c>).</summary>
internal static class TestFiles
{
    public const string Folder = "tests/";

    public static IReadOnlyDictionary<string, string> Read(string policyDirectory)
    {
        var directory = Path.Combine(policyDirectory, "tests");
        return !Directory.Exists(directory)
            ? new Dictionary<string, string>()
            : Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
                .ToDictionary(f => Folder + Path.GetFileName(f), f => File.ReadAllText(f).ReplaceLineEndings("\n"), StringComparer.Ordinal);
    }

    public static string ToJson(IReadOnlyDictionary<string, string> files) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(files.ToDictionary(), StringComparer.Ordinal));

    public static IReadOnlyDictionary<string, string> FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}

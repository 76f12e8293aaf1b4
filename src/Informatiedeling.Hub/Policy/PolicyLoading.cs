using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Hosting;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.Policy;

/// <summary>Loads the policy set at start-up and on every change of its files; records each version that comes into force.</summary>
internal sealed partial class PolicyLoading(
    PolicyHolder holder,
    PolicyRefusal refusal,
    IOptions<PolicyOptions> options,
    IServiceScopeFactory scopes,
    IAccessLog accessLog,
    TimeProvider time,
    ILogger<PolicyLoading> logger)
{
    /// <summary>At start-up: a refused set stops the hub, with every error listed.</summary>
    public async Task LoadInitialAsync(CancellationToken cancellationToken)
    {
        var result = Load();
        if (result.Set is null)
        {
            var errors = string.Join(Environment.NewLine + "  ", result.Errors.Select(e => e.ToString()));
            throw new HubStartupException(
                $"the policy set is refused ({result.Errors.Count} error(s)); fix these and start again, or run 'infodeel policy lint':{Environment.NewLine}  {errors}");
        }

        try
        {
            await RecordAsync(result.Set, cancellationToken);
        }
        catch (AccessLogUnavailableException e)
        {
            throw new HubStartupException("the access log cannot record the policy set coming into force; nothing is decided without it. Check the database.", e);
        }

        holder.TryReplace(result);
    }

    /// <summary>After a change: a refused set is logged and the set in force stays.</summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken)
    {
        var result = Load();
        if (result.Set is null)
        {
            foreach (var error in result.Errors)
            {
                LogRefused(logger, error.ToString());
            }

            // The file by name: readiness answers anyone who can reach it, and the hub's folders are not theirs to know.
            refusal.Refused(new RefusedChange(time.GetUtcNow(), [.. result.Errors.Select(e =>
                (e with { Position = e.Position with { File = Path.GetFileName(e.Position.File) } }).ToString())]));
            LogKept(logger, holder.IsLoaded ? holder.Current.Set.ContentHash : "(none)");
            return false;
        }

        try
        {
            await RecordAsync(result.Set, cancellationToken);
        }
        catch (AccessLogUnavailableException e)
        {
            LogRefused(logger, $"the access log cannot record it ({e.Message})");
            refusal.Refused(new RefusedChange(time.GetUtcNow(), ["the access log could not record the new set coming into force; it is loaded again at the next change"]));
            LogKept(logger, holder.IsLoaded ? holder.Current.Set.ContentHash : "(none)");
            return false;
        }

        refusal.Cleared();
        return holder.TryReplace(result);
    }

    private PolicyLoadResult Load() => PolicyLoader.LoadFiles(options.Value.Convenant, options.Value.Directory);

    private async Task RecordAsync(PolicySet set, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (!await db.PolicyVersions.AnyAsync(v => v.ContentHash == set.ContentHash, cancellationToken))
        {
            // A version comes into force only once the log holds the record of it.
            await accessLog.AppendAsync(
                AccessRecord.Administrative(AccessEventKind.PolicyPublished, "policy.publish", $"policy-set:{set.ContentHash}", "hub", time.GetUtcNow(),
                    rule: $"convenant {set.Vocabulary.ConvenantId} {set.Vocabulary.ConvenantVersion}", article: "11.2"),
                cancellationToken);
            db.PolicyVersions.Add(new PolicyVersionRow
            {
                ContentHash = set.ContentHash,
                FirstLoadedAt = time.GetUtcNow(),
                ConvenantVersion = set.Vocabulary.ConvenantVersion,
                Bundle = set.Bundle,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another hub instance recorded the same version at the same moment: it is recorded.
            }
        }

        LogInForce(logger, set.ContentHash, set.Vocabulary.ConvenantVersion);
    }

    [LoggerMessage(2001, LogLevel.Information, "Policy set {ContentHash} is in force (convenant {ConvenantVersion})")]
    private static partial void LogInForce(ILogger logger, string contentHash, string convenantVersion);

    [LoggerMessage(2002, LogLevel.Error, "Policy change refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);

    [LoggerMessage(2003, LogLevel.Warning, "Policy set {ContentHash} stays in force after a refused change")]
    private static partial void LogKept(ILogger logger, string contentHash);
}

/// <summary>Watches the policy folder and reloads after a change has settled.</summary>
internal sealed class PolicyWatcher(PolicyLoading loading, IOptions<PolicyOptions> options) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WatchForChanges || !System.IO.Directory.Exists(options.Value.Directory))
        {
            return;
        }

        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(options.Value.Directory, "*.yaml") { IncludeSubdirectories = false, EnableRaisingEvents = true };
        FileSystemEventHandler onChange = (_, _) => changed.Release();
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (_, _) => changed.Release();
        while (!stoppingToken.IsCancellationRequested)
        {
            await changed.WaitAsync(stoppingToken);
            await Task.Delay(Settle, stoppingToken);
            while (changed.CurrentCount > 0)
            {
                await changed.WaitAsync(stoppingToken);
            }

            await loading.ReloadAsync(stoppingToken);
        }
    }
}

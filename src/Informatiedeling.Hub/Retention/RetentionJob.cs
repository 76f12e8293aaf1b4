using Informatiedeling.Policy;
using Informatiedeling.Storage.Retention;
using Microsoft.Extensions.Options;
using Quartz;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// The scheduled purge. Quartz runs it on one instance of a cluster at a time; the purge itself claims each case, so
/// even a run overlapping another (a manual <c>infodeel retention run</c>) purges every case once.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RetentionJob(RetentionPurge purge, PolicyHolder policy, IOptions<RetentionOptions> options) : IJob
{
    public static readonly JobKey Key = new("retention-purge", "retention");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!policy.IsLoaded)
        {
            return; // no policy set in force, so no retention periods to apply; the next run will
        }

        await purge.RunAsync("hub", options.Value.BatchSize, null, cancellationToken);
    }
}

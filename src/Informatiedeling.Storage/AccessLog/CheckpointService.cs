using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>Issues a signed checkpoint every <see cref="AccessLogSettings.CheckpointInterval"/> when the log grew.</summary>
internal sealed class CheckpointService(CheckpointIssuer issuer, AccessLogSettings settings, TimeProvider time, ILogger<CheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AccessLogMessages.VerifierKey(logger, issuer.VerifierKey);
        using var timer = new PeriodicTimer(settings.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var (checkpoint, issued) = await issuer.IssueAsync(stoppingToken);
                    if (issued)
                    {
                        AccessLogMessages.CheckpointIssued(logger, checkpoint.Size);
                    }
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
                {
                    AccessLogMessages.CheckpointFailed(logger, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

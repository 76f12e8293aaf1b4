using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>Issues a signed checkpoint every <see cref="AccessLogSettings.CheckpointInterval"/> when the log grew.</summary>
internal sealed class CheckpointService(
    CheckpointIssuer issuer, CheckpointState state, AccessLogSettings settings, TimeProvider time, ILogger<CheckpointService> logger) : BackgroundService
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
                    state.Signed(checkpoint.Size, time.GetUtcNow());
                    if (issued)
                    {
                        AccessLogMessages.CheckpointIssued(logger, checkpoint.Size);
                    }
                }
                catch (CheckpointRefusedException e)
                {
                    // Signing now would countersign a rewritten history; the break stays reported until a check passes.
                    state.Refused(e.Break, time.GetUtcNow());
                    AccessLogMessages.CheckpointRefused(logger, e.Break.SignedSize, e.Break.Message);
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

using Informatiedeling.AccessLog.Checkpoints;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>Signs the current head of the log as a checkpoint and stores it, when the tree grew since the last one.</summary>
public sealed class CheckpointIssuer(AccessLogStore store, CheckpointSigner signer, AccessLogSettings settings, TimeProvider time)
{
    public string VerifierKey => signer.VerifierKey;

    /// <summary>The latest checkpoint, issuing one first when the log grew since (or none exists yet).</summary>
    public async Task<(StoredCheckpoint Checkpoint, bool Issued)> IssueAsync(CancellationToken cancellationToken)
    {
        var head = await store.ReadHeadAsync(cancellationToken);
        var latest = (await store.ReadCheckpointsAsync(cancellationToken)).LastOrDefault();
        if (latest is not null && latest.Size >= head.Size)
        {
            return (latest, false);
        }

        var root = head.Restore().Root();
        var now = time.GetUtcNow();
        var note = signer.Sign(new Checkpoint(settings.Origin, head.Size, root, now));
        await store.AddCheckpointAsync(new StoredCheckpoint(head.Size, root, note, now), cancellationToken);

        // Another instance may have stored this size first; theirs is the one on record.
        var stored = (await store.ReadCheckpointsAsync(cancellationToken)).Last(c => c.Size == head.Size);
        return (stored, true);
    }
}

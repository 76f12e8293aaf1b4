using Informatiedeling.AccessLog.Checkpoints;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// Signs the current head of the log as a checkpoint and stores it, when the tree grew since the last one, and only
/// when the stored log is proven to extend the last checkpoint the hub signed (<see cref="CheckpointConsistency"/>).
/// The anchor is the latest stored checkpoint, which must carry this hub's signature (the database cannot forge one,
/// only remove some), or the latest this process signed or verified, whichever is larger: removing checkpoint rows
/// does not lower the bar of a running instance.
/// </summary>
public sealed class CheckpointIssuer(AccessLogStore store, CheckpointSigner signer, AccessLogSettings settings, TimeProvider time)
{
    private readonly CheckpointVerifier _verifier = signer.CreateVerifier(settings.Origin);
    private readonly Lock _gate = new();
    private Checkpoint? _highest;

    public string VerifierKey => signer.VerifierKey;

    /// <summary>The latest checkpoint, issuing one first when the log grew since (or none exists yet).</summary>
    /// <exception cref="CheckpointRefusedException">The stored log does not extend the last signed checkpoint; nothing was signed.</exception>
    public async Task<(StoredCheckpoint Checkpoint, bool Issued)> IssueAsync(CancellationToken cancellationToken)
    {
        var basis = await store.ReadCheckpointBasisAsync(cancellationToken);
        var head = basis.Head;
        var latest = basis.Checkpoints.Count == 0 ? null : basis.Checkpoints[^1];
        var known = Highest;
        if (latest is not null && latest.Size >= head.Size && (known is null || known.Size <= latest.Size))
        {
            return (latest, false);
        }

        var anchor = Anchor(latest);
        if (CheckpointConsistency.Check(anchor, basis, out var root) is { } problem)
        {
            throw new CheckpointRefusedException(problem);
        }

        var now = time.GetUtcNow();
        var checkpoint = new Checkpoint(settings.Origin, head.Size, root, now);
        var note = signer.Sign(checkpoint);
        await store.AddCheckpointAsync(new StoredCheckpoint(head.Size, root, note, now), cancellationToken);
        Raise(checkpoint);

        // Another instance may have stored this size first; theirs is the one on record.
        var stored = (await store.ReadCheckpointsAsync(cancellationToken)).Last(c => c.Size == head.Size);
        return (stored, true);
    }

    private Checkpoint? Highest
    {
        get
        {
            lock (_gate)
            {
                return _highest;
            }
        }
    }

    /// <summary>What the new head must extend: the latest stored checkpoint, verified, or a larger one this process knows.</summary>
    private Checkpoint? Anchor(StoredCheckpoint? latest)
    {
        Checkpoint? stored = null;
        if (latest is not null)
        {
            var result = _verifier.Verify(latest.Note);
            if (!result.IsVerified || result.Checkpoint.Size != latest.Size || !result.Checkpoint.RootHash.Span.SequenceEqual(latest.Root))
            {
                throw new CheckpointRefusedException(new LogBreak(latest.Size, null, null,
                    $"the latest stored checkpoint, at size {latest.Size}, is not one this hub signed ({(result.IsVerified ? "filed under another size or root" : result.Reason)})"));
            }

            stored = result.Checkpoint;
        }

        var known = Highest;
        if (known is not null && (stored is null || stored.Size < known.Size))
        {
            throw new CheckpointRefusedException(new LogBreak(known.Size, null, null,
                $"the checkpoint this hub signed at size {known.Size} is no longer stored (the latest stored is at size {stored?.Size ?? 0}): checkpoints were removed or an older state was restored"));
        }

        if (known is not null && stored!.Size == known.Size && !stored.RootHash.Span.SequenceEqual(known.RootHash.Span))
        {
            throw new CheckpointRefusedException(new LogBreak(known.Size, null, null, $"two different trees are signed for the same {known.Size} records: the log forked"));
        }

        Raise(stored);
        return stored;
    }

    private void Raise(Checkpoint? checkpoint)
    {
        if (checkpoint is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_highest is null || checkpoint.Size > _highest.Size)
            {
                _highest = checkpoint;
            }
        }
    }
}

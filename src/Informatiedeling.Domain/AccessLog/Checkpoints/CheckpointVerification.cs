using System.Diagnostics.CodeAnalysis;

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>Why a signed checkpoint was accepted or refused.</summary>
public enum CheckpointStatus
{
    /// <summary>Signed by the trusted key, for the expected origin, well formed.</summary>
    Verified,

    /// <summary>Not a signed note or not a checkpoint: bad structure, encoding, numbers or base64, or too large.</summary>
    Malformed,

    /// <summary>No signature by the trusted key (name and key ID): another key, or none at all.</summary>
    NotSignedByKey,

    /// <summary>A signature claims to be by the trusted key but does not verify: the text was altered after signing.</summary>
    SignatureInvalid,

    /// <summary>Properly signed, but for another log than the one expected.</summary>
    WrongOrigin,
}

/// <summary>The outcome of <see cref="CheckpointVerifier.Verify(string)"/>: the checkpoint, or why not, in words.</summary>
public sealed record CheckpointVerification(CheckpointStatus Status, Checkpoint? Checkpoint, string Reason)
{
    [MemberNotNullWhen(true, nameof(Checkpoint))]
    public bool IsVerified => Status == CheckpointStatus.Verified && Checkpoint is not null;

    internal static CheckpointVerification Refused(CheckpointStatus status, string reason) => new(status, null, reason);
}

namespace Informatiedeling.Protection;

/// <summary>What reading one encrypted field gave. Never garbage: a field either decrypts or says why not.</summary>
public enum FieldReadStatus : byte
{
    /// <summary>Decrypted and authenticated.</summary>
    Ok,

    /// <summary>The ciphertext or its binding (case, field, category, key version) was altered: refused.</summary>
    IntegrityFailure,

    /// <summary>The category's keys were destroyed (crypto-shredding): the value no longer exists anywhere.</summary>
    Destroyed,

    /// <summary>No key for this field's version exists, and no destruction is recorded: refused.</summary>
    KeyMissing,
}

/// <summary>One field as read: its value when <see cref="Status"/> is Ok, else the reason and, if destroyed, when.</summary>
public sealed record FieldRead(string Field, string Category, FieldReadStatus Status, string? Value, DateTimeOffset? DestroyedAt = null);

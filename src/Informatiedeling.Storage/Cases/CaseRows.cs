namespace Informatiedeling.Storage.Cases;

/// <summary>A case: its pseudonym and state. No personal data; the blind index is a keyed hash.</summary>
public sealed class CaseRow
{
    public required string Pseudonym { get; init; }

    public required string Status { get; set; }

    public required string Step { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? ClosureReason { get; set; }

    /// <summary>HMAC of the person's normalised name and date of birth (key kept in the key store).</summary>
    public string? BlindIndex { get; set; }
}

/// <summary>One field of a case's file, encrypted under the case's key for its category in <see cref="KeyVersion"/>.</summary>
public sealed class CaseFieldRow
{
    public required string Case { get; init; }

    public required string Field { get; init; }

    public required string Category { get; init; }

    public required int KeyVersion { get; set; }

    public required byte[] Ciphertext { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The record in the case database that a category of a case was destroyed.</summary>
public sealed class CaseShredRow
{
    public required string Case { get; init; }

    public required string Category { get; init; }

    public required DateTimeOffset DestroyedAt { get; init; }
}

namespace Informatiedeling.Storage.Retention;

/// <summary>
/// The durable fact that a category of a case was purged: its keys destroyed and its ciphertexts deleted, under a
/// retention rule of the convenant. Written in the transaction that deletes the ciphertexts.
/// </summary>
public sealed class CasePurgeRow
{
    public required string Case { get; init; }

    public required string Category { get; init; }

    public required DateTimeOffset PurgedAt { get; init; }

    public required string Rule { get; init; }

    public required string Article { get; init; }
}

/// <summary>One completed purge of a case, for the feed partners' systems follow. Lists are comma-separated.</summary>
public sealed class PurgeNoticeRow
{
    public long Seq { get; init; }

    public required string Case { get; init; }

    public required string Categories { get; init; }

    public required DateTimeOffset PurgedAt { get; init; }

    public required string Rules { get; init; }

    public required string Articles { get; init; }
}

/// <summary>
/// A legal hold on a case, placed by the public prosecutor or the police: it postpones the purge until
/// <see cref="Until"/> unless lifted earlier. The reason is sealed under the case's access-log key, like an
/// emergency justification, because it may name people.
/// </summary>
public sealed class LegalHoldRow
{
    public required Guid Id { get; init; }

    public required string Case { get; init; }

    public required string PlacedByPartner { get; init; }

    /// <summary>The subject identifier of the user who placed it (pseudonymous).</summary>
    public required string PlacedByUser { get; init; }

    /// <summary>The database's time when it was placed (<see cref="LegalHoldStore.PlaceAsync"/> sets it).</summary>
    public DateTimeOffset PlacedAt { get; set; }

    public required DateTimeOffset Until { get; set; }

    public required int ReasonKeyVersion { get; init; }

    public required byte[] ReasonCiphertext { get; init; }

    public DateTimeOffset? LiftedAt { get; set; }

    public string? LiftedByPartner { get; set; }
}

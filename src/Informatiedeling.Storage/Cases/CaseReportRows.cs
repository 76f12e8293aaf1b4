namespace Informatiedeling.Storage.Cases;

/// <summary>
/// One field of a report added to an existing file, encrypted like every field of the file (under the case's key
/// for its category) and bound to its report, so it can never pass for a field of the file or of another report.
/// The rows of one <see cref="Report"/> are one entry: when it came in, from which partner, what it said.
/// </summary>
public sealed class CaseReportFieldRow
{
    public required string Case { get; init; }

    public required Guid Report { get; init; }

    public required string Field { get; init; }

    public required string Category { get; init; }

    public required int KeyVersion { get; set; }

    public required byte[] Ciphertext { get; set; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The reporting partner (a convenant party's id, not personal data).</summary>
    public required string Source { get; init; }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>
/// A tree head of the access log in the C2SP tlog-checkpoint format: the log's origin, the tree size and the
/// RFC 9162 root hash, and optionally when it was taken. Signed (see <see cref="CheckpointSigner"/>) it is what an
/// outsider keeps to hold the log to its history.
/// </summary>
public sealed class Checkpoint : IEquatable<Checkpoint>
{
    // The one extension line this log writes. Nanoseconds since the Unix epoch, as Sigstore's Rekor writes it;
    // read back to the 100 ns precision of DateTimeOffset.
    internal const string TimestampPrefix = "Timestamp: ";

    private readonly byte[] _rootHash;

    /// <exception cref="ArgumentException">The origin is empty or holds a control character, or the root is not 32 bytes.</exception>
    public Checkpoint(string origin, long size, ReadOnlySpan<byte> rootHash, DateTimeOffset? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (!NoteText.IsValidLine(origin))
        {
            throw new ArgumentException("An origin is non-empty text on one line without control characters.", nameof(origin));
        }

        if (rootHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"A root hash is {MerkleHash.Size} bytes.", nameof(rootHash));
        }

        if (timestamp < DateTimeOffset.UnixEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), "A checkpoint is not older than the Unix epoch.");
        }

        Origin = origin;
        Size = size;
        _rootHash = rootHash.ToArray();
        Timestamp = timestamp?.ToUniversalTime();
    }

    /// <summary>The log's identity, e.g. <c>informatiedeling.example/toegangslog</c>.</summary>
    public string Origin { get; }

    /// <summary>The number of records in the tree.</summary>
    public long Size { get; }

    /// <summary>The RFC 9162 Merkle tree head of the first <see cref="Size"/> records.</summary>
    public ReadOnlyMemory<byte> RootHash => _rootHash;

    /// <summary>When the log took this tree head, if it says so (UTC).</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The note text that is signed: origin, size, base64 root, the optional timestamp line, each ending in a newline.</summary>
    public string ToNoteText()
    {
        var text = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(_rootHash)).Append('\n');
        if (Timestamp is { } at)
        {
            var nanoseconds = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            text.Append(TimestampPrefix).Append(nanoseconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    public bool Equals(Checkpoint? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && Size == other.Size
        && _rootHash.AsSpan().SequenceEqual(other._rootHash)
        && Timestamp == other.Timestamp;

    public override bool Equals(object? obj) => Equals(obj as Checkpoint);

    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Origin), Size, BitConverter.ToInt32(_rootHash));

    public override string ToString() => $"{Origin} @ {Size.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(_rootHash)}";

    /// <summary>
    /// Reads the note text of a checkpoint. Strict: exactly the lines this log writes, canonical numbers and
    /// base64, so one tree head has one text.
    /// </summary>
    internal static bool TryParse(string text, [NotNullWhen(true)] out Checkpoint? checkpoint, out string reason)
    {
        checkpoint = null;
        if (!text.EndsWith('\n'))
        {
            reason = "the checkpoint text does not end in a newline";
            return false;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines.Length > 4)
        {
            reason = "a checkpoint has an origin, a size and a root hash line, and at most a timestamp line";
            return false;
        }

        if (lines[0].Length == 0)
        {
            reason = "the origin line is empty";
            return false;
        }

        if (!TryParseDecimal(lines[1], out var size))
        {
            reason = "the tree size is not a decimal number without leading zeros";
            return false;
        }

        var root = new byte[MerkleHash.Size];
        if (!NoteText.TryDecodeCanonicalBase64(lines[2], root, out var rootLength) || rootLength != MerkleHash.Size)
        {
            reason = $"the root hash is not the canonical base64 of {MerkleHash.Size} bytes";
            return false;
        }

        DateTimeOffset? timestamp = null;
        if (lines.Length == 4)
        {
            if (!lines[3].StartsWith(TimestampPrefix, StringComparison.Ordinal) || !TryParseDecimal(lines[3].AsSpan(TimestampPrefix.Length), out var nanoseconds))
            {
                reason = "the only extension line this log writes is its timestamp";
                return false;
            }

            timestamp = DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
        }

        checkpoint = new Checkpoint(lines[0], size, root, timestamp);
        reason = "";
        return true;
    }

    private static bool TryParseDecimal(ReadOnlySpan<char> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || (digits[0] == '0' && digits.Length > 1))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c) || value > (long.MaxValue - (c - '0')) / 10)
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.AccessLog.Records;

/// <summary>
/// The one canonical byte encoding of a logged record: the Merkle leaf. Deterministic, so that anyone can
/// re-encode a record and get the same leaf hash, and versioned by its first byte.
/// </summary>
/// <remarks>
/// Version 1, all integers big-endian:
/// <code>
/// u8  version (= 1)
/// i64 seq                         the record's place in the log; a row moved to another place no longer matches
/// i64 recorded_at                 UTC ticks (100 ns since 0001-01-01) when the writer committed it
/// 16  id                          the record id (RFC 9562 byte order)
/// i64 occurred_at                 UTC ticks
/// u8  kind, u8 decision, u8 sensitivity, u8 emergency (0 or 1)
/// bin trace id (16 bytes or empty), bin span id (8 bytes or empty)
/// str actor user, actor partner, role, case, purpose, legal ground, operation
/// lst categories requested, released, withheld, fields released
/// str rule, article, policy set hash
/// lst obligations
/// i32 justification key version (0 when none), bin justification ciphertext (empty when none)
/// str subject
/// </code>
/// <c>str</c> is a u32 length and UTF-8 bytes, with length 0xFFFFFFFF for "none"; <c>bin</c> a u32 length and
/// bytes; <c>lst</c> a u16 count of <c>str</c>, sorted ordinally without duplicates.
/// </remarks>
public static class AccessRecordEncoding
{
    public const byte Version = 1;

    /// <summary>Where the seq sits in every version-1 leaf, so that verification can read it without decoding.</summary>
    public const int SeqOffset = 1;

    private const uint NoneLength = uint.MaxValue;

    public static byte[] Encode(long seq, DateTimeOffset recordedAt, AccessRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var w = new Writer();
        w.U8(Version);
        w.I64(seq);
        w.I64(recordedAt.UtcTicks);
        Span<byte> id = stackalloc byte[16];
        record.Id.TryWriteBytes(id, bigEndian: true, out _);
        w.Raw(id);
        w.I64(record.OccurredAt.UtcTicks);
        w.U8((byte)record.Kind);
        w.U8((byte)record.Decision);
        w.U8((byte)record.Sensitivity);
        w.U8(record.Emergency ? (byte)1 : (byte)0);
        Span<byte> trace = stackalloc byte[16];
        if (record.TraceId is { } t)
        {
            t.CopyTo(trace);
            w.Bin(trace);
        }
        else
        {
            w.Bin([]);
        }

        Span<byte> span = stackalloc byte[8];
        if (record.SpanId is { } s)
        {
            s.CopyTo(span);
            w.Bin(span);
        }
        else
        {
            w.Bin([]);
        }

        w.Str(record.ActorUser);
        w.Str(record.ActorPartner?.Value);
        w.Str(record.Role);
        w.Str(record.Case?.Value);
        w.Str(record.Purpose?.Value);
        w.Str(record.LegalGround);
        w.Str(record.Operation);
        w.List(record.CategoriesRequested);
        w.List(record.CategoriesReleased);
        w.List(record.CategoriesWithheld);
        w.List(record.FieldsReleased);
        w.Str(record.Rule);
        w.Str(record.Article);
        w.Str(record.PolicySetHash);
        w.List(record.Obligations);
        w.I32(record.Justification?.KeyVersion ?? 0);
        w.Bin(record.Justification is { } j ? j.Ciphertext.Span : []);
        w.Str(record.Subject);
        return w.ToArray();
    }

    /// <summary>The seq a leaf claims, read from its fixed place.</summary>
    public static bool TryReadSeq(ReadOnlySpan<byte> leaf, out long seq)
    {
        seq = -1;
        if (leaf.Length < SeqOffset + 8 || leaf[0] != Version)
        {
            return false;
        }

        seq = BinaryPrimitives.ReadInt64BigEndian(leaf[SeqOffset..]);
        return true;
    }

    /// <exception cref="FormatException">The bytes are not a canonical version-1 record.</exception>
    public static LoggedRecord Decode(ReadOnlySpan<byte> leaf)
    {
        var r = new Reader(leaf);
        if (r.U8() != Version)
        {
            throw new FormatException($"The record is not of encoding version {Version}.");
        }

        var seq = r.I64();
        var recordedAt = new DateTimeOffset(r.I64(), TimeSpan.Zero);
        var id = new Guid(r.Raw(16), bigEndian: true);
        var occurredAt = new DateTimeOffset(r.I64(), TimeSpan.Zero);
        var kind = (AccessEventKind)r.U8();
        var decision = (AccessDecision)r.U8();
        var sensitivity = (Sensitivity)r.U8();
        var emergency = r.U8() switch { 0 => false, 1 => true, _ => throw new FormatException("The emergency flag is not 0 or 1.") };
        var trace = r.Bin();
        var span = r.Bin();
        var record = new AccessRecord
        {
            Id = id,
            Kind = Enum.IsDefined(kind) ? kind : throw new FormatException("Unknown event kind."),
            OccurredAt = occurredAt,
            Decision = Enum.IsDefined(decision) ? decision : throw new FormatException("Unknown decision."),
            Sensitivity = Enum.IsDefined(sensitivity) ? sensitivity : throw new FormatException("Unknown sensitivity."),
            Emergency = emergency,
            TraceId = trace.Length switch { 0 => null, 16 => ActivityTraceId.CreateFromBytes(trace), _ => throw new FormatException("A trace id is 16 bytes.") },
            SpanId = span.Length switch { 0 => null, 8 => ActivitySpanId.CreateFromBytes(span), _ => throw new FormatException("A span id is 8 bytes.") },
            ActorUser = r.Str(),
            ActorPartner = r.Str() is { } p ? (PartnerId.TryParse(p, out var partner) ? partner : throw new FormatException("Malformed partner.")) : null,
            Role = r.Str(),
            Case = r.Str() is { } c ? (CasePseudonym.TryParse(c, out var pseudonym) ? pseudonym : throw new FormatException("Malformed case pseudonym.")) : null,
            Purpose = r.Str() is { } u ? (PurposeId.TryParse(u, out var purpose) ? purpose : throw new FormatException("Malformed purpose.")) : null,
            LegalGround = r.Str(),
            Operation = r.Str(),
            CategoriesRequested = r.List(),
            CategoriesReleased = r.List(),
            CategoriesWithheld = r.List(),
            FieldsReleased = r.List(),
            Rule = r.Str(),
            Article = r.Str(),
            PolicySetHash = r.Str(),
            Obligations = r.List(),
        };
        var keyVersion = r.I32();
        var ciphertext = r.Bin();
        record = record with
        {
            Justification = ciphertext.Length == 0 ? null : new SealedJustification(keyVersion, ciphertext.ToArray()),
            Subject = r.Str(),
        };
        if (!r.AtEnd)
        {
            throw new FormatException("Bytes follow the last field of the record.");
        }

        return new LoggedRecord(seq, recordedAt, record);
    }

    private sealed class Writer
    {
        private byte[] _buffer = new byte[512];
        private int _length;

        public void U8(byte value) => Take(1)[0] = value;

        public void I32(int value) => BinaryPrimitives.WriteInt32BigEndian(Take(4), value);

        public void I64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

        public void Raw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

        public void Bin(ReadOnlySpan<byte> bytes)
        {
            BinaryPrimitives.WriteUInt32BigEndian(Take(4), (uint)bytes.Length);
            Raw(bytes);
        }

        public void Str(string? value)
        {
            if (value is null)
            {
                BinaryPrimitives.WriteUInt32BigEndian(Take(4), NoneLength);
                return;
            }

            var length = Encoding.UTF8.GetByteCount(value);
            BinaryPrimitives.WriteUInt32BigEndian(Take(4), (uint)length);
            Encoding.UTF8.GetBytes(value, Take(length));
        }

        public void List(IReadOnlyList<string> values)
        {
            // Canonical: the order a caller happened to list them in must not change the leaf.
            var sorted = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (sorted.Count > ushort.MaxValue)
            {
                throw new ArgumentException("A record lists at most 65535 names.", nameof(values));
            }

            BinaryPrimitives.WriteUInt16BigEndian(Take(2), (ushort)sorted.Count);
            foreach (var value in sorted)
            {
                Str(value ?? throw new ArgumentException("A list holds no null names.", nameof(values)));
            }
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        private Span<byte> Take(int count)
        {
            if (_length + count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            }

            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public readonly bool AtEnd => _offset == _data.Length;

        public byte U8() => Take(1)[0];

        public int I32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public ReadOnlySpan<byte> Raw(int count) => Take(count);

        public ReadOnlySpan<byte> Bin() => Take(checked((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))));

        public string? Str()
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            return length == NoneLength ? null : Encoding.UTF8.GetString(Take(checked((int)length)));
        }

        public IReadOnlyList<string> List()
        {
            var count = BinaryPrimitives.ReadUInt16BigEndian(Take(2));
            var values = new string[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = Str() ?? throw new FormatException("A list holds no null names.");
                if (i > 0 && string.CompareOrdinal(values[i - 1], values[i]) >= 0)
                {
                    throw new FormatException("A list is not sorted without duplicates.");
                }
            }

            return values;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || _offset + count > _data.Length)
            {
                throw new FormatException("The record ends early.");
            }

            var span = _data.Slice(_offset, count);
            _offset += count;
            return span;
        }
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.AccessLog.Records;

/// <summary>
/// The one canonical byte encoding of a logged record: the Merkle leaf. Deterministic, so that anyone can
/// re-encode a record and get the same leaf hash, and versioned by its first byte. A leaf keeps the version it was
/// written in for ever: the log holds leaves of every version, and a record is re-encoded in its own version
/// (<see cref="LoggedRecord.EncodingVersion"/>) to get its leaf back.
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
/// Version 2 (written since the records carry every input of their decision, so that it can be replayed): u8 version
/// (= 2), then every field of version 1 in the same order, then
/// <code>
/// str step                        the case's process step; none when no case was found
/// str case status                 "open" or "closed"; none when no case was found
/// u8  invited-until present (0 or 1), then only when 1: i64 invited until, UTC ticks
/// u8  justification given (0 or 1)
/// </code>
/// Version 3 (written since each decision names what the engine decided in it, so that a replay can decide it again):
/// u8 version (= 3), then every field of version 2 in the same order, then
/// <code>
/// str basis                       "purpose", "figures", "standing" or "action:…" (<see cref="DecisionBasis"/>); none
///                                 for a record that is not the engine's decision
/// </code>
/// <c>str</c> is a u32 length and UTF-8 bytes, with length 0xFFFFFFFF for "none"; <c>bin</c> a u32 length and
/// bytes; <c>lst</c> a u16 count of <c>str</c>, sorted ordinally without duplicates. The seq sits at the same
/// place in every version. Decoding is strict: one byte sequence per record, no bytes after the last field.
/// </remarks>
public static class AccessRecordEncoding
{
    /// <summary>The version <see cref="Encode(long, DateTimeOffset, AccessRecord)"/> writes.</summary>
    public const byte Version = Version3;

    /// <summary>The first version, without the decision's case inputs (step, status, invitation, justification given).</summary>
    public const byte Version1 = 1;

    /// <summary>Version 1 and the decision's case inputs (step, status, invitation, justification given), without its basis.</summary>
    public const byte Version2 = 2;

    /// <summary>Version 2 and the decision's basis (<see cref="AccessRecord.Basis"/>).</summary>
    public const byte Version3 = 3;

    /// <summary>Where the seq sits in every leaf, of every version, so that verification can read it without decoding.</summary>
    public const int SeqOffset = 1;

    private const uint NoneLength = uint.MaxValue;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Whether <paramref name="version"/> is an encoding version this code reads and writes.</summary>
    public static bool IsKnownVersion(byte version) => version is Version1 or Version2 or Version3;

    /// <summary>The leaf of a new record, in the current <see cref="Version"/>.</summary>
    public static byte[] Encode(long seq, DateTimeOffset recordedAt, AccessRecord record) => Encode(Version, seq, recordedAt, record);

    /// <summary>The leaf a decoded record came from: the record re-encoded in the version it was written in.</summary>
    public static byte[] Encode(LoggedRecord logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        return Encode(logged.EncodingVersion, logged.Seq, logged.RecordedAt, logged.Record);
    }

    /// <summary>The leaf of <paramref name="record"/> in <paramref name="version"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The version is unknown, or is older than a field the record carries (the case inputs of version 2, the basis of
    /// version 3): that field would be lost without a trace.
    /// </exception>
    public static byte[] Encode(byte version, long seq, DateTimeOffset recordedAt, AccessRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsKnownVersion(version))
        {
            throw new ArgumentException($"Encoding version {version} is unknown.", nameof(version));
        }

        if (version == Version1 && (record.Step is not null || record.CaseStatus is not null || record.InvitedUntil is not null || record.JustificationGiven))
        {
            throw new ArgumentException("Encoding version 1 holds no step, case status, invitation or justification given.", nameof(record));
        }

        if (version < Version3 && record.Basis is not null)
        {
            throw new ArgumentException($"Encoding version {version} holds no basis.", nameof(record));
        }

        if (record.CaseStatus is not (null or AccessRecord.OpenStatus or AccessRecord.ClosedStatus))
        {
            throw new ArgumentException($"A case status is \"{AccessRecord.OpenStatus}\" or \"{AccessRecord.ClosedStatus}\".", nameof(record));
        }

        var w = new Writer();
        w.U8(version);
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
        if (version >= Version2)
        {
            w.Str(record.Step);
            w.Str(record.CaseStatus);
            if (record.InvitedUntil is { } until)
            {
                w.U8(1);
                w.I64(until.UtcTicks);
            }
            else
            {
                w.U8(0);
            }

            w.U8(record.JustificationGiven ? (byte)1 : (byte)0);
        }

        if (version >= Version3)
        {
            w.Str(record.Basis);
        }

        return w.ToArray();
    }

    /// <summary>The seq a leaf claims, read from its fixed place.</summary>
    public static bool TryReadSeq(ReadOnlySpan<byte> leaf, out long seq)
    {
        seq = -1;
        if (leaf.Length < SeqOffset + 8 || !IsKnownVersion(leaf[0]))
        {
            return false;
        }

        seq = BinaryPrimitives.ReadInt64BigEndian(leaf[SeqOffset..]);
        return true;
    }

    /// <summary>A leaf of any known version, with the version it was written in.</summary>
    /// <exception cref="FormatException">The bytes are not a canonical record of a known version.</exception>
    public static LoggedRecord Decode(ReadOnlySpan<byte> leaf)
    {
        var r = new Reader(leaf);
        var version = r.U8();
        if (!IsKnownVersion(version))
        {
            throw new FormatException($"The record is not of encoding version {Version1}, {Version2} or {Version3}.");
        }

        var seq = r.I64();
        var recordedAt = r.Time();
        var id = new Guid(r.Raw(16), bigEndian: true);
        var occurredAt = r.Time();
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
        if (version >= Version2)
        {
            record = record with
            {
                Step = r.Str(),
                CaseStatus = r.Str() is var status && status is null or AccessRecord.OpenStatus or AccessRecord.ClosedStatus
                    ? status
                    : throw new FormatException("The case status is not open or closed."),
                InvitedUntil = r.U8() switch { 0 => null, 1 => r.Time(), _ => throw new FormatException("The invited-until presence is not 0 or 1.") },
                JustificationGiven = r.U8() switch { 0 => false, 1 => true, _ => throw new FormatException("The justification-given flag is not 0 or 1.") },
            };
        }

        if (version >= Version3)
        {
            record = record with { Basis = r.Str() };
        }

        if (!r.AtEnd)
        {
            throw new FormatException("Bytes follow the last field of the record.");
        }

        return new LoggedRecord(seq, recordedAt, record, version);
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

        /// <summary>UTC ticks, refused (not thrown as out of range) when no instant has them.</summary>
        public DateTimeOffset Time()
        {
            var ticks = I64();
            return ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : throw new FormatException("A time is outside the range of UTC ticks.");
        }

        public ReadOnlySpan<byte> Raw(int count) => Take(count);

        public ReadOnlySpan<byte> Bin() => Take(Length(BinaryPrimitives.ReadUInt32BigEndian(Take(4))));

        public string? Str()
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            if (length == NoneLength)
            {
                return null;
            }

            var bytes = Take(Length(length));
            try
            {
                // Strict: a replacement character for invalid bytes would re-encode to other bytes.
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException("A string is not valid UTF-8.");
            }
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

        // A length no record could have ends the record early, as a FormatException rather than an overflow.
        private static int Length(uint length) => length > int.MaxValue ? -1 : (int)length;

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

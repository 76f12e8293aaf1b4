using System.Diagnostics;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.Domain.Tests.AccessLog;

public sealed class AccessRecordEncodingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_record_round_trips_and_its_leaf_does_not_depend_on_the_order_names_were_listed_in()
    {
        PartnerId.TryParse("politie", out var partner);
        PurposeId.TryParse("acute-veiligheid", out var purpose);
        var record = new AccessRecord
        {
            Id = Guid.Parse("0193a000-0000-7000-8000-000000000001"),
            Kind = AccessEventKind.AccessDecision,
            OccurredAt = At,
            TraceId = ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"),
            SpanId = ActivitySpanId.CreateFromString("00f067aa0ba902b7"),
            ActorUser = "agent-17",
            ActorPartner = partner,
            Role = "R",
            Case = CasePseudonym.New(),
            Purpose = purpose,
            LegalGround = "art. 6 lid 1 sub d AVG",
            Operation = "client-file.read",
            CategoriesRequested = ["strafrechtelijk", "statisch"],
            CategoriesReleased = ["statisch"],
            CategoriesWithheld = ["strafrechtelijk"],
            FieldsReleased = ["persoon.adres", "persoon.achternaam"],
            Decision = AccessDecision.Partial,
            Rule = "doel-acute-veiligheid",
            Article = "3.7",
            PolicySetHash = new string('f', 64),
            Obligations = ["review"],
            Emergency = true,
            Justification = new SealedJustification(1, new byte[] { 1, 2, 3 }),
            Sensitivity = Sensitivity.Special,
            Step = "analyse",
            CaseStatus = AccessRecord.OpenStatus,
            InvitedUntil = At.AddDays(14),
            JustificationGiven = true,
            Basis = DecisionBasis.Purpose,
        };

        var leaf = AccessRecordEncoding.Encode(42, At, record);
        var reordered = AccessRecordEncoding.Encode(42, At, record with { CategoriesRequested = ["statisch", "strafrechtelijk", "statisch"], FieldsReleased = ["persoon.achternaam", "persoon.adres"] });
        Assert.Equal(leaf, reordered);
        Assert.Equal(AccessRecordEncoding.Version, leaf[0]);
        Assert.True(AccessRecordEncoding.TryReadSeq(leaf, out var seq));
        Assert.Equal(42, seq);

        var back = AccessRecordEncoding.Decode(leaf);
        Assert.Equal(42, back.Seq);
        Assert.Equal(At, back.RecordedAt);
        Assert.Equal(AccessRecordEncoding.Version, back.EncodingVersion);
        Assert.Equal(leaf, AccessRecordEncoding.Encode(back.Seq, back.RecordedAt, back.Record));
        Assert.Equal(leaf, AccessRecordEncoding.Encode(back));
        Assert.Equal("analyse", back.Record.Step);
        Assert.Equal(AccessRecord.OpenStatus, back.Record.CaseStatus);
        Assert.Equal(At.AddDays(14), back.Record.InvitedUntil);
        Assert.True(back.Record.JustificationGiven);
        Assert.Equal(DecisionBasis.Purpose, back.Record.Basis);
        Assert.Equal(record.Case, back.Record.Case);
        Assert.Equal(["persoon.achternaam", "persoon.adres"], back.Record.FieldsReleased);
        Assert.Equal(record.TraceId, back.Record.TraceId);

        Assert.NotEqual(leaf, AccessRecordEncoding.Encode(43, At, record));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(leaf.AsSpan(0, leaf.Length - 1)));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode([.. leaf, 0]));
    }

    /// <summary>
    /// A version-1 leaf as the hub wrote it before records carried their decision's case inputs (the record of the test
    /// above without them, case <c>cs-b22ksshay5m0gx5hr9ydmh7pzt</c>): it stays readable, and re-encodes to the very same bytes.
    /// </summary>
    private const string Version1Leaf =
        "01000000000000002A08DF487F5EE4D0000193A00000007000800000000000000108DF487F5EE4D00001020201000000104BF92F3577B34D" +
        "A6A3CE929D0E0E47360000000800F067AA0BA902B7000000086167656E742D313700000007706F6C6974696500000001520000001D63732D" +
        "6232326B7373686179356D3067783568723979646D6837707A740000001061637574652D7665696C696768656964000000166172742E2036" +
        "206C696420312073756220642041564700000010636C69656E742D66696C652E7265616400020000000873746174697363680000000F7374" +
        "7261667265636874656C696A6B000100000008737461746973636800010000000F73747261667265636874656C696A6B0002000000127065" +
        "72736F6F6E2E6163687465726E61616D0000000D706572736F6F6E2E616472657300000015646F656C2D61637574652D7665696C69676865" +
        "696400000003332E370000004066666666666666666666666666666666666666666666666666666666666666666666666666666666666666" +
        "6666666666666666666666666666666666666666660001000000067265766965770000000100000003010203FFFFFFFF";

    [Fact]
    public void A_version_1_leaf_still_decodes_and_re_encodes_to_the_same_bytes()
    {
        var leaf = Convert.FromHexString(Version1Leaf);
        Assert.True(AccessRecordEncoding.TryReadSeq(leaf, out var seq));
        Assert.Equal(42, seq);

        var back = AccessRecordEncoding.Decode(leaf);
        Assert.Equal(AccessRecordEncoding.Version1, back.EncodingVersion);
        Assert.Equal(42, back.Seq);
        Assert.Equal(At, back.RecordedAt);
        Assert.Equal("cs-b22ksshay5m0gx5hr9ydmh7pzt", back.Record.Case?.Value);
        Assert.Equal("R", back.Record.Role);
        Assert.Equal(AccessDecision.Partial, back.Record.Decision);
        Assert.Equal(1, back.Record.Justification?.KeyVersion);
        Assert.Null(back.Record.Step);
        Assert.Null(back.Record.CaseStatus);
        Assert.Null(back.Record.InvitedUntil);
        Assert.False(back.Record.JustificationGiven);

        Assert.Equal(leaf, AccessRecordEncoding.Encode(back));
        Assert.Equal(leaf, AccessRecordEncoding.Encode(AccessRecordEncoding.Version1, back.Seq, back.RecordedAt, back.Record));

        // The same record in the current version is another leaf: a decoded record must be re-encoded in its own version.
        var current = AccessRecordEncoding.Encode(back.Seq, back.RecordedAt, back.Record);
        Assert.NotEqual(leaf, current);
        Assert.Equal(AccessRecordEncoding.Version, current[0]);
        Assert.Equal(AccessRecordEncoding.Version1, AccessRecordEncoding.Decode(leaf.AsSpan()).EncodingVersion);

        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode([.. leaf, 0]));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(leaf.AsSpan(0, leaf.Length - 1)));
    }

    [Fact]
    public void Version_1_cannot_hold_a_decision_input_it_has_no_field_for()
    {
        var record = Minimal();
        foreach (var carrying in new[]
        {
            record with { Step = "analyse" },
            record with { CaseStatus = AccessRecord.ClosedStatus },
            record with { InvitedUntil = At },
            record with { JustificationGiven = true },
        })
        {
            Assert.Throws<ArgumentException>(() => AccessRecordEncoding.Encode(AccessRecordEncoding.Version1, 0, At, carrying));
        }

        Assert.Equal(AccessRecordEncoding.Version1, AccessRecordEncoding.Encode(AccessRecordEncoding.Version1, 0, At, record)[0]);
        Assert.Throws<ArgumentException>(() => AccessRecordEncoding.Encode(4, 0, At, record));

        // Nor can version 1 or 2 hold a basis.
        Assert.Throws<ArgumentException>(() => AccessRecordEncoding.Encode(AccessRecordEncoding.Version1, 0, At, record with { Basis = DecisionBasis.Standing }));
        Assert.Throws<ArgumentException>(() => AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 0, At, record with { Basis = DecisionBasis.Standing }));
        Assert.Throws<ArgumentException>(() => AccessRecordEncoding.Encode(0, At, record with { CaseStatus = "gesloten" }));
    }

    [Fact]
    public void Version_2_round_trips_none_and_some_of_the_decision_inputs()
    {
        var none = Minimal();
        var noneLeaf = AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 7, At, none);

        // The version-1 layout, then step and case status as none, no invitation, no justification.
        var expectedTail = Convert.FromHexString("FFFFFFFF" + "FFFFFFFF" + "00" + "00");
        Assert.Equal(AccessRecordEncoding.Version2, noneLeaf[0]);
        Assert.Equal(AccessRecordEncoding.Encode(AccessRecordEncoding.Version1, 7, At, none)[1..], noneLeaf[1..^expectedTail.Length]);
        Assert.Equal(expectedTail, noneLeaf[^expectedTail.Length..]);
        var back = AccessRecordEncoding.Decode(noneLeaf);
        Assert.Equal(AccessRecordEncoding.Version2, back.EncodingVersion);
        Assert.Null(back.Record.Step);
        Assert.Null(back.Record.CaseStatus);
        Assert.Null(back.Record.InvitedUntil);
        Assert.False(back.Record.JustificationGiven);
        Assert.Equal(noneLeaf, AccessRecordEncoding.Encode(back));

        // An invitation's end is kept to the tick, whatever offset it was given in.
        var until = new DateTimeOffset(2026, 12, 1, 23, 59, 59, TimeSpan.FromHours(1)).AddTicks(1);
        var some = none with { Step = "nazorg", CaseStatus = AccessRecord.ClosedStatus, InvitedUntil = until };
        var someLeaf = AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 7, At, some);
        var tail = Convert.FromHexString("00000006" + Convert.ToHexString("nazorg"u8) + "00000006" + Convert.ToHexString("closed"u8) + "01" + until.UtcTicks.ToString("X16", System.Globalization.CultureInfo.InvariantCulture) + "00");
        Assert.Equal(tail, someLeaf[^tail.Length..]);
        back = AccessRecordEncoding.Decode(someLeaf);
        Assert.Equal("nazorg", back.Record.Step);
        Assert.Equal(AccessRecord.ClosedStatus, back.Record.CaseStatus);
        Assert.Equal(until, back.Record.InvitedUntil);
        Assert.Equal(TimeSpan.Zero, back.Record.InvitedUntil!.Value.Offset);
        Assert.False(back.Record.JustificationGiven);
        Assert.Equal(someLeaf, AccessRecordEncoding.Encode(back));

        var given = AccessRecordEncoding.Decode(AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 7, At, none with { JustificationGiven = true }));
        Assert.True(given.Record.JustificationGiven);
        Assert.Null(given.Record.InvitedUntil);
    }

    [Fact]
    public void Non_canonical_version_2_bytes_are_refused()
    {
        var leaf = AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 7, At, Minimal() with { CaseStatus = AccessRecord.OpenStatus, InvitedUntil = At });
        var flagAt = leaf.Length - 1;
        var presenceAt = leaf.Length - 1 - 8 - 1;
        Assert.Equal(1, leaf[presenceAt]);
        Assert.NotNull(AccessRecordEncoding.Decode(leaf).Record.InvitedUntil);

        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, flagAt, 2)));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, presenceAt, 2)));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode([.. leaf, 0]));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(leaf.AsSpan(0, leaf.Length - 1)));

        // "none" for the invitation is the presence byte alone: eight zero ticks after it are bytes too many.
        var none = AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 7, At, Minimal());
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode([.. none[..^1], .. new byte[8], none[^1]]));

        // Ticks no instant has.
        var beyond = (byte[])leaf.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(beyond.AsSpan(presenceAt + 1), DateTime.MaxValue.Ticks + 1);
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(beyond));

        // A status other than open or closed: "opex" is as long as "open", so only the text differs.
        var statusAt = leaf.AsSpan().LastIndexOf("open"u8);
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, statusAt + 3, (byte)'x')));

        // A version-2 tail on a leaf that says version 1.
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, 0, AccessRecordEncoding.Version1)));
        // A version-2 leaf that says version 3 lacks the basis; no version 4 exists.
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, 0, AccessRecordEncoding.Version3)));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, 0, 4)));
        Assert.False(AccessRecordEncoding.TryReadSeq(With(leaf, 0, 4), out _));

        // Invalid UTF-8 would decode to a replacement character and re-encode to other bytes.
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(With(leaf, statusAt, 0xFF)));
    }

    [Fact]
    public void Version_3_is_version_2_and_the_basis()
    {
        var record = Minimal() with { Step = "analyse", CaseStatus = AccessRecord.OpenStatus };
        var v2 = AccessRecordEncoding.Encode(AccessRecordEncoding.Version2, 7, At, record);
        foreach (var basis in new string?[] { null, DecisionBasis.Purpose, DecisionBasis.Action("stap-afronden", needsStanding: true) })
        {
            var leaf = AccessRecordEncoding.Encode(7, At, record with { Basis = basis });
            Assert.Equal(AccessRecordEncoding.Version3, leaf[0]);
            var tail = basis is null ? Convert.FromHexString("FFFFFFFF") : [.. Convert.FromHexString(basis.Length.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)), .. System.Text.Encoding.UTF8.GetBytes(basis)];
            Assert.Equal(v2[1..], leaf[1..^tail.Length]);
            Assert.Equal(tail, leaf[^tail.Length..]);

            var back = AccessRecordEncoding.Decode(leaf);
            Assert.Equal(AccessRecordEncoding.Version3, back.EncodingVersion);
            Assert.Equal(basis, back.Record.Basis);
            Assert.Equal(leaf, AccessRecordEncoding.Encode(back));
            Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(leaf.AsSpan(0, leaf.Length - 1)));
            Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode([.. leaf, 0]));
        }

        // A version-2 leaf decodes without a basis and re-encodes, in its own version, to the same bytes.
        var old = AccessRecordEncoding.Decode(v2);
        Assert.Equal(AccessRecordEncoding.Version2, old.EncodingVersion);
        Assert.Null(old.Record.Basis);
        Assert.Equal(v2, AccessRecordEncoding.Encode(old));
    }

    [Fact]
    public void A_basis_reads_back_as_it_was_spelled_and_an_unknown_spelling_is_none()
    {
        Assert.Equal(new ParsedBasis(DecisionBasisKind.Purpose), DecisionBasis.Parse(DecisionBasis.Purpose));
        Assert.Equal(new ParsedBasis(DecisionBasisKind.Figures), DecisionBasis.Parse(DecisionBasis.Figures));
        Assert.Equal(new ParsedBasis(DecisionBasisKind.Standing), DecisionBasis.Parse(DecisionBasis.Standing));
        Assert.Equal("action:bewaarplicht-vastleggen;any-step", DecisionBasis.Action("bewaarplicht-vastleggen", anyStep: true));
        Assert.Equal(new ParsedBasis(DecisionBasisKind.Action, "melding-aannemen", NewCase: true), DecisionBasis.Parse(DecisionBasis.Action("melding-aannemen", newCase: true)));
        Assert.Equal(new ParsedBasis(DecisionBasisKind.Action, "melding-aannemen", NeedsStanding: true), DecisionBasis.Parse("action:melding-aannemen;standing"));
        Assert.Equal(new ParsedBasis(DecisionBasisKind.Action, "a", true, true, true), DecisionBasis.Parse(DecisionBasis.Action("a", true, true, true)));
        foreach (var unknown in new[] { "", "Purpose", "action:", "action:a;standing;standing", "action:a;other", "read" })
        {
            Assert.Equal(DecisionBasisKind.None, DecisionBasis.Parse(unknown).Kind);
        }

        Assert.Equal(DecisionBasisKind.None, DecisionBasis.Parse(null).Kind);
    }

    private static AccessRecord Minimal() => new()
    {
        Id = Guid.Parse("0193a000-0000-7000-8000-000000000002"),
        Kind = AccessEventKind.AccessDecision,
        OccurredAt = At,
        Decision = AccessDecision.Deny,
    };

    private static byte[] With(byte[] leaf, int at, byte value)
    {
        var copy = (byte[])leaf.Clone();
        copy[at] = value;
        return copy;
    }
}

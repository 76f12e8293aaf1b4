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
        Assert.Equal(leaf, AccessRecordEncoding.Encode(back.Seq, back.RecordedAt, back.Record));
        Assert.Equal(record.Case, back.Record.Case);
        Assert.Equal(["persoon.achternaam", "persoon.adres"], back.Record.FieldsReleased);
        Assert.Equal(record.TraceId, back.Record.TraceId);

        Assert.NotEqual(leaf, AccessRecordEncoding.Encode(43, At, record));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode(leaf.AsSpan(0, leaf.Length - 1)));
        Assert.Throws<FormatException>(() => AccessRecordEncoding.Decode([.. leaf, 0]));
    }
}

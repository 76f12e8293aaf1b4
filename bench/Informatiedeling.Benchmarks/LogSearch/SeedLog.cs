using System.Diagnostics;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.Benchmarks.LogSearch;

/// <summary>
/// The access log a privacy officer searches, as real <see cref="AccessRecord"/>s: one case with
/// <see cref="HotCaseRecords"/> records (its team, from several partners), one employee (partner and user) with
/// <see cref="HotEmployeeRecords"/>, and the rest spread over many cases, the convenant's partners with their users, its
/// purposes, event kinds and decisions; 0.5 % emergency releases (obligation "review") and about 9 % denials.
/// The same size gives the same log, but for the pseudonyms of the cases (new each run).
/// </summary>
internal sealed class SeedLog
{
    public const string HotPartner = "politie";
    public const string HotUser = "agent-bench-5000";
    public const int UsersPerPartner = 200;

    public static readonly string[] Partners =
    [
        "politie", "om", "veilig-thuis", "zorgcoordinatie", "zvh", "gemeente", "arbeidsinspectie", "kmar", "riec", "ggd", "coa", "ind", "jeugdbescherming",
    ];

    // How often each partner acts: the core partners most.
    private static readonly int[] PartnerWeights = [18, 8, 16, 14, 10, 10, 5, 4, 4, 3, 3, 3, 2];

    public static readonly string[] Purposes =
    [
        "signalering-en-weging", "casusoverleg", "zorgcoordinatie", "strafrechtelijke-handhaving", "acute-veiligheid", "evaluatie", "monitoring",
    ];

    private static readonly int[] PurposeWeights = [25, 20, 25, 12, 3, 5, 10];

    private static readonly string[] DenialRules = ["geen-rol", "geen-rol", "geen-rol", "dossier-gesloten", "hek-gesloten-dossier", "uitnodiging", "onbekend"];

    private static readonly (AccessEventKind Kind, string Operation, string Rule)[] Administrative =
    [
        (AccessEventKind.RoleAssigned, "case.rasci", "handeling-rasci-instellen"),
        (AccessEventKind.InvitationGiven, "case.invite", "uitnodiging"),
        (AccessEventKind.LegalHold, "case.legal-hold", "handeling-bewaarplicht-vastleggen"),
        (AccessEventKind.KeyRotated, "keys.rotate", "onbekend"),
    ];

    private static readonly string[][] Fields =
    [
        ["persoon.achternaam", "persoon.woonplaats"],
        ["persoon.achternaam", "persoon.adres", "melding.uitbuitingsvorm"],
        ["melding.inhoud", "melding.uitbuitingsvorm", "eerste-weging.dreiging"],
        ["voortgang.hulpverlening", "tweede-weging.verslaving"],
    ];

    private readonly int _size;
    private readonly int _hotCaseEvery;
    private readonly int _hotEmployeeEvery;
    private readonly CasePseudonym[] _cases;

    public SeedLog(int size, CasePseudonym hotCase)
    {
        _size = size;
        HotCase = hotCase;
        HotCaseRecords = Math.Min(10_000, size / 10);
        HotEmployeeRecords = Math.Min(5_000, size / 20);
        _hotCaseEvery = size / HotCaseRecords;
        _hotEmployeeEvery = size / HotEmployeeRecords;
        _cases = [.. Enumerable.Range(0, Math.Max(1_000, size / 20)).Select(_ => CasePseudonym.New())];
    }

    public CasePseudonym HotCase { get; }

    public int HotCaseRecords { get; }

    public int HotEmployeeRecords { get; }

    public int Cases => _cases.Length + 1;

    /// <summary>Records <paramref name="from"/> up to <paramref name="count"/> of the log, each the same whenever asked.</summary>
    public List<AccessRecord> Batch(int from, int count, DateTimeOffset at)
    {
        var records = new List<AccessRecord>(count);
        for (var i = from; i < from + count && i < _size; i++)
        {
            records.Add(Record(i, at));
        }

        return records;
    }

    /// <summary>A record as the load of many writers appends it: spread like the rest, never the hot case or employee.</summary>
    public AccessRecord Spread(Random random, DateTimeOffset at) => Make(random, at, null, null);

    private AccessRecord Record(int i, DateTimeOffset at)
    {
        var random = new Random(HashCode.Combine(_size, i));
        if (i % _hotCaseEvery == 0 && i / _hotCaseEvery < HotCaseRecords)
        {
            return Make(random, at, HotCase, null);
        }

        if (i % _hotEmployeeEvery == 1 && i / _hotEmployeeEvery < HotEmployeeRecords)
        {
            return Make(random, at, null, (HotPartner, HotUser));
        }

        return Make(random, at, null, null);
    }

    private AccessRecord Make(Random random, DateTimeOffset at, CasePseudonym? hotCase, (string Partner, string User)? employee)
    {
        var partner = employee?.Partner ?? Partners[Pick(random, PartnerWeights)];
        var user = employee?.User ?? $"{partner}-{random.Next(UsersPerPartner):D3}";
        var @case = hotCase ?? _cases[random.Next(_cases.Length)];
        var purpose = Purposes[Pick(random, PurposeWeights)];
        var roll = random.Next(10_000);
        var occurred = at.AddMilliseconds(-random.Next(1, 2_000));
        var trace = ActivityTraceId.CreateRandom();
        var span = ActivitySpanId.CreateRandom();

        // 3 % reads of the log itself and 3 % administrative events; the rest access decisions, 0.5 % of all an emergency release.
        if (roll < 300 && employee is null && hotCase is null)
        {
            return new AccessRecord
            {
                Id = Guid.CreateVersion7(),
                Kind = AccessEventKind.LogRead,
                OccurredAt = occurred,
                TraceId = trace,
                SpanId = span,
                ActorUser = $"fg-{random.Next(3)}",
                ActorPartner = PartnerId.TryParse("zvh", out var officer) ? officer : null,
                Role = "functionaris-gegevensbescherming",
                Case = random.Next(2) == 0 ? @case : null,
                Operation = "access-log.records",
                Subject = "records;partner=" + partner + ";before=head;limit=50",
                Decision = AccessDecision.Permit,
            };
        }

        if (roll < 600)
        {
            var (kind, operation, rule) = Administrative[random.Next(Administrative.Length)];
            return new AccessRecord
            {
                Id = Guid.CreateVersion7(),
                Kind = kind,
                OccurredAt = occurred,
                TraceId = trace,
                SpanId = span,
                ActorUser = user,
                ActorPartner = Partner(partner),
                Role = "A",
                Case = kind == AccessEventKind.KeyRotated ? null : @case,
                Operation = operation,
                Subject = kind == AccessEventKind.RoleAssigned ? $"{Partners[random.Next(Partners.Length)]}=R" : null,
                Decision = AccessDecision.Permit,
                Rule = rule,
                Article = "3.2",
                PolicySetHash = PolicyHash,
            };
        }

        var fields = Fields[random.Next(Fields.Length)];
        if (roll < 650)
        {
            return new AccessRecord
            {
                Id = Guid.CreateVersion7(),
                Kind = AccessEventKind.AccessDecision,
                OccurredAt = occurred,
                TraceId = trace,
                SpanId = span,
                ActorUser = user,
                ActorPartner = Partner(partner),
                Role = "I",
                Case = @case,
                Purpose = Purpose("acute-veiligheid"),
                LegalGround = "art. 6 lid 1 sub d AVG",
                Operation = "client-file.emergency-read",
                CategoriesRequested = ["statisch", "dynamisch", "exceptioneel"],
                CategoriesReleased = ["statisch", "dynamisch", "exceptioneel"],
                FieldsReleased = fields,
                Decision = AccessDecision.Permit,
                Rule = "hek-acute-veiligheid",
                Article = "5.3",
                PolicySetHash = PolicyHash,
                Obligations = ["review"],
                Emergency = true,
                Sensitivity = Sensitivity.Special,
            };
        }

        var decision = roll switch
        {
            < 1_550 => AccessDecision.Deny,
            < 1_600 => AccessDecision.Error,
            < 2_800 => AccessDecision.Partial,
            _ => AccessDecision.Permit,
        };
        return new AccessRecord
        {
            Id = Guid.CreateVersion7(),
            Kind = AccessEventKind.AccessDecision,
            OccurredAt = occurred,
            TraceId = trace,
            SpanId = span,
            ActorUser = user,
            ActorPartner = Partner(partner),
            Role = random.Next(3) switch { 0 => "R", 1 => "A", _ => "C" },
            Case = @case,
            Purpose = Purpose(purpose),
            LegalGround = "art. 6 lid 1 sub e AVG",
            Operation = "client-file.read",
            CategoriesRequested = ["statisch", "dynamisch", "strafrechtelijk"],
            CategoriesReleased = decision is AccessDecision.Permit or AccessDecision.Partial ? ["statisch", "dynamisch"] : [],
            CategoriesWithheld = decision == AccessDecision.Permit ? [] : ["strafrechtelijk"],
            FieldsReleased = decision is AccessDecision.Permit or AccessDecision.Partial ? fields : [],
            Decision = decision,
            Rule = decision == AccessDecision.Deny ? DenialRules[random.Next(DenialRules.Length)] : decision == AccessDecision.Error ? "onbekend" : "doel-" + purpose,
            Article = decision == AccessDecision.Deny ? "3.1" : "3.4",
            PolicySetHash = PolicyHash,
            Sensitivity = Sensitivity.Normal,
        };
    }

    private const string PolicyHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static PartnerId? Partner(string id) => PartnerId.TryParse(id, out var partner) ? partner : null;

    private static PurposeId? Purpose(string id) => PurposeId.TryParse(id, out var purpose) ? purpose : null;

    private static int Pick(Random random, int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}

using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy.Engine;

namespace Informatiedeling.Policy.Replay;

/// <summary>
/// Replays recorded decisions: each record whose <see cref="AccessRecord.Basis"/> names what the engine decided is
/// decided again from the record alone, under the policy version it names (which must give what was recorded) and
/// under a proposed set (what would change). Engines are compiled by the caller, once per content hash; deciding
/// allocates next to nothing, so a million records take seconds.
/// </summary>
public static class DecisionReplay
{
    /// <summary>At most this many mismatches are kept as samples.</summary>
    public const int MismatchSamples = 20;

    /// <summary>At most this many seqs are kept per row of the proposal's impact.</summary>
    public const int RowSamples = 5;

    /// <summary>
    /// Replays the records of <paramref name="records"/> recorded in [<paramref name="from"/>, <paramref name="to"/>)
    /// (others are skipped) under the version each names (<paramref name="engineFor"/>: the engine of a content hash,
    /// null when that version is not stored; asked once per hash) and under <paramref name="proposal"/>.
    /// </summary>
    public static ImpactReport Run(
        IEnumerable<LoggedRecord> records, Func<string, PolicyEngine?> engineFor, PolicyEngine proposal, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(records);
        var replayer = new DecisionReplayer(engineFor, proposal, from, to);
        foreach (var record in records)
        {
            replayer.Add(record);
        }

        return replayer.Report();
    }

    /// <summary>As <see cref="Run"/>, over a stream (such as the access log store's <c>StreamDecisionsAsync</c>).</summary>
    public static async Task<ImpactReport> RunAsync(
        IAsyncEnumerable<LoggedRecord> records, Func<string, PolicyEngine?> engineFor, PolicyEngine proposal, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var replayer = new DecisionReplayer(engineFor, proposal, from, to);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            replayer.Add(record);
        }

        return replayer.Report();
    }
}

/// <summary>
/// The replay one record at a time (<see cref="Add"/>), for a caller that reads the log its own way; <see cref="Report"/>
/// gives what was found so far. Not thread-safe.
/// </summary>
public sealed class DecisionReplayer
{
    // Marks a recorded category the version's vocabulary does not know: it can never match a replayed release.
    private const ulong UnknownCategory = 1UL << 63;

    private readonly Func<string, PolicyEngine?> _engineFor;
    private readonly PolicyEngine _proposal;
    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly Dictionary<string, Version?> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ParsedBasis> _bases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _byPartner = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _byPurpose = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CategoryCounter> _byCategory = new(StringComparer.Ordinal);
    private readonly long[] _byBasis = new long[5];
    private readonly List<ReplayMismatch> _mismatchSamples = [];
    private readonly Counter _total = new();
    private long _scanned;
    private long _replayed;
    private long _noBasis;
    private long _beforeBasis;
    private long _versionMissing;
    private long _unknownBasis;
    private long _mismatches;

    public DecisionReplayer(Func<string, PolicyEngine?> engineFor, PolicyEngine proposal, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(engineFor);
        ArgumentNullException.ThrowIfNull(proposal);
        (_engineFor, _proposal, _from, _to) = (engineFor, proposal, from, to);
    }

    /// <summary>Replays one record (skipped when recorded outside the window).</summary>
    public void Add(LoggedRecord logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        if (logged.RecordedAt < _from || logged.RecordedAt >= _to)
        {
            return;
        }

        _scanned++;
        var record = logged.Record;
        if (record.Basis is not { } text)
        {
            if (logged.EncodingVersion < AccessRecordEncoding.Version3 && record.Kind is AccessEventKind.AccessDecision or AccessEventKind.LegalHold)
            {
                _beforeBasis++;
            }
            else
            {
                _noBasis++;
            }

            return;
        }

        if (!_bases.TryGetValue(text, out var basis))
        {
            _bases[text] = basis = DecisionBasis.Parse(text);
        }

        if (basis.Kind == DecisionBasisKind.None)
        {
            _unknownBasis++;
            return;
        }

        if (VersionOf(record.PolicySetHash) is not { } version)
        {
            _versionMissing++;
            return;
        }

        _replayed++;
        _byBasis[(int)basis.Kind]++;
        var before = Decide(version.Engine, record, basis);
        Reproduce(logged, version.Engine, before);
        var after = Decide(_proposal, record, basis);
        Compare(logged.Seq, record, basis, version, before, after);
    }

    /// <summary>What was found so far.</summary>
    public ImpactReport Report()
    {
        var byBasis = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["purpose"] = _byBasis[(int)DecisionBasisKind.Purpose],
            ["figures"] = _byBasis[(int)DecisionBasisKind.Figures],
            ["standing"] = _byBasis[(int)DecisionBasisKind.Standing],
            ["action"] = _byBasis[(int)DecisionBasisKind.Action],
        };
        return new ImpactReport(
            _from, _to, _scanned, _replayed, byBasis,
            new NotReplayable(_noBasis, _beforeBasis, _versionMissing, _unknownBasis),
            new Reproduction(_mismatches, [.. _mismatchSamples]),
            new ProposalImpact(
                _total.Counts(),
                [.. _byPartner.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ImpactRow(p.Key, p.Value.Counts(), [.. p.Value.Samples]))],
                [.. _byPurpose.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ImpactRow(p.Key, p.Value.Counts(), [.. p.Value.Samples]))],
                [.. _byCategory.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new CategoryImpact(c.Key, c.Value.Gained, c.Value.Lost, [.. c.Value.Samples]))]));
    }

    private Version? VersionOf(string? hash)
    {
        if (hash is null)
        {
            return null;
        }

        if (!_versions.TryGetValue(hash, out var version))
        {
            _versions[hash] = version = _engineFor(hash) is { } engine ? new Version(engine, _proposal) : null;
        }

        return version;
    }

    /// <summary>The record decided again by <paramref name="engine"/>, on the inputs it recorded, as the gate decides.</summary>
    private static Outcome Decide(PolicyEngine engine, AccessRecord r, in ParsedBasis basis)
    {
        var partner = r.ActorPartner ?? default;
        Role? role = Roles.TryParse(r.Role, out var parsed) ? parsed : null;
        var status = r.CaseStatus == AccessRecord.ClosedStatus ? CaseStatus.Closed : CaseStatus.Open;
        switch (basis.Kind)
        {
            case DecisionBasisKind.Purpose:
                var read = DecisionInput.Decide(
                    engine, partner.Value ?? "", r.Role, r.Step, r.CaseStatus ?? AccessRecord.OpenStatus, r.Purpose?.Value ?? "", r.CategoriesRequested,
                    r.OccurredAt, r.InvitedUntil, r.JustificationGiven ? "given" : null);
                var decision = read.Outcome switch
                {
                    DecisionOutcome.Permit => AccessDecision.Permit,
                    DecisionOutcome.Partial => AccessDecision.Partial,
                    _ => AccessDecision.Deny,
                };
                return new(decision, read.Permitted, read.Rule.RuleId);
            case DecisionBasisKind.Figures:
                var figures = CaseDecisions.Figures(engine, partner.Value ?? "", r.Purpose?.Value ?? "", r.OccurredAt);
                return new(figures.Permitted ? AccessDecision.Permit : AccessDecision.Deny, 0, figures.Rule.RuleId);
            case DecisionBasisKind.Standing:
                return Of(engine.DecideStanding(partner, role, r.OccurredAt, r.InvitedUntil));
            default:
                return Of(basis.NewCase
                    ? CaseDecisions.OnNewCase(engine, partner, r.Step ?? "", basis.Action!, r.OccurredAt)
                    : CaseDecisions.OnCase(
                        engine, partner, role, r.Step ?? "", status, basis.Action, r.OccurredAt, r.InvitedUntil,
                        tryHeldRoles: !basis.AnyStep, needsStanding: basis.NeedsStanding, out _));
        }

        static Outcome Of(ActionDecision d) => new(d.Permitted ? AccessDecision.Permit : AccessDecision.Deny, 0, d.Rule.RuleId);
    }

    private void Reproduce(LoggedRecord logged, PolicyEngine engine, in Outcome replayed)
    {
        var r = logged.Record;
        var recorded = Released(engine.Vocabulary, r.CategoriesReleased);
        var decisionDiffers = r.Decision != replayed.Decision;
        var releasedDiffers = recorded != replayed.Released;
        var ruleDiffers = !string.Equals(r.Rule, replayed.Rule, StringComparison.Ordinal);
        if (!decisionDiffers && !releasedDiffers && !ruleDiffers)
        {
            return;
        }

        _mismatches++;
        if (_mismatchSamples.Count < DecisionReplay.MismatchSamples)
        {
            var differs = new List<string>(3);
            if (decisionDiffers)
            {
                differs.Add("decision");
            }

            if (releasedDiffers)
            {
                differs.Add("released");
            }

            if (ruleDiffers)
            {
                differs.Add("rule");
            }

            // Only the categories the convenant names: a name it does not know stays out of the report.
            _mismatchSamples.Add(new ReplayMismatch(
                logged.Seq,
                new ReplayedOutcome(r.Decision, Names(engine.Vocabulary, recorded), r.Rule),
                new ReplayedOutcome(replayed.Decision, Names(engine.Vocabulary, replayed.Released), replayed.Rule),
                differs));
        }
    }

    private void Compare(long seq, AccessRecord r, in ParsedBasis basis, Version version, in Outcome before, in Outcome after)
    {
        var wasReleased = before.Decision is AccessDecision.Permit or AccessDecision.Partial;
        var isReleased = after.Decision is AccessDecision.Permit or AccessDecision.Partial;
        var change = (wasReleased, isReleased) switch
        {
            (true, false) => Change.PermitToDeny,
            (false, true) => Change.DenyToPermit,
            _ when !version.Same(before.Released, after.Released) => Change.CategoriesChanged,
            _ => Change.Unchanged,
        };
        _total.Add(change, seq);
        Row(_byPartner, r.ActorPartner?.Value ?? "").Add(change, seq);
        Row(_byPurpose, PurposeKey(r, basis)).Add(change, seq);
        if (change == Change.Unchanged)
        {
            return;
        }

        var v = version.Engine.Vocabulary.Categories.Names;
        var p = _proposal.Vocabulary.Categories.Names;
        for (var remaining = before.Released; remaining != 0; remaining &= remaining - 1)
        {
            var c = System.Numerics.BitOperations.TrailingZeroCount(remaining);
            var there = version.ToProposal[c];
            if (there < 0 || (after.Released & (1UL << there)) == 0)
            {
                Category(v[c]).Lose(seq);
            }
        }

        for (var remaining = after.Released; remaining != 0; remaining &= remaining - 1)
        {
            var c = System.Numerics.BitOperations.TrailingZeroCount(remaining);
            var here = version.FromProposal[c];
            if (here < 0 || (before.Released & (1UL << here)) == 0)
            {
                Category(p[c]).Gain(seq);
            }
        }
    }

    private string PurposeKey(AccessRecord r, in ParsedBasis basis) => basis.Kind switch
    {
        DecisionBasisKind.Purpose or DecisionBasisKind.Figures => r.Purpose?.Value ?? "",
        DecisionBasisKind.Standing => DecisionBasis.Standing,
        _ => r.Basis!,
    };

    private static Counter Row(Dictionary<string, Counter> rows, string key)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            rows[key] = row = new Counter();
        }

        return row;
    }

    private CategoryCounter Category(string name)
    {
        if (!_byCategory.TryGetValue(name, out var counter))
        {
            _byCategory[name] = counter = new CategoryCounter();
        }

        return counter;
    }

    private static ulong Released(Vocabulary v, IReadOnlyList<string> names)
    {
        var bits = 0UL;
        foreach (var name in names)
        {
            bits |= v.Categories.TryGetIndex(name, out var c) ? 1UL << c : UnknownCategory;
        }

        return bits;
    }

    private static string[] Names(Vocabulary v, ulong bits)
    {
        var names = new List<string>();
        for (var remaining = bits & ~UnknownCategory; remaining != 0; remaining &= remaining - 1)
        {
            names.Add(v.Categories.Names[System.Numerics.BitOperations.TrailingZeroCount(remaining)]);
        }

        return [.. names];
    }

    private enum Change
    {
        PermitToDeny,
        DenyToPermit,
        CategoriesChanged,
        Unchanged,
    }

    /// <summary>An outcome with its released categories as bits of the deciding engine's vocabulary.</summary>
    private readonly record struct Outcome(AccessDecision Decision, ulong Released, string? Rule);

    /// <summary>A stored version's engine, and where its categories sit in the proposal's vocabulary (and back).</summary>
    private sealed class Version
    {
        public Version(PolicyEngine engine, PolicyEngine proposal)
        {
            Engine = engine;
            var here = engine.Vocabulary.Categories;
            var there = proposal.Vocabulary.Categories;
            ToProposal = [.. here.Names.Select(n => there.TryGetIndex(n, out var i) ? i : -1)];
            FromProposal = [.. there.Names.Select(n => here.TryGetIndex(n, out var i) ? i : -1)];
            Identity = here.Names.SequenceEqual(there.Names, StringComparer.Ordinal);
        }

        public PolicyEngine Engine { get; }

        public int[] ToProposal { get; }

        public int[] FromProposal { get; }

        private bool Identity { get; }

        /// <summary>Whether the categories released before (this vocabulary) and after (the proposal's) are the same names.</summary>
        public bool Same(ulong before, ulong after)
        {
            if (Identity)
            {
                return before == after;
            }

            var mapped = 0UL;
            for (var remaining = before; remaining != 0; remaining &= remaining - 1)
            {
                var there = ToProposal[System.Numerics.BitOperations.TrailingZeroCount(remaining)];
                if (there < 0)
                {
                    return false;
                }

                mapped |= 1UL << there;
            }

            return mapped == after;
        }
    }

    private sealed class Counter
    {
        private long _permitToDeny;
        private long _denyToPermit;
        private long _categoriesChanged;
        private long _unchanged;

        public List<long> Samples { get; } = [];

        public void Add(Change change, long seq)
        {
            switch (change)
            {
                case Change.PermitToDeny: _permitToDeny++; break;
                case Change.DenyToPermit: _denyToPermit++; break;
                case Change.CategoriesChanged: _categoriesChanged++; break;
                default: _unchanged++; return;
            }

            if (Samples.Count < DecisionReplay.RowSamples)
            {
                Samples.Add(seq);
            }
        }

        public ImpactCounts Counts() => new(_permitToDeny, _denyToPermit, _categoriesChanged, _unchanged);
    }

    private sealed class CategoryCounter
    {
        public long Gained { get; private set; }

        public long Lost { get; private set; }

        public List<long> Samples { get; } = [];

        public void Gain(long seq)
        {
            Gained++;
            Sample(seq);
        }

        public void Lose(long seq)
        {
            Lost++;
            Sample(seq);
        }

        private void Sample(long seq)
        {
            if (Samples.Count < DecisionReplay.RowSamples && (Samples.Count == 0 || Samples[^1] != seq))
            {
                Samples.Add(seq);
            }
        }
    }
}

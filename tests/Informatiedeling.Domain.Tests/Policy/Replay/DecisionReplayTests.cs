using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Replay;

namespace Informatiedeling.Domain.Tests.Policy.Replay;

public sealed class DecisionReplayTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = At.AddDays(-1);
    private static readonly DateTimeOffset To = At.AddDays(30);

    [Fact]
    public void The_set_in_force_reproduces_every_decision_and_a_proposal_identical_to_it_changes_none()
    {
        var engine = ReferencePolicy.Engine;
        var records = Decisions(engine).ToList();
        var report = DecisionReplay.Run(records, Versions(engine), engine, From, To);

        Assert.True(report.Trusted);
        Assert.Equal(0, report.Reproduction.Mismatches);
        Assert.Equal(records.Count, report.Scanned);
        Assert.Equal(records.Count, report.Replayed);
        Assert.All(report.ReplayedByBasis.Values, count => Assert.True(count > 0));
        Assert.Equal(0, report.Proposal.Total.Changed);
        Assert.Equal(records.Count, report.Proposal.Total.Unchanged);
        Assert.Empty(report.Proposal.ByCategory);
        // Some of them released something and some were refused, so the counts below are not vacuous.
        Assert.Contains(records, r => r.Record.Decision == AccessDecision.Permit);
        Assert.Contains(records, r => r.Record.Decision == AccessDecision.Partial);
        Assert.Contains(records, r => r.Record.Decision == AccessDecision.Deny);
    }

    [Fact]
    public void Taking_a_partner_out_of_a_purpose_turns_exactly_its_releases_under_that_purpose_into_refusals()
    {
        var engine = ReferencePolicy.Engine;
        var (edited, _) = ReferencePolicy.LoadEdited("purposes.yaml", text => text.Replace(
            "partners: [veilig-thuis, zvh, politie, zorgcoordinatie]", "partners: [veilig-thuis, zvh, zorgcoordinatie]", StringComparison.Ordinal));
        Assert.True(edited.Succeeded, string.Join("\n", edited.Errors));
        var proposal = PolicyEngine.Compile(edited.Set!);
        var records = Decisions(engine).ToList();
        var affected = records.Where(r => r.Record is { Basis: DecisionBasis.Purpose, Decision: not AccessDecision.Deny }
            && r.Record.ActorPartner?.Value == "politie" && r.Record.Purpose?.Value == "signalering-en-weging").ToList();
        Assert.NotEmpty(affected);

        var report = DecisionReplay.Run(records, Versions(engine), proposal, From, To);

        Assert.True(report.Trusted);
        Assert.Equal(new ImpactCounts(affected.Count, 0, 0, records.Count - affected.Count), report.Proposal.Total);
        var politie = Assert.Single(report.Proposal.ByPartner, r => r.Counts.Changed > 0);
        Assert.Equal("politie", politie.Key);
        Assert.Equal(affected.Count, politie.Counts.PermitToDeny);
        Assert.Equal([.. affected.Take(DecisionReplay.RowSamples).Select(r => r.Seq)], politie.Samples);
        var purpose = Assert.Single(report.Proposal.ByPurpose, r => r.Counts.Changed > 0);
        Assert.Equal("signalering-en-weging", purpose.Key);
        Assert.Equal(affected.Count, purpose.Counts.PermitToDeny);

        // Each category lost as often as the affected records released it; none gained.
        var lost = affected.SelectMany(r => r.Record.CategoriesReleased).GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        Assert.Equal(lost, report.Proposal.ByCategory.ToDictionary(c => c.Category, c => c.Lost, StringComparer.Ordinal));
        Assert.All(report.Proposal.ByCategory, c => Assert.Equal(0, c.Gained));
    }

    [Fact]
    public void A_tampered_outcome_is_a_mismatch_and_the_report_is_not_trusted()
    {
        var engine = ReferencePolicy.Engine;
        var records = Decisions(engine).ToList();
        var index = records.FindIndex(r => r.Record is { Basis: DecisionBasis.Purpose, Decision: AccessDecision.Permit });
        var original = records[index];
        records[index] = original with { Record = original.Record with { Decision = AccessDecision.Deny, CategoriesReleased = [] } };

        var report = DecisionReplay.Run(records, Versions(engine), engine, From, To);

        Assert.False(report.Trusted);
        Assert.Equal(1, report.Reproduction.Mismatches);
        var mismatch = Assert.Single(report.Reproduction.Samples);
        Assert.Equal(original.Seq, mismatch.Seq);
        Assert.Equal(["decision", "released"], mismatch.Differs);
        Assert.Equal(AccessDecision.Deny, mismatch.Recorded.Decision);
        Assert.Empty(mismatch.Recorded.Released);
        Assert.Equal(AccessDecision.Permit, mismatch.Replayed.Decision);
        Assert.Equal(original.Record.CategoriesReleased, mismatch.Replayed.Released);
        Assert.Equal(original.Record.Rule, mismatch.Replayed.Rule);

        // A changed rule alone is a mismatch too.
        records[index] = original with { Record = original.Record with { Rule = "another-rule" } };
        Assert.Equal(["rule"], Assert.Single(DecisionReplay.Run(records, Versions(engine), engine, From, To).Reproduction.Samples).Differs);
    }

    [Fact]
    public void Records_that_cannot_be_decided_again_are_counted_by_reason_and_a_missing_version_is_not_trusted()
    {
        var engine = ReferencePolicy.Engine;
        var decided = Decisions(engine).Take(4).ToList();
        var records = new List<LoggedRecord>
        {
            decided[0],
            decided[1] with { Record = decided[1].Record with { Basis = null } },
            decided[2] with { Record = decided[2].Record with { Basis = null }, EncodingVersion = AccessRecordEncoding.Version2 },
            decided[3] with { Record = decided[3].Record with { PolicySetHash = new string('0', 64) } },
            decided[3] with { Seq = 1000, Record = decided[3].Record with { Basis = "another-basis" } },
            decided[3] with { Seq = 1001, RecordedAt = To },
            decided[3] with { Seq = 1002, RecordedAt = From.AddTicks(-1) },
        };

        var report = DecisionReplay.Run(records, Versions(engine), engine, From, To);

        Assert.Equal(5, report.Scanned);
        Assert.Equal(1, report.Replayed);
        Assert.Equal(new NotReplayable(1, 1, 1, 1), report.NotReplayable);
        Assert.False(report.Trusted);
        Assert.Equal(0, report.Reproduction.Mismatches);
    }

    [Fact]
    public async Task A_stream_replays_as_a_list_does_and_each_version_is_asked_for_once()
    {
        var engine = ReferencePolicy.Engine;
        var records = Decisions(engine).ToList();
        var asked = 0;
        PolicyEngine? EngineFor(string hash)
        {
            asked++;
            return Versions(engine)(hash);
        }

        var report = await DecisionReplay.RunAsync(records.ToAsyncEnumerable(), EngineFor, engine, From, To, CancellationToken.None);
        Assert.Equal(1, asked);
        Assert.Equal(DecisionReplay.Run(records, Versions(engine), engine, From, To).Replayed, report.Replayed);
        Assert.True(report.Trusted);
    }

    [Fact]
    public void A_stored_bundle_loads_back_to_the_same_set()
    {
        var set = ReferencePolicy.Engine.Set;
        var back = PolicyBundle.Load(set.Bundle);
        Assert.True(back.Succeeded, string.Join("\n", back.Errors));
        Assert.Equal(set.ContentHash, back.Set!.ContentHash);
        Assert.Equal(set.Bundle, back.Set.Bundle);

        foreach (var broken in new[] { "", "[]", "{}", """{"files":[]}""", """{"files":{"purposes.yaml":"purposes: []"}}""", """{"files":{"convenant.yaml":1}}""" })
        {
            var result = PolicyBundle.Load(broken);
            Assert.False(result.Succeeded);
            Assert.NotEmpty(result.Errors);
        }
    }

    private static Func<string, PolicyEngine?> Versions(PolicyEngine engine) => hash => hash == engine.Set.ContentHash ? engine : null;

    /// <summary>
    /// Records as the gate writes them, decided by <paramref name="engine"/>: reads of every partner in every role and
    /// step under every purpose (with and without a justification, some categories named), figures, standing and actions.
    /// </summary>
    internal static IEnumerable<LoggedRecord> Decisions(PolicyEngine engine)
    {
        var v = engine.Vocabulary;
        var seq = 0L;
        var hash = engine.Set.ContentHash;
        LoggedRecord Logged(AccessRecord record) => new(seq++, record.OccurredAt.AddMilliseconds(3), record);
        AccessRecord Base(string partner, string? role, string? step, string? status, string basis) => new()
        {
            Id = Guid.CreateVersion7(),
            Kind = AccessEventKind.AccessDecision,
            OccurredAt = At.AddMinutes(seq),
            ActorPartner = PartnerId.TryParse(partner, out var p) ? p : null,
            ActorUser = "medewerker-1",
            Role = role,
            Case = step is null ? null : CasePseudonym.New(),
            Step = step,
            CaseStatus = status,
            PolicySetHash = hash,
            Basis = basis,
        };

        string[] categoryChoices = [.. v.Categories.Names.Take(2)];
        foreach (var partner in v.Partners.Names)
        {
            foreach (var role in new string?[] { null, "R", "A", "S", "C", "I" })
            {
                foreach (var step in v.Steps.Names)
                {
                    foreach (var status in new[] { AccessRecord.OpenStatus, AccessRecord.ClosedStatus })
                    {
                        foreach (var purpose in v.Purposes.Names)
                        {
                            foreach (var categories in new IReadOnlyList<string>?[] { null, categoryChoices })
                            {
                                var justified = purpose == "acute-veiligheid" && role == "R";
                                var at = At.AddMinutes(seq);
                                var d = DecisionInput.Decide(engine, partner, role, step, status, purpose, categories, at, null, justified ? "reden" : null);
                                yield return Logged(Base(partner, role, step, status, DecisionBasis.Purpose) with
                                {
                                    OccurredAt = at,
                                    Purpose = PurposeId.TryParse(purpose, out var u) ? u : null,
                                    CategoriesRequested = Names(v, d.Requested),
                                    CategoriesReleased = Names(v, d.Permitted),
                                    CategoriesWithheld = Names(v, d.Denied),
                                    Decision = d.Outcome switch { DecisionOutcome.Permit => AccessDecision.Permit, DecisionOutcome.Partial => AccessDecision.Partial, _ => AccessDecision.Deny },
                                    Rule = d.Rule.RuleId,
                                    JustificationGiven = justified,
                                });
                            }
                        }

                        PartnerId.TryParse(partner, out var id);
                        Role? parsed = Roles.TryParse(role, out var r) ? r : null;
                        var standing = engine.DecideStanding(id, parsed, At.AddMinutes(seq), null);
                        yield return Logged(Base(partner, role, step, status, DecisionBasis.Standing) with
                        {
                            Decision = standing.Permitted ? AccessDecision.Permit : AccessDecision.Deny, Rule = standing.Rule.RuleId,
                        });
                        foreach (var action in v.Actions.Names)
                        {
                            var decided = CaseDecisions.OnCase(engine, id, parsed, step, status == AccessRecord.ClosedStatus ? CaseStatus.Closed : CaseStatus.Open, action,
                                At.AddMinutes(seq), null, tryHeldRoles: true, needsStanding: false, out var actedAs);
                            yield return Logged(Base(partner, actedAs?.Name(), step, status, DecisionBasis.Action(action)) with
                            {
                                Decision = decided.Permitted ? AccessDecision.Permit : AccessDecision.Deny, Rule = decided.Rule.RuleId,
                            });
                        }
                    }
                }
            }

            foreach (var purpose in v.Purposes.Names)
            {
                var figures = CaseDecisions.Figures(engine, partner, purpose, At.AddMinutes(seq));
                yield return Logged(Base(partner, null, null, null, DecisionBasis.Figures) with
                {
                    Purpose = PurposeId.TryParse(purpose, out var u) ? u : null,
                    Decision = figures.Permitted ? AccessDecision.Permit : AccessDecision.Deny,
                    Rule = figures.Rule.RuleId,
                });
            }
        }
    }

    private static string[] Names(Vocabulary v, ulong bits) =>
        [.. Enumerable.Range(0, v.Categories.Count).Where(c => (bits & (1UL << c)) != 0).Select(c => v.Categories.Names[c])];
}

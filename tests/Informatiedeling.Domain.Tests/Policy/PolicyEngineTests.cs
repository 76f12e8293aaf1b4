using System.Collections.Immutable;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;

namespace Informatiedeling.Domain.Tests.Policy;

/// <summary>The engine compiled from policies/ decides exactly as convenant-reference.md says.</summary>
public sealed class PolicyEngineTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly string?[] RolesOrNone = ["R", "A", "S", "C", "I", null];
    private static readonly DateTimeOffset?[] Invitations = [null, At.AddDays(7), At.AddSeconds(-1)];

    [Fact]
    public void Every_combination_agrees_with_the_reference()
    {
        var engine = ReferencePolicy.Engine;
        var mismatches = new List<string>();
        var decisions = 0;
        foreach (var partner in ReferenceOracle.Partners)
        foreach (var role in RolesOrNone)
        foreach (var step in ReferenceOracle.Steps)
        foreach (var closed in new[] { false, true })
        foreach (var purpose in ReferenceOracle.Purposes)
        foreach (var justified in new[] { false, true })
        foreach (var invitedUntil in Invitations)
        {
            var decision = DecisionInput.Decide(engine, partner, role, step, closed ? "closed" : "open", purpose,
                ReferenceOracle.Categories, At, invitedUntil, justified ? "acute dreiging" : null);
            decisions++;
            var invitationValid = ReferenceOracle.ShellHasRole(partner, At, invitedUntil);
            var anyPermitted = false;
            foreach (var category in ReferenceOracle.Categories)
            {
                engine.Vocabulary.Categories.TryGetIndex(category, out var index);
                var expected = ReferenceOracle.Permits(partner, role, step, closed, purpose, category, justified, invitationValid);
                anyPermitted |= expected;
                if (decision.IsPermitted(index) != expected)
                {
                    mismatches.Add($"{partner}/{role ?? "-"}/{step}/{(closed ? "closed" : "open")}/{purpose}/j={justified}/inv={invitedUntil:O}: {category} expected {(expected ? "permit" : "deny")} ({decision.Describe(decision.ExplanationFor(index))})");
                }

                if (!decision.IsPermitted(index))
                {
                    Assert.False(string.IsNullOrEmpty(decision.ExplanationFor(index).Text));
                    Assert.False(string.IsNullOrEmpty(decision.ExplanationFor(index).Article));
                }
            }

            var review = purpose == "acute-veiligheid" && anyPermitted;
            if (decision.Obligations.HasFlag(Obligations.Review) != review)
            {
                mismatches.Add($"{partner}/{role}/{step}/{purpose}: review obligation expected {review}");
            }

            // Without a role nothing confirms the case exists, unless evaluation releases its anonymous record (art. 3.7);
            // monitoring's figures are never about one case (art. 3.8), so asked of one they confirm nothing.
            var hidden = !(role is not null && invitationValid)
                && !(purpose == "evaluatie" && ReferenceOracle.ReleasesScope(partner, role, closed, purpose, invitationValid));
            if (decision.CaseHidden != hidden)
            {
                mismatches.Add($"{partner}/{role ?? "-"}/{purpose}/inv={invitedUntil:O}: hidden expected {hidden}");
            }

            if (decision.ScopeReleased != ReferenceOracle.ReleasesScope(partner, role, closed, purpose, invitationValid))
            {
                mismatches.Add($"{partner}/{role ?? "-"}/{(closed ? "closed" : "open")}/{purpose}: scope release expected {!decision.ScopeReleased}");
            }
        }

        Assert.True(decisions > 30_000);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches, first:\n{string.Join("\n", mismatches.Take(20))}");
    }

    [Fact]
    public void Every_explanation_a_decision_can_give_has_its_own_Dutch_sentence_naming_the_convenants_partners()
    {
        var engine = ReferencePolicy.Engine;
        var v = engine.Vocabulary;
        var seen = new Dictionary<(string, DecisionReason, string), Explanation>();
        foreach (var partner in ReferenceOracle.Partners)
        foreach (var role in RolesOrNone)
        foreach (var step in ReferenceOracle.Steps)
        foreach (var closed in new[] { false, true })
        {
            foreach (var purpose in ReferenceOracle.Purposes)
            {
                var decision = DecisionInput.Decide(engine, partner, role, step, closed ? "closed" : "open", purpose, ReferenceOracle.Categories, At, At.AddDays(1), null);
                seen.TryAdd((decision.Rule.RuleId, decision.Rule.Reason, decision.Rule.Text), decision.Rule);
                foreach (var category in ReferenceOracle.Categories)
                {
                    v.Categories.TryGetIndex(category, out var index);
                    var why = decision.ExplanationFor(index);
                    seen.TryAdd((why.RuleId, why.Reason, why.Text), why);
                }
            }

            PartnerId.TryParse(partner, out var partnerId);
            StepId.TryParse(step, out var stepId);
            foreach (var action in v.Actions.Names)
            {
                var decision = engine.DecideAction(partnerId, Roles.TryParse(role, out var r) ? r : null, stepId,
                    closed ? CaseStatus.Closed : CaseStatus.Open, action, At, At.AddDays(1));
                seen.TryAdd((decision.Rule.RuleId, decision.Rule.Reason, decision.Rule.Text), decision.Rule);
            }
        }

        Assert.True(seen.Count > 40, $"only {seen.Count} distinct explanations");
        string[] english = ["purpose ", " only ", "allowed", "releases", "holding", " case", "partner holds", "is fenced"];
        foreach (var why in seen.Values)
        {
            Assert.False(string.IsNullOrWhiteSpace(why.Dutch), why.Text);
            Assert.DoesNotContain(english, word => why.Dutch.Contains(word, StringComparison.Ordinal));
        }

        // A fence names the partners by the convenant's own names, and the roles with their meaning.
        var fenced = seen.Values.First(e => e.Reason == DecisionReason.Fenced);
        Assert.Contains(" of ", fenced.Dutch, StringComparison.Ordinal);
        Assert.Contains(fenced.Dutch, d => char.IsUpper(d)); // a partner's name such as Politie, never only its identifier
        Assert.Matches(@"\b[RASCI] \((verantwoordelijk|eindverantwoordelijk|ondersteunend|geraadpleegd|geïnformeerd)\)", fenced.Dutch);
    }

    [Theory]
    [InlineData("politei", "R", "uitvoering", "open", "zorgcoordinatie", "statisch", "partner")]
    [InlineData("politie", "X", "uitvoering", "open", "zorgcoordinatie", "statisch", "role")]
    [InlineData("politie", "R", "uitvoerng", "open", "zorgcoordinatie", "statisch", "step")]
    [InlineData("politie", "R", "uitvoering", "half-open", "zorgcoordinatie", "statisch", "case status")]
    [InlineData("politie", "R", "uitvoering", "open", "zorgcoördinatie", "statisch", "purpose")]
    [InlineData("politie", "R", "uitvoering", "open", "strafrechtelijke-handhaving", "geheim", "category")]
    public void Anything_unknown_is_denied_naming_what_was_unknown(string partner, string role, string step, string status, string purpose, string category, string kind)
    {
        var engine = ReferencePolicy.Engine;
        var decision = DecisionInput.Decide(engine, partner, role, step, status, purpose, ["statisch", category], At, null, null);

        Assert.Equal(DecisionOutcome.Deny, decision.Outcome);
        Assert.Equal(0UL, decision.Permitted);
        Assert.Equal("onbekend", decision.Rule.RuleId);
        Assert.Equal("7.6", decision.Rule.Article);
        var text = decision.Describe(decision.Rule);
        Assert.StartsWith($"unknown {kind} '", text, StringComparison.Ordinal);
        Assert.Contains(new[] { partner, role, step, status, purpose, category }.First(v => text.Contains($"'{v}'", StringComparison.Ordinal)), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("casus\0overleg", "casus?overleg")]
    [InlineData("casus\u202Eoverleg", "casus?overleg")]
    [InlineData("casus\r\nX-Injected: 1", "casus??X-Injected? 1")]
    public void An_unknown_identifier_is_echoed_without_control_or_formatting_characters(string purpose, string shown)
    {
        var decision = DecisionInput.Decide(ReferencePolicy.Engine, "politie", "R", "uitvoering", "open", purpose, null, At, null, null);

        var text = decision.Describe(decision.Rule);
        Assert.StartsWith($"unknown purpose '{shown}'", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text, c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
    }

    [Fact]
    public void A_long_unknown_identifier_is_echoed_cut_to_the_identifier_length()
    {
        var decision = DecisionInput.Decide(ReferencePolicy.Engine, "politie", "R", "uitvoering", "open", new string('x', 10_000), null, At, null, null);

        Assert.StartsWith($"unknown purpose '{new string('x', Identifier.MaxLength)}…'", decision.Describe(decision.Rule), StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_asked_of_one_case_confirms_it_to_no_partner_without_a_role_on_it()
    {
        var withoutRole = DecisionInput.Decide(ReferencePolicy.Engine, "gemeente", null, "melding", "open", "monitoring", null, At, null, null);
        var withRole = DecisionInput.Decide(ReferencePolicy.Engine, "gemeente", "S", "casusoverleg", "open", "monitoring", null, At, null, null);

        Assert.True(withoutRole.CaseHidden);
        Assert.Equal(0UL, withoutRole.Permitted);
        Assert.False(withRole.CaseHidden);
    }

    [Theory]
    [InlineData("CASUSOVERLEG", null)]
    [InlineData("Casusoverleg", "dynamisch")]
    [InlineData("casus\0overleg", "dynamisch")]
    [InlineData("verkoop", "dynamisch")]
    [InlineData("casusoverleg", "DYNAMISCH")]
    [InlineData("casusoverleg", "geheim")]
    public void Without_standing_an_unknown_identifier_hides_the_case_whether_it_is_malformed_or_not(string purpose, string? category)
    {
        var engine = ReferencePolicy.Engine;
        IReadOnlyList<string>? categories = category is null ? null : [category];

        var neverARole = DecisionInput.Decide(engine, "ind", null, "casusoverleg", "open", purpose, categories, At, null, null);
        var invitationEnded = DecisionInput.Decide(engine, "kmar", "C", "casusoverleg", "open", purpose, categories, At, At.AddSeconds(-1), null);
        var malformedPartner = DecisionInput.Decide(engine, "KMAR", "C", "casusoverleg", "open", purpose, categories, At, At.AddDays(1), null);
        var withRole = DecisionInput.Decide(engine, "kmar", "C", "casusoverleg", "open", purpose, categories, At, At.AddDays(1), null);

        foreach (var hidden in new[] { neverARole, invitationEnded, malformedPartner })
        {
            Assert.True(hidden.CaseHidden);
            Assert.Equal(0UL, hidden.Permitted);
            Assert.Equal("onbekend", hidden.Rule.RuleId);
        }

        // With a role the same request is judged, and the unknown identifier named.
        Assert.False(withRole.CaseHidden);
        Assert.NotEqual(IdentifierKind.None, withRole.UnknownKind);
    }

    [Fact]
    public void Every_decision_names_its_rule_and_article()
    {
        var engine = ReferencePolicy.Engine;
        var decision = DecisionInput.Decide(engine, "zorgcoordinatie", "C", "eerste-weging", "open", "signalering-en-weging", null, At, null, null);

        Assert.Equal(DecisionOutcome.Partial, decision.Outcome);
        Assert.Equal("doel-signalering-en-weging", decision.Rule.RuleId);
        Assert.Equal("3.2", decision.Rule.Article);
        var v = engine.Vocabulary;
        Assert.Equal("zicht-c", decision.ExplanationFor(Index(v, "dynamisch")).RuleId);
        Assert.Equal("zicht-c", decision.ExplanationFor(Index(v, "exceptioneel")).RuleId);
        Assert.Equal("6.3", decision.ExplanationFor(Index(v, "exceptioneel")).Article);
        Assert.Equal("hek-strafrechtelijk", decision.ExplanationFor(Index(v, "strafrechtelijk")).RuleId);
        Assert.Equal("hek-melder-identiteit", decision.ExplanationFor(Index(v, "melder-identiteit")).RuleId);
    }

    [Fact]
    public void Acute_safety_without_justification_releases_nothing_and_with_it_carries_review()
    {
        var engine = ReferencePolicy.Engine;
        var without = DecisionInput.Decide(engine, "politie", "R", "uitvoering", "open", "acute-veiligheid", null, At, null, "  ");
        Assert.Equal(DecisionOutcome.Deny, without.Outcome);
        Assert.Equal("hek-acute-veiligheid", without.Rule.RuleId);
        Assert.Equal(Obligations.None, without.Obligations);

        var with = DecisionInput.Decide(engine, "politie", "R", "uitvoering", "open", "acute-veiligheid", null, At, null, "dreiging op adres");
        Assert.Equal(Obligations.Review, with.Obligations);
        Assert.True(with.IsPermitted(Index(engine.Vocabulary, "statisch")));
        Assert.False(with.IsPermitted(Index(engine.Vocabulary, "exceptioneel")));
        Assert.False(with.IsPermitted(Index(engine.Vocabulary, "strafrechtelijk")));
    }

    [Fact]
    public void A_date_only_invitation_end_covers_that_whole_day()
    {
        var engine = ReferencePolicy.Engine;
        Assert.True(DecisionInput.TryParseInstant("2026-11-22", out var endOfDay));
        var late = new DateTimeOffset(2026, 11, 22, 23, 59, 0, TimeSpan.Zero);
        var onTheDay = DecisionInput.Decide(engine, "ggd", "C", "casusoverleg", "open", "casusoverleg", ["dynamisch"], late, endOfDay, null);
        var nextDay = DecisionInput.Decide(engine, "ggd", "C", "casusoverleg", "open", "casusoverleg", ["dynamisch"], late.AddMinutes(2), endOfDay, null);

        Assert.Equal(DecisionOutcome.Permit, onTheDay.Outcome);
        Assert.Equal("uitnodiging", nextDay.Rule.RuleId);
        Assert.True(nextDay.CaseHidden);
    }

    [Fact]
    public void Deciding_allocates_nothing()
    {
        var engine = ReferencePolicy.Engine;
        Assert.True(PartnerId.TryParse("politie", out var partner));
        Assert.True(StepId.TryParse("uitvoering", out var step));
        Assert.True(PurposeId.TryParse("strafrechtelijke-handhaving", out var purpose));
        ImmutableArray<CategoryId> categories = [.. ReferenceOracle.Categories.Select(c => CategoryId.TryParse(c, out var id) ? id : default)];
        var request = new DecisionRequest(partner, Role.S, step, CaseStatus.Open, purpose, categories, At);
        _ = engine.Decide(request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var permitted = 0UL;
        for (var i = 0; i < 10_000; i++)
        {
            permitted |= engine.Decide(request).Permitted;
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.NotEqual(0UL, permitted);
    }

    private static int Index(Vocabulary v, string category) => v.Categories.TryGetIndex(category, out var i) ? i : throw new ArgumentException(category);

    [Fact]
    public void A_legal_hold_is_decided_on_open_and_closed_cases_alike_and_only_for_om_and_politie_with_a_role()
    {
        var engine = ReferencePolicy.Engine;
        foreach (var action in new[] { "bewaarplicht-vastleggen", "bewaarplicht-opheffen" })
        foreach (var partner in ReferenceOracle.Partners)
        foreach (var role in RolesOrNone)
        foreach (var status in new[] { CaseStatus.Open, CaseStatus.Closed })
        {
            var invitedUntil = ReferenceOracle.Shell.Contains(partner) ? At.AddDays(1) : (DateTimeOffset?)null;
            var decision = engine.DecideAction(Partner(partner), role is null ? null : RoleOf(role), Step("nazorg"), status, action, At, invitedUntil);
            var expected = role is not null && partner is "om" or "politie";
            Assert.True(decision.Permitted == expected, $"{action}/{partner}/{role ?? "-"}/{status}: {decision.Describe()}");
            Assert.Equal(role is null, decision.CaseHidden);
            Assert.Equal(role is null ? "geen-rol" : $"handeling-{action}", decision.Rule.RuleId);
        }
    }

    [Fact]
    public void An_action_only_for_closed_cases_is_refused_on_an_open_one_and_other_actions_on_a_closed_one()
    {
        var (result, _) = ReferencePolicy.LoadEdited("actions.yaml", t => t.Replace(
            "    caseStatus: any\n    article: \"8.5\"\n\n  - id: handeling-bewaarplicht-opheffen",
            "    caseStatus: closed\n    article: \"8.5\"\n\n  - id: handeling-bewaarplicht-opheffen", StringComparison.Ordinal));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var engine = PolicyEngine.Compile(result.Set!);

        var closed = engine.DecideAction(Partner("om"), RoleOf("A"), Step("uitvoering"), CaseStatus.Closed, "bewaarplicht-vastleggen", At, null);
        Assert.True(closed.Permitted, closed.Describe());
        var open = engine.DecideAction(Partner("om"), RoleOf("A"), Step("uitvoering"), CaseStatus.Open, "bewaarplicht-vastleggen", At, null);
        Assert.False(open.Permitted);
        Assert.Equal("handeling-bewaarplicht-vastleggen", open.Rule.RuleId);
        Assert.Equal("'bewaarplicht-vastleggen' is only possible on a closed case", open.Describe());
        var write = engine.DecideAction(Partner("zorgcoordinatie"), RoleOf("R"), Step("uitvoering"), CaseStatus.Closed, "velden-schrijven", At, null);
        Assert.Equal("dossier-gesloten", write.Rule.RuleId);
    }

    private static PartnerId Partner(string name) => PartnerId.TryParse(name, out var id) ? id : throw new ArgumentException(name);

    private static StepId Step(string name) => StepId.TryParse(name, out var id) ? id : throw new ArgumentException(name);

    private static Role RoleOf(string name) => Roles.TryParse(name, out var role) ? role : throw new ArgumentException(name);
}

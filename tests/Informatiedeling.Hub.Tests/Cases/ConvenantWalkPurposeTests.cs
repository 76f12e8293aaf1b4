using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Every row of the reference's purpose table over HTTP: the right partner in the right step gets its data; the
/// wrong partner, the wrong step, the wrong role or the wrong case status gets nothing, told why, by which rule
/// and article; a partner without a role gets the answer for a case that does not exist.
/// </summary>
[Collection(ConvenantWalkCollection.Name)]
public sealed class ConvenantWalkPurposeTests(ConvenantWalk walk)
{
    private const string Justification = "Fictief: slachtoffer wordt vastgehouden, politie moet haar nu kunnen vinden";

    /// <summary>(case, partner, purpose, expected): released, not-for-partner, not-in-step, not-for-role, not-for-status, closed, aggregate-only, hidden.</summary>
    public static TheoryData<string, string, string, string> Rows => new()
    {
        // signalering-en-weging: veilig-thuis, zvh, politie, zorgcoordinatie; melding, eerste-weging
        { "melding", "veilig-thuis", "signalering-en-weging", "released" },
        { "eerste-weging", "zvh", "signalering-en-weging", "released" },
        { "eerste-weging", "politie", "signalering-en-weging", "released" },
        { "eerste-weging", "zorgcoordinatie", "signalering-en-weging", "released" },
        { "casusoverleg", "gemeente", "signalering-en-weging", "not-for-partner" },
        { "uitvoering", "om", "signalering-en-weging", "not-for-partner" },
        { "casusoverleg", "veilig-thuis", "signalering-en-weging", "not-in-step" },
        { "uitvoering", "politie", "signalering-en-weging", "not-in-step" },
        { "closed", "zvh", "signalering-en-weging", "closed" },

        // casusoverleg: core partners and invited shell partners; casusoverleg
        { "casusoverleg", "zvh", "casusoverleg", "released" },
        { "casusoverleg", "gemeente", "casusoverleg", "released" },
        { "casusoverleg", "kmar", "casusoverleg", "released" },
        { "casusoverleg", "riec", "casusoverleg", "hidden" },
        { "melding", "veilig-thuis", "casusoverleg", "not-in-step" },
        { "eerste-weging", "politie", "casusoverleg", "not-in-step" },
        { "uitvoering", "zorgcoordinatie", "casusoverleg", "not-in-step" },
        { "uitvoering", "arbeidsinspectie", "casusoverleg", "not-in-step" },
        { "closed", "gemeente", "casusoverleg", "closed" },

        // zorgcoordinatie: zorgcoordinatie, veilig-thuis, gemeente, ggd, coa, jeugdbescherming; uitvoering, nazorg
        { "uitvoering", "zorgcoordinatie", "zorgcoordinatie", "released" },
        { "uitvoering", "ggd", "zorgcoordinatie", "released" },
        { "nazorg", "gemeente", "zorgcoordinatie", "released" },
        { "nazorg", "zorgcoordinatie", "zorgcoordinatie", "released" },
        { "uitvoering", "politie", "zorgcoordinatie", "not-for-partner" },
        { "uitvoering", "arbeidsinspectie", "zorgcoordinatie", "not-for-partner" },
        { "nazorg", "zvh", "zorgcoordinatie", "not-for-partner" },
        { "casusoverleg", "zorgcoordinatie", "zorgcoordinatie", "not-in-step" },
        { "eerste-weging", "veilig-thuis", "zorgcoordinatie", "not-in-step" },
        { "nazorg", "ggd", "zorgcoordinatie", "hidden" },
        { "closed", "zorgcoordinatie", "zorgcoordinatie", "closed" },

        // strafrechtelijke-handhaving: investigative services; casusoverleg, uitvoering
        { "casusoverleg", "politie", "strafrechtelijke-handhaving", "released" },
        { "casusoverleg", "kmar", "strafrechtelijke-handhaving", "released" },
        { "uitvoering", "om", "strafrechtelijke-handhaving", "released" },
        { "uitvoering", "arbeidsinspectie", "strafrechtelijke-handhaving", "released" },
        { "uitvoering", "zorgcoordinatie", "strafrechtelijke-handhaving", "not-for-partner" },
        { "casusoverleg", "gemeente", "strafrechtelijke-handhaving", "not-for-partner" },
        { "casusoverleg", "zvh", "strafrechtelijke-handhaving", "not-for-partner" },
        { "uitvoering", "ggd", "strafrechtelijke-handhaving", "not-for-partner" },
        { "eerste-weging", "politie", "strafrechtelijke-handhaving", "not-in-step" },
        { "nazorg", "politie", "strafrechtelijke-handhaving", "not-in-step" },
        { "closed", "politie", "strafrechtelijke-handhaving", "closed" },

        // acute-veiligheid: core partners holding R or A in the current step; any step of an open case
        { "melding", "veilig-thuis", "acute-veiligheid", "released" },
        { "eerste-weging", "zvh", "acute-veiligheid", "released" },
        { "casusoverleg", "veilig-thuis", "acute-veiligheid", "released" },
        { "uitvoering", "politie", "acute-veiligheid", "released" },
        { "nazorg", "zorgcoordinatie", "acute-veiligheid", "released" },
        { "casusoverleg", "kmar", "acute-veiligheid", "not-for-partner" },
        { "uitvoering", "arbeidsinspectie", "acute-veiligheid", "not-for-partner" },
        { "casusoverleg", "politie", "acute-veiligheid", "not-for-role" },
        { "melding", "zvh", "acute-veiligheid", "not-for-role" },
        { "eerste-weging", "politie", "acute-veiligheid", "not-for-role" },
        { "uitvoering", "veilig-thuis", "acute-veiligheid", "not-for-role" },
        { "closed", "zvh", "acute-veiligheid", "closed" },

        // evaluatie: zvh, riec; closed cases only (the record itself: ConvenantWalkFenceTests)
        { "closed", "zvh", "evaluatie", "released" },
        { "closed", "riec", "evaluatie", "released" },
        { "closed", "politie", "evaluatie", "not-for-partner" },
        { "closed", "gemeente", "evaluatie", "not-for-partner" },
        { "casusoverleg", "zvh", "evaluatie", "not-for-status" },
        { "nazorg", "zvh", "evaluatie", "not-for-status" },
        { "melding", "riec", "evaluatie", "hidden" },

        // monitoring: core partners, aggregated figures only, never one case
        { "casusoverleg", "zvh", "monitoring", "aggregate-only" },
        { "closed", "politie", "monitoring", "aggregate-only" },
        { "casusoverleg", "kmar", "monitoring", "not-for-partner" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_purpose_gives_its_data_only_to_its_partners_in_its_steps_and_case_status(string name, string partner, string purpose, string expected)
    {
        var walked = walk.Case(name);
        var read = await walk.ReadAsync(partner, walked.Pseudonym, purpose, justification: purpose == "acute-veiligheid" ? Justification : null);
        if (expected == "hidden")
        {
            await walk.AssertLikeNoCaseAsync(read, partner, purpose);
            return;
        }

        read.AssertOk();
        Assert.Equal(walked.Pseudonym, read.Body.GetProperty("pseudonym").GetString());
        Assert.Equal(walked.IsClosed ? "closed" : "open", read.Body.GetProperty("status").GetString());
        var (purposeRule, purposeArticle) = WalkReference.Purposes[purpose];
        if (expected == "released")
        {
            Assert.Equal((purposeRule, purposeArticle), (read.Body.GetProperty("rule").GetString()!, read.Body.GetProperty("article").GetString()!));
            if (purpose == "evaluatie")
            {
                Assert.Empty(read.Fields);
                Assert.Equal(walked.Exploitation, read.Body.GetProperty("evaluation").GetProperty("exploitationType").GetString());
                return;
            }

            var role = WalkReference.RoleOf(walked.Step, partner, walked.Invited.Contains(partner))!;
            var released = WalkReference.Released(partner, role, purpose);
            Assert.NotEmpty(read.Fields);
            Assert.Equal(ConvenantWalkRoleTests.Lines(walked.ValuesIn(released)), ConvenantWalkRoleTests.Lines(read.Fields));
            return;
        }

        var (rule, article, reason) = expected switch
        {
            "not-for-partner" => (purposeRule, purposeArticle, $"purpose '{purpose}' is not allowed to this partner"),
            "not-in-step" => (purposeRule, purposeArticle, $"purpose '{purpose}' is not allowed in this step"),
            "not-for-role" => (purposeRule, purposeArticle, $"purpose '{purpose}' is allowed only to a partner holding"),
            "not-for-status" => (purposeRule, purposeArticle, $"purpose '{purpose}' applies to closed cases only"),
            "aggregate-only" => (purposeRule, purposeArticle, $"purpose '{purpose}' gives aggregated figures only"),
            "closed" => (WalkReference.FenceClosed.Rule, WalkReference.FenceClosed.Article, "a closed case releases nothing except under evaluatie, monitoring"),
            _ => throw new ArgumentOutOfRangeException(nameof(expected), expected, "unknown expectation"),
        };
        Assert.Empty(read.Fields);
        Assert.False(read.Body.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind != JsonValueKind.Null);
        Assert.Equal(ConvenantWalk.Categories.Order(StringComparer.Ordinal), read.Withheld.Keys.Order(StringComparer.Ordinal));
        foreach (var withheld in read.Withheld.Values)
        {
            Assert.Equal((rule, article), (withheld.Rule, withheld.Article));
            Assert.StartsWith(reason, withheld.Reason, StringComparison.Ordinal);
        }

        Assert.Equal((rule, article), (read.Body.GetProperty("rule").GetString()!, read.Body.GetProperty("article").GetString()!));
        Assert.Empty(read.Obligations);
    }

    [Fact]
    public async Task A_purpose_that_is_not_granted_here_is_logged_as_a_denial_with_its_rule_and_releases_no_field()
    {
        var read = await walk.ReadAsync("gemeente", walk.Casusoverleg.Pseudonym, "strafrechtelijke-handhaving", "statisch");
        read.AssertOk();
        var record = (await walk.LogAsync(r => r.Case?.Value == walk.Casusoverleg.Pseudonym && r.ActorPartner?.Value == "gemeente"
            && r.Purpose?.Value == "strafrechtelijke-handhaving")).Last();
        Assert.Equal(AccessDecision.Deny, record.Decision);
        Assert.Equal("doel-strafrechtelijke-handhaving", record.Rule);
        Assert.Equal("3.5", record.Article);
        Assert.Empty(record.FieldsReleased);
        Assert.Equal(["statisch"], record.CategoriesWithheld);
        Assert.Equal("S", record.Role);
        Assert.Equal(HttpStatusCode.OK, read.Status);
    }
}

using System.Net;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// The reference's default RASCI per step and what each role sees, walked over HTTP with the provider's tokens:
/// every partner's role in every step through <c>GET /cases/{p}</c>, and for every role holder a read under a
/// purpose allowed to it, compared field by field with what was written to the case.
/// </summary>
[Collection(ConvenantWalkCollection.Name)]
public sealed class ConvenantWalkRoleTests(ConvenantWalk walk)
{
    private const string Justification = "Fictief: slachtoffer meldt acuut gevaar, verblijfplaats nodig voor bescherming";

    public static TheoryData<string> OpenSteps => [.. ConvenantWalk.Steps];

    /// <summary>Every role holder of the default RASCI (and the invited shell partners), with a purpose allowed to it in that step.</summary>
    public static TheoryData<string, string, string> RoleHolders => new()
    {
        { "melding", "veilig-thuis", "signalering-en-weging" },
        { "melding", "zvh", "signalering-en-weging" },
        { "eerste-weging", "veilig-thuis", "signalering-en-weging" },
        { "eerste-weging", "zvh", "signalering-en-weging" },
        { "eerste-weging", "politie", "signalering-en-weging" },
        { "eerste-weging", "zorgcoordinatie", "signalering-en-weging" },
        { "casusoverleg", "veilig-thuis", "casusoverleg" },
        { "casusoverleg", "zvh", "casusoverleg" },
        { "casusoverleg", "politie", "casusoverleg" },
        { "casusoverleg", "om", "casusoverleg" },
        { "casusoverleg", "zorgcoordinatie", "casusoverleg" },
        { "casusoverleg", "gemeente", "casusoverleg" },
        { "casusoverleg", "kmar", "casusoverleg" },
        { "casusoverleg", "politie", "strafrechtelijke-handhaving" },
        { "casusoverleg", "om", "strafrechtelijke-handhaving" },
        { "casusoverleg", "kmar", "strafrechtelijke-handhaving" },
        { "uitvoering", "zorgcoordinatie", "zorgcoordinatie" },
        { "uitvoering", "politie", "strafrechtelijke-handhaving" },
        { "uitvoering", "om", "strafrechtelijke-handhaving" },
        { "uitvoering", "zvh", "acute-veiligheid" },
        { "uitvoering", "gemeente", "zorgcoordinatie" },
        { "uitvoering", "arbeidsinspectie", "strafrechtelijke-handhaving" },
        { "uitvoering", "ggd", "zorgcoordinatie" },
        { "uitvoering", "veilig-thuis", "zorgcoordinatie" },
        { "nazorg", "zorgcoordinatie", "zorgcoordinatie" },
        { "nazorg", "zvh", "acute-veiligheid" },
        { "nazorg", "gemeente", "zorgcoordinatie" },
    };

    [Theory]
    [MemberData(nameof(OpenSteps))]
    public async Task Every_partner_holds_the_default_role_of_the_step_and_no_role_answers_like_no_case(string step)
    {
        var walked = walk.Case(step);
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var actual = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var partner in ConvenantWalk.AllPartners)
        {
            expected[partner] = WalkReference.RoleOf(step, partner, walked.Invited.Contains(partner)) ?? "none";
            using var response = await walk.SummaryAsync(partner, walked.Pseudonym);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                actual[partner] = "none";
                await walk.AssertSummaryLikeNoCaseAsync(partner, walked.Pseudonym);
                continue;
            }

            var summary = await ConvenantWalk.OkAsync(response);
            actual[partner] = summary.GetProperty("yourRole").GetString()!;
            Assert.Equal(walked.Pseudonym, summary.GetProperty("pseudonym").GetString());
            Assert.Equal(step, summary.GetProperty("step").GetString());
            Assert.Equal("open", summary.GetProperty("status").GetString());
        }

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(RoleHolders))]
    public async Task A_role_holder_receives_exactly_the_categories_of_its_role_with_the_values_written(string step, string partner, string purpose)
    {
        var walked = walk.Case(step);
        var role = WalkReference.RoleOf(step, partner, walked.Invited.Contains(partner))!;
        var read = await walk.ReadAsync(partner, walked.Pseudonym, purpose, justification: purpose == "acute-veiligheid" ? Justification : null);

        read.AssertOk();
        var released = WalkReference.Released(partner, role, purpose);
        Assert.Equal(Lines(walked.ValuesIn(released)), Lines(read.Fields));
        Assert.Equal(ConvenantWalk.Categories.Except(released).Order(StringComparer.Ordinal), read.Withheld.Keys.Order(StringComparer.Ordinal));
        foreach (var (category, withheld) in read.Withheld)
        {
            Assert.Equal(WalkReference.WithheldBy(category, role, purpose), (withheld.Rule, withheld.Article));
            Assert.False(string.IsNullOrWhiteSpace(withheld.Reason));
        }

        Assert.Equal(WalkReference.Purposes[purpose], (read.Body.GetProperty("rule").GetString()!, read.Body.GetProperty("article").GetString()!));
        Assert.Equal(step, read.Body.GetProperty("step").GetString());
        Assert.Equal(purpose, read.Body.GetProperty("purpose").GetString());
        Assert.Equal(purpose == "acute-veiligheid" ? ["review"] : [], read.Obligations);
    }

    [Fact]
    public async Task The_walk_wrote_every_category_so_that_withholding_is_visible()
    {
        // Without values in every category a withheld category would look the same as an empty one.
        var categories = walk.Uitvoering.Values.Keys.Select(f => ConvenantWalk.CategoryOf[f]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(ConvenantWalk.Categories.Order(StringComparer.Ordinal), categories);

        // and what R sees in uitvoering under strafrechtelijke-handhaving is the lot but the reporter's identity
        var read = await walk.ReadAsync("politie", walk.Uitvoering.Pseudonym, "strafrechtelijke-handhaving");
        Assert.Equal("opsporing", read.Fields["voortgang.strafrechtelijk-onderzoek-status"]);
        Assert.Equal(walk.Uitvoering.Values["persoon.achternaam"], read.Fields["persoon.achternaam"]);
        Assert.Equal("vermoeden-lvb", read.Fields["tweede-weging.cognitief-niveau"]);
        Assert.Equal(["melder-identiteit"], read.Withheld.Keys);
    }

    [Fact]
    public async Task Informed_sees_the_case_metadata_and_no_data_category()
    {
        // politie is I in nazorg: the summary, nothing else.
        using var response = await walk.SummaryAsync("politie", walk.Nazorg.Pseudonym);
        var summary = await ConvenantWalk.OkAsync(response);
        Assert.Equal("I", summary.GetProperty("yourRole").GetString());
        Assert.Equal("nazorg", summary.GetProperty("step").GetString());
        var steps = summary.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(ConvenantWalk.Steps, steps.Select(s => s.GetProperty("step").GetString()!));
        var entered = steps.Select(s => s.GetProperty("enteredAt").GetDateTimeOffset()).ToList();
        Assert.Equal(entered.Order(), entered);
        Assert.True(entered.Distinct().Count() == entered.Count, "every step was entered at its own moment");
        Assert.False(summary.TryGetProperty("fields", out _));
        var text = summary.GetRawText();
        foreach (var value in walk.Nazorg.Values.Values.Where(v => v.Length > 5))
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }

        // zvh is I in melding: under a purpose allowed to it, every category withheld by the view of I.
        var read = await walk.ReadAsync("zvh", walk.Melding.Pseudonym, "signalering-en-weging", "statisch,dynamisch,exceptioneel");
        read.AssertOk();
        Assert.Empty(read.Fields);
        Assert.All(read.Withheld.Values, w => Assert.Equal(("zicht-i", "6.4"), (w.Rule, w.Article)));
        Assert.Equal(["dynamisch", "exceptioneel", "statisch"], read.Withheld.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("only case metadata", read.Withheld["statisch"].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("melding", "gemeente", "signalering-en-weging")]
    [InlineData("eerste-weging", "om", "signalering-en-weging")]
    [InlineData("casusoverleg", "ggd", "casusoverleg")]
    [InlineData("nazorg", "ggd", "zorgcoordinatie")]
    [InlineData("nazorg", "om", "strafrechtelijke-handhaving")]
    [InlineData("uitvoering", "riec", "casusoverleg")]
    [InlineData("closed", "ggd", "casusoverleg")]
    public async Task A_partner_without_a_role_gets_exactly_the_answer_for_a_case_that_does_not_exist(string name, string partner, string purpose)
    {
        var walked = walk.Case(name);
        await walk.AssertLikeNoCaseAsync(await walk.ReadAsync(partner, walked.Pseudonym, purpose), partner, purpose);
        await walk.AssertSummaryLikeNoCaseAsync(partner, walked.Pseudonym);

        // also with a purpose the convenant does not know: a typo must not confirm the case exists
        await walk.AssertLikeNoCaseAsync(await walk.ReadAsync(partner, walked.Pseudonym, "verkoop"), partner, "verkoop");
        var denied = await walk.LogAsync(r => r.Case?.Value == walked.Pseudonym && r.ActorPartner?.Value == partner && r.Operation == "case.read");
        Assert.NotEmpty(denied);
        Assert.All(denied, r => Assert.Equal(AccessDecision.Deny, r.Decision));
    }

    internal static List<string> Lines(IReadOnlyDictionary<string, string> fields) =>
        [.. fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")];
}

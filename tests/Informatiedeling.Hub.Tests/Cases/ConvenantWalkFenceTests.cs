using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// The reference's fences over HTTP: criminal-investigation data only to investigative services with R, A or S
/// under strafrechtelijke-handhaving; the reporter's identity only to veilig-thuis with R or A under
/// signalering-en-weging; acute-veiligheid only statisch and dynamisch, with a written justification and a review
/// obligation; evaluatie only the anonymous evaluation record; a closed case nothing but evaluatie and monitoring.
/// </summary>
[Collection(ConvenantWalkCollection.Name)]
public sealed class ConvenantWalkFenceTests(ConvenantWalk walk)
{
    private const string Justification = "Fictief: slachtoffer belt in paniek vanaf onbekend adres";

    [Fact]
    public async Task Strafrechtelijk_goes_to_investigative_services_with_R_A_or_S_under_strafrechtelijke_handhaving_only()
    {
        var written = walk.Uitvoering.ValuesIn(["strafrechtelijk"]);
        Assert.Equal(2, written.Count);
        foreach (var partner in new[] { "politie", "om" })
        {
            var read = await walk.ReadAsync(partner, walk.Uitvoering.Pseudonym, "strafrechtelijke-handhaving", "strafrechtelijk");
            read.AssertOk();
            Assert.Equal(ConvenantWalkRoleTests.Lines(written), ConvenantWalkRoleTests.Lines(read.Fields));
            Assert.Empty(read.Withheld);
        }

        // S in casusoverleg: released (nothing is written yet in that case's criminal-investigation fields)
        var support = await walk.ReadAsync("politie", walk.Casusoverleg.Pseudonym, "strafrechtelijke-handhaving", "strafrechtelijk");
        support.AssertOk();
        Assert.Empty(support.Withheld);

        // Everyone else, whatever the role, under whatever purpose: withheld by the fence.
        var refused = new (WalkCase Case, string Partner, string Purpose)[]
        {
            (walk.Uitvoering, "arbeidsinspectie", "strafrechtelijke-handhaving"), // investigative but C
            (walk.Casusoverleg, "kmar", "strafrechtelijke-handhaving"),           // investigative but C
            (walk.Uitvoering, "zorgcoordinatie", "zorgcoordinatie"),              // care partner holding R
            (walk.Uitvoering, "gemeente", "zorgcoordinatie"),
            (walk.Uitvoering, "ggd", "zorgcoordinatie"),
            (walk.Uitvoering, "politie", "acute-veiligheid"),                     // investigative R, wrong purpose
            (walk.Casusoverleg, "politie", "casusoverleg"),
            (walk.Casusoverleg, "veilig-thuis", "casusoverleg"),
            (walk.Nazorg, "zorgcoordinatie", "zorgcoordinatie"),
        };
        foreach (var (walked, partner, purpose) in refused)
        {
            var read = await walk.ReadAsync(partner, walked.Pseudonym, purpose, "strafrechtelijk,dynamisch", purpose == "acute-veiligheid" ? Justification : null);
            read.AssertOk();
            var withheld = Assert.Single(read.Withheld).Value;
            Assert.Equal(("strafrechtelijk", "hek-strafrechtelijk", "7.1"), (withheld.Category, withheld.Rule, withheld.Article));
            Assert.Equal("'strafrechtelijk' is fenced: only for politie, om, arbeidsinspectie, kmar holding R, A, S under strafrechtelijke-handhaving", withheld.Reason);
            Assert.DoesNotContain(read.Fields.Keys, f => f.StartsWith("voortgang.strafrechtelijk", StringComparison.Ordinal));
            Assert.DoesNotContain("opsporing", read.Body.GetRawText(), StringComparison.Ordinal);
            Assert.NotEmpty(read.Fields); // dynamisch did come through: the fence, not the purpose, held it back
        }
    }

    [Fact]
    public async Task Asking_for_single_fields_opens_no_fence()
    {
        var police = await walk.ReadAsync("politie", walk.Uitvoering.Pseudonym, "strafrechtelijke-handhaving", fields: "voortgang.strafrechtelijk-onderzoek-status");
        police.AssertOk();
        Assert.Equal(["voortgang.strafrechtelijk-onderzoek-status=opsporing"], ConvenantWalkRoleTests.Lines(police.Fields));
        Assert.Empty(police.Withheld);

        var care = await walk.ReadAsync("zorgcoordinatie", walk.Uitvoering.Pseudonym, "zorgcoordinatie", fields: "voortgang.strafrechtelijk-onderzoek-status,voortgang.interventie");
        care.AssertOk();
        Assert.Equal([$"voortgang.interventie={walk.Uitvoering.Values["voortgang.interventie"]}"], ConvenantWalkRoleTests.Lines(care.Fields));
        Assert.Equal(("hek-strafrechtelijk", "7.1"), (care.Withheld["strafrechtelijk"].Rule, care.Withheld["strafrechtelijk"].Article));

        var reporter = await walk.ReadAsync("zvh", walk.EersteWeging.Pseudonym, "signalering-en-weging", fields: "melding.melder-naam");
        reporter.AssertOk();
        Assert.Empty(reporter.Fields);
        Assert.Equal(["melder-identiteit"], reporter.Withheld.Keys);

        var unknown = await walk.ReadAsync("politie", walk.Uitvoering.Pseudonym, "strafrechtelijke-handhaving", fields: "persoon.schoenmaat");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("unknown field 'persoon.schoenmaat'", unknown.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_care_partner_cannot_write_criminal_investigation_data_either()
    {
        using var response = await walk.SendAsync("zorgcoordinatie", HttpMethod.Put, $"/cases/{walk.Uitvoering.Pseudonym}/fields", new
        {
            purpose = "zorgcoordinatie",
            fields = new Dictionary<string, string> { ["voortgang.strafrechtelijk-onderzoek-notities"] = "Fictief: mag hier niet staan" },
        });
        var problem = await ConvenantWalk.OkAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("voortgang.strafrechtelijk-onderzoek-notities", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("mag hier niet staan", problem.GetRawText(), StringComparison.Ordinal);

        var police = await walk.ReadAsync("politie", walk.Uitvoering.Pseudonym, "strafrechtelijke-handhaving", "strafrechtelijk");
        Assert.False(police.Fields.ContainsKey("voortgang.strafrechtelijk-onderzoek-notities"));
    }

    [Fact]
    public async Task Melder_identiteit_goes_only_to_veilig_thuis_with_R_or_A_under_signalering_en_weging()
    {
        foreach (var walked in new[] { walk.Melding, walk.EersteWeging })
        {
            var read = await walk.ReadAsync("veilig-thuis", walked.Pseudonym, "signalering-en-weging", "melder-identiteit");
            read.AssertOk();
            Assert.Equal(walked.Values["melding.melder-naam"], read.Fields["melding.melder-naam"]);
            Assert.StartsWith("Fictieve Melder", read.Fields["melding.melder-naam"], StringComparison.Ordinal);
            Assert.Empty(read.Withheld);
        }

        var refused = new (WalkCase Case, string Partner, string Purpose)[]
        {
            (walk.EersteWeging, "zvh", "signalering-en-weging"),      // A, but not the reporting point
            (walk.EersteWeging, "politie", "signalering-en-weging"),
            (walk.EersteWeging, "zorgcoordinatie", "signalering-en-weging"),
            (walk.Casusoverleg, "veilig-thuis", "casusoverleg"),      // the reporting point as R, another purpose
            (walk.Melding, "veilig-thuis", "acute-veiligheid"),       // not even in an emergency
            (walk.Uitvoering, "politie", "strafrechtelijke-handhaving"),
        };
        foreach (var (walked, partner, purpose) in refused)
        {
            var read = await walk.ReadAsync(partner, walked.Pseudonym, purpose, "melder-identiteit,dynamisch", purpose == "acute-veiligheid" ? Justification : null);
            read.AssertOk();
            var withheld = Assert.Single(read.Withheld).Value;
            Assert.Equal(("melder-identiteit", "hek-melder-identiteit", "7.2"), (withheld.Category, withheld.Rule, withheld.Article));
            Assert.StartsWith("'melder-identiteit' is fenced: only for veilig-thuis", withheld.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("Fictieve Melder", read.Body.GetRawText(), StringComparison.Ordinal);
            Assert.NotEmpty(read.Fields);
        }
    }

    [Fact]
    public async Task Acute_veiligheid_releases_statisch_and_dynamisch_with_a_justification_and_a_review_obligation()
    {
        var read = await walk.ReadAsync("veilig-thuis", walk.Melding.Pseudonym, "acute-veiligheid", justification: Justification);
        read.AssertOk();
        Assert.Equal(ConvenantWalkRoleTests.Lines(walk.Melding.ValuesIn(["statisch", "dynamisch"])), ConvenantWalkRoleTests.Lines(read.Fields));
        Assert.Equal(walk.Melding.Values["persoon.woonplaats"], read.Fields["persoon.woonplaats"]);
        Assert.Equal(["review"], read.Obligations);
        var exceptional = read.Withheld["exceptioneel"];
        Assert.Equal(("hek-acute-veiligheid", "7.3"), (exceptional.Rule, exceptional.Article));
        Assert.Equal("purpose 'acute-veiligheid' releases only statisch, dynamisch", exceptional.Reason);
        Assert.Equal(("hek-strafrechtelijk", "7.1"), (read.Withheld["strafrechtelijk"].Rule, read.Withheld["strafrechtelijk"].Article));
        Assert.Equal(("hek-melder-identiteit", "7.2"), (read.Withheld["melder-identiteit"].Rule, read.Withheld["melder-identiteit"].Article));

        var record = (await walk.LogAsync(r => r.Case?.Value == walk.Melding.Pseudonym && r.Emergency && r.Decision != AccessDecision.Deny)).Last();
        Assert.Equal(["review"], record.Obligations);
        Assert.NotNull(record.Justification);
        Assert.Equal("doel-acute-veiligheid", record.Rule);
        Assert.Equal("R", record.Role);
        Assert.Contains("persoon.woonplaats", record.FieldsReleased);
        Assert.DoesNotContain("eerste-weging.dreiging", record.FieldsReleased);
        Assert.DoesNotContain("paniek", JsonSerializer.Serialize(record), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task Acute_veiligheid_without_a_written_justification_releases_nothing(string? justification)
    {
        var read = await walk.ReadAsync("zvh", walk.EersteWeging.Pseudonym, "acute-veiligheid", justification: justification);
        read.AssertOk();
        Assert.Empty(read.Fields);
        Assert.Empty(read.Obligations);
        Assert.Equal(ConvenantWalk.Categories.Order(StringComparer.Ordinal), read.Withheld.Keys.Order(StringComparer.Ordinal));
        Assert.All(read.Withheld.Values, w =>
        {
            Assert.Equal(("hek-acute-veiligheid", "7.3"), (w.Rule, w.Article));
            Assert.Equal("purpose 'acute-veiligheid' requires a written justification", w.Reason);
        });

        // in the query string it does not count: a justification never travels in a URL
        var inUrl = await walk.ReadQueryAsync("zvh", walk.EersteWeging.Pseudonym, "purpose=acute-veiligheid&justification=Fictief%20gevaar");
        inUrl.AssertOk();
        Assert.Empty(inUrl.Fields);
        Assert.Equal("purpose 'acute-veiligheid' requires a written justification", inUrl.Withheld["statisch"].Reason);
    }

    [Fact]
    public async Task Evaluatie_releases_only_the_anonymous_evaluation_record()
    {
        using var summaryResponse = await walk.SummaryAsync("zvh", walk.Closed.Pseudonym);
        var summary = await ConvenantWalk.OkAsync(summaryResponse);
        foreach (var partner in new[] { "zvh", "riec" })
        {
            var read = await walk.ReadAsync(partner, walk.Closed.Pseudonym, "evaluatie");
            read.AssertOk();
            Assert.Empty(read.Fields);
            Assert.Equal(ConvenantWalk.Categories.Order(StringComparer.Ordinal), read.Withheld.Keys.Order(StringComparer.Ordinal));
            Assert.All(read.Withheld.Values, w =>
            {
                Assert.Equal(("hek-evaluatie", "7.4"), (w.Rule, w.Article));
                Assert.Equal("purpose 'evaluatie' releases no data category, only the anonymous evaluation record", w.Reason);
            });

            var evaluation = read.Body.GetProperty("evaluation");
            Assert.Equal("arbeid", evaluation.GetProperty("exploitationType").GetString());
            Assert.Equal("mensenhandel-en-zorg", evaluation.GetProperty("outcome").GetString());
            Assert.Equal("afgerond", evaluation.GetProperty("closureReason").GetString());
            // dates only, coarsened to the day: the record must not single out a case by its instants
            Assert.Equal(Day(summary.GetProperty("closedAt")), evaluation.GetProperty("closedAt").GetString());
            Assert.Equal(["melding", "eerste-weging", "casusoverleg", "uitvoering"], evaluation.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!));
            Assert.Equal(
                summary.GetProperty("steps").EnumerateArray().Select(s => Day(s.GetProperty("enteredAt"))),
                evaluation.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("enteredAt").GetString()!));

            // nothing of the person, the report, the reporter or the investigation
            var text = evaluation.GetRawText();
            var allowed = $"{walk.Closed.Values["melding.uitbuitingsvorm"]} {walk.Closed.Values["tweede-weging.uitkomst"]}";
            foreach (var (field, value) in walk.Closed.Values.Where(v => !allowed.Contains(v.Value, StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
                Assert.DoesNotContain(field, read.Body.GetRawText(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_closed_case_releases_nothing_but_evaluatie_and_monitoring_and_takes_no_change()
    {
        using var summaryResponse = await walk.SummaryAsync("zvh", walk.Closed.Pseudonym);
        var summary = await ConvenantWalk.OkAsync(summaryResponse);
        Assert.Equal("closed", summary.GetProperty("status").GetString());
        Assert.Equal("afgerond", summary.GetProperty("closureReason").GetString());
        Assert.Equal("uitvoering", summary.GetProperty("step").GetString());
        Assert.True(summary.GetProperty("closedAt").GetDateTimeOffset() > DateTimeOffset.MinValue);

        // zvh holds A on it and politie R: still nothing, under every purpose of one case's data
        foreach (var (partner, purpose) in new[] { ("zvh", "casusoverleg"), ("zvh", "acute-veiligheid"), ("politie", "strafrechtelijke-handhaving"), ("zorgcoordinatie", "zorgcoordinatie"), ("zvh", "signalering-en-weging") })
        {
            var read = await walk.ReadAsync(partner, walk.Closed.Pseudonym, purpose, justification: purpose == "acute-veiligheid" ? Justification : null);
            read.AssertOk();
            Assert.Empty(read.Fields);
            Assert.All(read.Withheld.Values, w => Assert.Equal(("hek-gesloten-dossier", "7.5"), (w.Rule, w.Article)));
        }

        var changes = new (string Partner, HttpMethod Method, string Path, object Body)[]
        {
            ("veilig-thuis", HttpMethod.Post, "weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "geen-mensenhandel-geen-zorg" } }),
            ("zorgcoordinatie", HttpMethod.Put, "fields", new { purpose = "zorgcoordinatie", fields = new Dictionary<string, string> { ["voortgang.nazorg"] = "Fictief: na sluiting" } }),
            ("zvh", HttpMethod.Post, "step", new { from = "uitvoering" }),
            ("zvh", HttpMethod.Put, "rasci/uitvoering", new { assignments = new Dictionary<string, string> { ["zvh"] = "A", ["politie"] = "R" } }),
            ("zvh", HttpMethod.Post, "invitations", new { partner = "ggd", until = walk.LongInvitation }),
            ("zvh", HttpMethod.Post, "closure", new { reason = "overleden" }),
        };
        foreach (var (partner, method, path, body) in changes)
        {
            using var response = await walk.SendAsync(partner, method, $"/cases/{walk.Closed.Pseudonym}/{path}", body);
            var problem = await ConvenantWalk.OkAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(("dossier-gesloten", "5.5"), (problem.GetProperty("rule").GetString()!, problem.GetProperty("article").GetString()!));
        }

        using var again = await walk.SummaryAsync("zvh", walk.Closed.Pseudonym);
        Assert.Equal(ConvenantWalk.ProblemShape(summary), ConvenantWalk.ProblemShape(await ConvenantWalk.OkAsync(again)));
        var evaluation = await walk.ReadAsync("zvh", walk.Closed.Pseudonym, "evaluatie");
        Assert.Equal("mensenhandel-en-zorg", evaluation.Body.GetProperty("evaluation").GetProperty("outcome").GetString());
        Assert.Equal("afgerond", evaluation.Body.GetProperty("evaluation").GetProperty("closureReason").GetString());
        await walk.AssertSummaryLikeNoCaseAsync("ggd", walk.Closed.Pseudonym);
    }

    private static string Day(JsonElement instant) =>
        instant.GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Monitoring: for the core partners, aggregated figures of all the walk's cases and never one case; every count
/// below five (none included) shows as "&lt;5".
/// </summary>
[Collection(ConvenantWalkCollection.Name)]
public sealed class ConvenantWalkMonitoringTests(ConvenantWalk walk)
{
    [Fact]
    public async Task Core_partners_get_the_aggregated_figures_with_small_counts_hidden()
    {
        var figures = await FiguresAsync("zvh");
        var open = walk.All.Count(c => !c.IsClosed);
        var closed = walk.All.Count(c => c.IsClosed);
        Assert.True(open >= 5 && closed < 5, "the walk has enough open cases to show a count, and too few closed ones");
        Assert.Equal(Count(open), figures.GetProperty("cases").GetProperty("open").GetString());
        Assert.Equal("<5", figures.GetProperty("cases").GetProperty("closed").GetString());

        var byType = figures.GetProperty("byExploitationType");
        foreach (var type in new[] { "seksueel", "arbeid", "crimineel", "orgaanverwijdering", "overig" })
        {
            Assert.Equal(Count(walk.All.Count(c => c.Exploitation == type)), byType.GetProperty(type).GetString());
        }

        Assert.Equal(Count(walk.All.Count(c => c.Exploitation == "arbeid")), byType.GetProperty("arbeid").GetString());
        Assert.NotEqual("<5", byType.GetProperty("arbeid").GetString());
        var byStep = figures.GetProperty("byStep");
        foreach (var step in ConvenantWalk.Steps)
        {
            Assert.Equal(Count(walk.All.Count(c => !c.IsClosed && c.Step == step)), byStep.GetProperty(step).GetString());
        }

        Assert.Equal("<5", figures.GetProperty("byClosureReason").GetProperty("afgerond").GetString());
        Assert.Equal("<5", figures.GetProperty("byClosureReason").GetProperty("overleden").GetString());

        // Every count is a string, and no count between 1 and 4 ever shows.
        foreach (var group in figures.EnumerateObject().Where(g => g.Value.ValueKind == JsonValueKind.Object))
        {
            foreach (var count in group.Value.EnumerateObject())
            {
                Assert.Equal(JsonValueKind.String, count.Value.ValueKind);
                var text = count.Value.GetString()!;
                Assert.True(text == "<5" || int.Parse(text, CultureInfo.InvariantCulture) >= 5, $"{group.Name}.{count.Name} = {text}");
            }
        }

        // Nothing of one case: no pseudonym, no value written.
        var raw = figures.GetRawText();
        foreach (var walked in walk.All)
        {
            Assert.DoesNotContain(walked.Pseudonym, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(walked.Values["persoon.achternaam"], raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_core_partner_sees_the_same_figures_and_no_shell_partner_sees_any()
    {
        var reference = Without(await FiguresAsync("zvh"), "generatedAt");
        foreach (var partner in ConvenantWalk.CorePartners)
        {
            Assert.Equal(reference, Without(await FiguresAsync(partner), "generatedAt"));
        }

        foreach (var partner in new[] { "riec", "kmar", "ggd" })
        {
            using var response = await walk.SendAsync(partner, HttpMethod.Get, "/monitoring?purpose=monitoring");
            var problem = await ConvenantWalk.OkAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal(WalkReference.Purposes["monitoring"], (problem.GetProperty("rule").GetString()!, problem.GetProperty("article").GetString()!));
            Assert.DoesNotContain("byExploitationType", problem.GetRawText(), StringComparison.Ordinal);
        }

        var refused = await walk.LogAsync(r => r.ActorPartner?.Value == "riec" && r.Purpose?.Value == "monitoring");
        Assert.Contains(refused, r => r.Decision == AccessDecision.Deny && r.Case is null);
    }

    [Fact]
    public async Task Monitoring_answers_only_under_its_own_purpose()
    {
        foreach (var purpose in new[] { "casusoverleg", "evaluatie" })
        {
            using var other = await walk.SendAsync("zvh", HttpMethod.Get, $"/monitoring?purpose={purpose}");
            var refused = await ConvenantWalk.OkAsync(other, HttpStatusCode.Forbidden);
            Assert.Equal("Not a purpose for aggregated figures", refused.GetProperty("title").GetString());
            Assert.Equal(WalkReference.Purposes[purpose], (refused.GetProperty("rule").GetString()!, refused.GetProperty("article").GetString()!));
        }

        using var unknown = await walk.SendAsync("zvh", HttpMethod.Get, "/monitoring?purpose=verkoop");
        var problem = await ConvenantWalk.OkAsync(unknown, HttpStatusCode.Forbidden);
        Assert.StartsWith("unknown purpose 'verkoop'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> FiguresAsync(string partner)
    {
        using var response = await walk.SendAsync(partner, HttpMethod.Get, "/monitoring?purpose=monitoring");
        return await ConvenantWalk.OkAsync(response);
    }

    private static string Count(int n) => n < 5 ? "<5" : n.ToString(CultureInfo.InvariantCulture);

    private static string Without(JsonElement figures, string property)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(figures.GetRawText())!.AsObject();
        node.Remove(property);
        return node.ToJsonString();
    }
}

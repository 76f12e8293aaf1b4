using System.Text.Json;

namespace Informatiedeling.Cli.Tests;

/// <summary><c>infodeel policy decide</c>: the JSON-lines protocol, line by line, errors included.</summary>
public sealed class PolicyDecideTests
{
    private const string Example =
        """{"id":"t1","partner":"politie","role":"R","step":"uitvoering","caseStatus":"open","purpose":"strafrechtelijke-handhaving","categories":["statisch","strafrechtelijk"],"at":"2026-11-22T10:00:00Z","invitedUntil":null,"justification":null}""";

    [Fact]
    public async Task The_documented_example_is_permitted_in_full()
    {
        var result = await Infodeel.RunAsync(Example + "\n", Infodeel.WithReferencePolicies("policy", "decide"));

        Assert.Equal(0, result.ExitCode);
        using var line = JsonDocument.Parse(Assert.Single(Lines(result.Output)));
        var root = line.RootElement;
        Assert.Equal("t1", root.GetProperty("id").GetString());
        Assert.Equal("permit", root.GetProperty("categories").GetProperty("statisch").GetString());
        Assert.Equal("permit", root.GetProperty("categories").GetProperty("strafrechtelijk").GetString());
        Assert.Empty(root.GetProperty("reasons").EnumerateObject());
        Assert.Equal("doel-strafrechtelijke-handhaving", root.GetProperty("rule").GetString());
        Assert.Equal("3.5", root.GetProperty("article").GetString());
        Assert.Empty(root.GetProperty("obligations").EnumerateArray());
    }

    [Fact]
    public async Task Each_line_gets_its_answer_in_order_and_bad_lines_do_not_stop_the_run()
    {
        var input = string.Join("\n",
            """{"id":"a","partner":"zorgcoordinatie","role":"R","step":"uitvoering","caseStatus":"open","purpose":"zorgcoordinatie","categories":["statisch","strafrechtelijk"]}""",
            "this is not json",
            """{"id":"c","partner":"politie","role":"R","step":"uitvoering","caseStatus":"open","categories":["statisch"]}""",
            """{"id":"d","partner":"politie","role":"A","step":"uitvoering","caseStatus":"open","purpose":"acute-veiligheid","categories":["statisch","exceptioneel"],"justification":"Slachtoffer wordt bedreigd"}""",
            """{"id":5,"partner":"riec","role":null,"step":null,"caseStatus":"closed","purpose":"evaluatie","categories":["dynamisch"]}""",
            """{"id":"f","partner":"gemeente","role":null,"step":"uitvoering","caseStatus":"open","purpose":"zorgcoordinatie","categories":["statisch"]}""");

        var result = await Infodeel.RunAsync(input, Infodeel.WithReferencePolicies("policy", "decide"));

        Assert.Equal(1, result.ExitCode);
        var lines = Lines(result.Output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(6, lines.Count);

        Assert.Equal("permit", lines[0].GetProperty("categories").GetProperty("statisch").GetString());
        Assert.Equal("deny", lines[0].GetProperty("categories").GetProperty("strafrechtelijk").GetString());
        Assert.Contains("hek-strafrechtelijk", lines[0].GetProperty("reasons").GetProperty("strafrechtelijk").GetString(), StringComparison.Ordinal);

        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("id").ValueKind);
        Assert.StartsWith("not valid JSON", lines[1].GetProperty("error").GetString(), StringComparison.Ordinal);

        Assert.Equal("c", lines[2].GetProperty("id").GetString());
        Assert.Contains("no purpose", lines[2].GetProperty("error").GetString(), StringComparison.Ordinal);

        Assert.Equal("permit", lines[3].GetProperty("categories").GetProperty("statisch").GetString());
        Assert.Equal("deny", lines[3].GetProperty("categories").GetProperty("exceptioneel").GetString());
        Assert.Equal("review", Assert.Single(lines[3].GetProperty("obligations").EnumerateArray()).GetString());

        Assert.Equal(5, lines[4].GetProperty("id").GetInt32());
        Assert.Equal("deny", lines[4].GetProperty("categories").GetProperty("dynamisch").GetString());
        Assert.True(lines[4].GetProperty("scopeReleased").GetBoolean());

        Assert.True(lines[5].GetProperty("caseHidden").GetBoolean());
        Assert.Equal("geen-rol", lines[5].GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Unknown_identifiers_are_denied_with_a_reason_that_names_them()
    {
        var input = """{"id":"u","partner":"woningcorporatie","role":"R","step":"uitvoering","caseStatus":"open","purpose":"zorgcoordinatie","categories":["statisch"]}""";
        var result = await Infodeel.RunAsync(input, Infodeel.WithReferencePolicies("policy", "decide"));

        Assert.Equal(0, result.ExitCode);
        using var line = JsonDocument.Parse(Assert.Single(Lines(result.Output)));
        Assert.Equal("deny", line.RootElement.GetProperty("categories").GetProperty("statisch").GetString());
        Assert.Contains("unknown partner 'woningcorporatie'", line.RootElement.GetProperty("reasons").GetProperty("statisch").GetString(), StringComparison.Ordinal);
        Assert.Equal("7.6", line.RootElement.GetProperty("article").GetString());
    }

    [Fact]
    public async Task All_categories_are_decided_when_none_are_named()
    {
        var input = """{"id":"all","partner":"veilig-thuis","role":"R","step":"melding","caseStatus":"open","purpose":"signalering-en-weging"}""";
        var result = await Infodeel.RunAsync(input, Infodeel.WithReferencePolicies("policy", "decide"));

        using var line = JsonDocument.Parse(Assert.Single(Lines(result.Output)));
        var categories = line.RootElement.GetProperty("categories");
        Assert.Equal(5, categories.EnumerateObject().Count());
        Assert.Equal("permit", categories.GetProperty("melder-identiteit").GetString());
        Assert.Equal("deny", categories.GetProperty("strafrechtelijk").GetString());
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

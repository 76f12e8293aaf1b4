using System.Globalization;
using System.Text.Json;

namespace Informatiedeling.Cli.Demo;

/// <summary>Prints the demo for a reader: per actor what it did, what it saw (field and value) and what was withheld, with why.</summary>
internal sealed class DemoReport(TextWriter output)
{
    private int _section;

    public async Task TitleAsync(Uri hub)
    {
        await output.WriteLineAsync("Informatiedeling demo: one case from report to closure, as the partners see it");
        await output.WriteLineAsync($"hub {hub} (Development, tokens from POST /dev/token)");
        await output.WriteLineAsync("Every person, name and value in this case is fictional.");
    }

    public async Task SectionAsync(string step, string what)
    {
        _section++;
        await output.WriteLineAsync();
        var heading = $"== {_section.ToString(CultureInfo.InvariantCulture)}. {step}: {what} ";
        await output.WriteLineAsync(heading + new string('=', Math.Max(4, 100 - heading.Length)));
    }

    public Task ActionAsync(string actor, string text) => output.WriteLineAsync($"> {actor} {text}");

    public Task NoteAsync(string text) => output.WriteLineAsync($"    {text}");

    public Task BlankAsync() => output.WriteLineAsync();

    /// <summary>A read of case data: released fields with their values, withheld categories with reason, rule and article.</summary>
    public async Task ReadAsync(string actor, string? role, string purpose, HubAnswer answer, string? justification)
    {
        var asWhat = role is null ? "" : $" (role {role})";
        var emergency = justification is null ? "" : $", justification \"{justification}\"";
        await ActionAsync(actor + asWhat, $"reads under {purpose}{emergency}");
        if (!answer.Succeeded)
        {
            await RefusedAsync(answer);
            return;
        }

        var body = answer.Body;
        await NoteAsync($"decided by {body.GetProperty("rule").GetString()}, art. {body.GetProperty("article").GetString()}");
        var fields = body.GetProperty("fields").EnumerateObject().ToList();
        if (fields.Count == 0)
        {
            await NoteAsync("saw      no field");
        }

        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Name.Length);
        for (var i = 0; i < fields.Count; i++)
        {
            await NoteAsync($"{(i == 0 ? "saw" : ""),-8} {fields[i].Name.PadRight(width)}  {fields[i].Value.GetString()}");
        }

        if (body.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind == JsonValueKind.Object)
        {
            await EvaluationAsync(evaluation);
        }

        // Categories withheld for the same reason are named together.
        var withheld = body.GetProperty("withheld").EnumerateArray()
            .GroupBy(w => (Reason: w.GetProperty("reason").GetString(), Rule: w.GetProperty("rule").GetString(), Article: w.GetProperty("article").GetString()))
            .Select(g => (Categories: string.Join(", ", g.Select(w => w.GetProperty("category").GetString())), g.Key))
            .ToList();
        var categoryWidth = withheld.Count == 0 ? 0 : withheld.Max(w => w.Categories.Length);
        for (var i = 0; i < withheld.Count; i++)
        {
            var (categories, why) = withheld[i];
            await NoteAsync($"{(i == 0 ? "withheld" : ""),-8} {categories.PadRight(categoryWidth)}  {why.Reason} ({why.Rule}, art. {why.Article})");
        }

        var obligations = body.GetProperty("obligations").EnumerateArray().Select(o => o.GetString()).ToList();
        if (obligations.Count > 0)
        {
            await NoteAsync($"{"duty",-8} {string.Join(", ", obligations)}: the privacy officer reviews this release afterwards");
        }
    }

    /// <summary>What a partner sees of the case without any data: its role and the case's metadata.</summary>
    public async Task SummaryAsync(string actor, HubAnswer answer)
    {
        await ActionAsync(actor, "looks the case up");
        if (!answer.Succeeded)
        {
            await RefusedAsync(answer);
            return;
        }

        var body = answer.Body;
        var steps = body.GetProperty("steps").EnumerateArray()
            .Select(s => $"{s.GetProperty("step").GetString()} {Time(s.GetProperty("enteredAt"))}");
        await NoteAsync($"role {body.GetProperty("yourRole").GetString()}; case {body.GetProperty("pseudonym").GetString()}, step {body.GetProperty("step").GetString()}, " +
            $"status {body.GetProperty("status").GetString()}, opened {Time(body.GetProperty("createdAt"))}");
        await NoteAsync($"steps    {string.Join("; ", steps)}");
    }

    public async Task RefusedAsync(HubAnswer answer)
    {
        var rule = answer.Text("rule");
        var because = rule.Length == 0 ? "" : $" ({rule}, art. {answer.Text("article")})";
        await NoteAsync($"refused  {(int)answer.Status} {DemoClient.Describe(answer.Body)}{because}");
    }

    public async Task FiguresAsync(JsonElement figures)
    {
        var cases = figures.GetProperty("cases");
        await NoteAsync($"cases    open {cases.GetProperty("open").GetString()}, closed {cases.GetProperty("closed").GetString()}");
        foreach (var (name, label) in new[] { ("byExploitationType", "type"), ("byStep", "step"), ("byOutcome", "outcome"), ("byClosureReason", "reason") })
        {
            if (figures.TryGetProperty(name, out var group))
            {
                await NoteAsync($"{label,-8} {string.Join(", ", group.EnumerateObject().Select(c => $"{c.Name} {c.Value.GetString()}"))}");
            }
        }

        await NoteAsync("(every count below 5 shows as <5, so no small group can be traced to a person)");
    }

    private async Task EvaluationAsync(JsonElement evaluation)
    {
        var properties = evaluation.EnumerateObject().ToList();
        var width = properties.Max(p => p.Name.Length);
        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.Array => string.Join("; ", property.Value.EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()} {Time(s.GetProperty("enteredAt"))}")),
                JsonValueKind.String when property.Name.EndsWith("At", StringComparison.Ordinal) => Time(property.Value),
                JsonValueKind.Null => "(none)",
                _ => property.Value.ToString(),
            };
            await NoteAsync($"{(i == 0 ? "record" : ""),-8} {property.Name.PadRight(width)}  {value}");
        }
    }

    /// <summary>An instant to the second; a date (the evaluation record keeps days only) as it is.</summary>
    private static string Time(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is { Length: 10 } day => day,
        JsonValueKind.String when value.TryGetDateTimeOffset(out var at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => "-",
    };
}

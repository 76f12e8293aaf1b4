using System.Text;
using System.Text.Json;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;

namespace Informatiedeling.Cli.Policy;

/// <summary>
/// The JSON-lines protocol of <c>infodeel policy decide</c>: one request per input line, one decision (or error)
/// per output line, in order. A bad line does not stop the run; the exit status is 1 when any line was an error.
/// </summary>
internal static class DecideLines
{
    public static async Task<int> RunAsync(PolicyEngine engine, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var anyError = false;
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var (json, error) = DecideOne(engine, line);
            anyError |= error;
            await output.WriteLineAsync(json);
        }

        await output.FlushAsync(cancellationToken);
        return anyError ? 1 : 0;
    }

    /// <summary>Decides one line; returns the output line and whether it was an error.</summary>
    public static (string Json, bool Error) DecideOne(PolicyEngine engine, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return (Error(default, $"not valid JSON: {e.Message}"), true);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Error(default, "a request must be a JSON object"), true);
            }

            var id = root.TryGetProperty("id", out var idElement) ? idElement : default;
            if (!TryString(root, "purpose", out var purpose) || string.IsNullOrWhiteSpace(purpose))
            {
                return (Error(id, "the request has no purpose: every exchange needs a declared purpose (art. 3.1)"), true);
            }

            if (!TryString(root, "partner", out var partner) || !TryString(root, "role", out var role) || !TryString(root, "step", out var step)
                || !TryString(root, "caseStatus", out var status) || !TryString(root, "justification", out var justification)
                || !TryString(root, "at", out var atText) || !TryString(root, "invitedUntil", out var untilText))
            {
                return (Error(id, "partner, role, step, caseStatus, purpose, at, invitedUntil and justification must be strings or null"), true);
            }

            List<string>? categories = null;
            if (root.TryGetProperty("categories", out var list) && list.ValueKind != JsonValueKind.Null)
            {
                if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    return (Error(id, "categories must be an array of strings"), true);
                }

                categories = [.. list.EnumerateArray().Select(e => e.GetString()!)];
            }

            var at = DateTimeOffset.UtcNow;
            if (atText is not null && !DecisionInput.TryParseInstant(atText, out at))
            {
                return (Error(id, "'at' must be an ISO 8601 date-time such as 2026-11-22T10:00:00Z"), true);
            }

            DateTimeOffset? invitedUntil = null;
            if (untilText is not null)
            {
                if (!DecisionInput.TryParseInstant(untilText, out var until))
                {
                    return (Error(id, "'invitedUntil' must be an ISO 8601 date or date-time"), true);
                }

                invitedUntil = until;
            }

            var decision = DecisionInput.Decide(engine, partner ?? "", role, step, status ?? "", purpose, categories, at, invitedUntil, justification);
            return (Write(engine, id, decision, categories ?? [.. engine.Vocabulary.Categories.Names]), false);
        }
    }

    private static bool TryString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    private static string Write(PolicyEngine engine, JsonElement id, Decision decision, IReadOnlyList<string> categories)
    {
        var v = engine.Vocabulary;
        return Json(json =>
        {
            WriteId(json, id);
            json.WriteStartObject("categories");
            foreach (var name in categories)
            {
                var permitted = v.Categories.TryGetIndex(name, out var index) && decision.IsPermitted(index);
                json.WriteString(name, permitted ? "permit" : "deny");
            }

            json.WriteEndObject();
            json.WriteStartObject("reasons");
            foreach (var name in categories)
            {
                var known = v.Categories.TryGetIndex(name, out var index);
                if (!known || !decision.IsPermitted(index))
                {
                    var why = known ? decision.ExplanationFor(index) : decision.Rule;
                    json.WriteString(name, $"{decision.Describe(why)} ({why.RuleId}, art. {why.Article})");
                }
            }

            json.WriteEndObject();
            json.WriteString("rule", decision.Rule.RuleId);
            json.WriteString("article", decision.Rule.Article);
            json.WriteStartArray("obligations");
            if (decision.Obligations.HasFlag(Obligations.Review))
            {
                json.WriteStringValue("review");
            }

            json.WriteEndArray();
            json.WriteString("decision", decision.Outcome.ToString().ToLowerInvariant());
            json.WriteBoolean("caseHidden", decision.CaseHidden);
            json.WriteString("scope", decision.Scope.Name());
            json.WriteBoolean("scopeReleased", decision.ScopeReleased);
            json.WriteStartObject("rules");
            foreach (var name in categories)
            {
                var why = v.Categories.TryGetIndex(name, out var index) ? decision.ExplanationFor(index) : decision.Rule;
                json.WriteStartObject(name);
                json.WriteString("rule", why.RuleId);
                json.WriteString("article", why.Article);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteString("policyVersion", engine.Set.ContentHash);
        });
    }

    private static string Error(JsonElement id, string message) => Json(json =>
    {
        WriteId(json, id);
        json.WriteString("error", message);
    });

    private static void WriteId(Utf8JsonWriter json, JsonElement id)
    {
        json.WritePropertyName("id");
        if (id.ValueKind is JsonValueKind.Undefined)
        {
            json.WriteNullValue();
        }
        else
        {
            id.WriteTo(json);
        }
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Cases;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// A partner without standing on a case (art. 6.5) cannot tell that the case exists: on every route under
/// <c>/cases/{p}</c>, whatever it sends — well formed or not, a purpose in capitals, an unknown category, field,
/// step, partner or role, a body the framework cannot bind — it gets the very answer a case that does not exist
/// gives, and the access log holds the same for both. Shown for a partner that never held a role and for a shell
/// partner whose invitation ended, on an open and on a closed case.
/// </summary>
public sealed class ExistenceOracleTests
{
    private const string Justification = "Fictief: acute dreiging op het woonadres";

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Without_standing_every_answer_on_every_case_route_is_that_for_a_case_that_does_not_exist(string engine)
    {
        // Whole seconds, so that an invitation end survives PostgreSQL's microseconds; every caller may send all it likes.
        var start = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock, new Dictionary<string, string?>
        {
            ["RateLimiting:Burst"] = "100000",
            ["RateLimiting:PerPeriod"] = "100000",
        });
        await hub.WarmTokensAsync("veilig-thuis", "zvh", "om", "ind", "kmar", "gemeente", "politie");

        var open = await hub.NewCaseAsync();
        await hub.MoveToAsync(open, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{open}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddHours(1) });
        var closed = await hub.NewCaseAsync();
        await hub.MoveToAsync(closed, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{closed}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddHours(1) });
        await hub.MoveToAsync(closed, "uitvoering");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{closed}/closure", new { reason = "afgerond" });
        var hold = await PlaceHoldAsync(hub, open, clock);
        // In melding the core partners but the reporting point and process direction hold no role in the current step.
        // A legal hold concerns the whole file and rests on a role in any step (art. 8.5), which they hold: the hold
        // routes are theirs to be judged on, everything else must not confirm the case.
        var reported = await hub.NewCaseAsync();
        Assert.Equal("C", (await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{open}")).GetProperty("yourRole").GetString());

        clock.Advance(TimeSpan.FromHours(2));
        var requests = Requests(hold, clock.GetUtcNow());
        var before = (await hub.LogAsync()).Max(r => r.Seq);
        var failures = new List<string>();
        string[] outsiders = ["ind", "kmar"];
        foreach (var (existing, partners) in new[] { (open, outsiders), (closed, outsiders), (reported, ["gemeente", "politie"]) })
        {
            foreach (var partner in partners)
            {
                var missing = CasePseudonym.New().Value;
                foreach (var request in existing == reported ? [.. requests.Where(r => !r.Path.StartsWith("/holds", StringComparison.Ordinal))] : requests)
                {
                    var there = await AnswerAsync(hub, partner, existing, request);
                    var none = await AnswerAsync(hub, partner, missing, request);
                    if (there.Status >= 500 || there != none)
                    {
                        failures.Add($"{partner} {request.Method} {request.Path} {request.Body}:\n  existing {there}\n  missing  {none}");
                    }
                }

                var (onExisting, onMissing) = (await LoggedAsync(hub, partner, existing, before), await LoggedAsync(hub, partner, missing, before));
                if (!onExisting.SequenceEqual(onMissing))
                {
                    failures.Add($"{partner}: the access log tells the cases apart:\n  existing {string.Join(" | ", onExisting)}\n  missing  {string.Join(" | ", onMissing)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} answers tell an existing case from a missing one:\n{string.Join("\n", failures)}");

        // For a partner with standing the same reads are judged on what they ask (the writes would change the case).
        var reads = requests.Where(r => r.Method == "GET").ToList();
        var judged = 0;
        foreach (var request in reads)
        {
            var there = await AnswerAsync(hub, "zvh", open, request);
            var none = await AnswerAsync(hub, "zvh", CasePseudonym.New().Value, request);
            judged += there == none ? 0 : 1;
        }

        Assert.True(judged > reads.Count * 3 / 4, $"only {judged} of {reads.Count} reads answer zvh differently on a case it holds a role on");
    }

    /// <summary>Every route under /cases/{p}, each with a valid request and with the malformed ones a client or an attacker might send.</summary>
    private static List<Request> Requests(Guid hold, DateTimeOffset now)
    {
        var future = now.AddDays(30).ToString("O");
        var past = now.AddDays(-1).ToString("O");
        var requests = new List<Request> { new("GET", "") };
        foreach (var query in new[]
        {
            "", "purpose=", "purpose=%20", "categories=statisch",
            "purpose=casusoverleg", "purpose=CASUSOVERLEG", "purpose=Zorgcoordinatie", "purpose=casus%00overleg", "purpose=verkoop",
            "purpose=zorgcoördinatie", "purpose=evaluatie", "purpose=monitoring", "purpose=signalering-en-weging",
            "purpose=strafrechtelijke-handhaving&categories=strafrechtelijk", "purpose=acute-veiligheid",
            "purpose=casusoverleg&categories=STATISCH", "purpose=casusoverleg&categories=geheim", "purpose=casusoverleg&categories=statisch,financieel",
            "purpose=casusoverleg&categories=,,", "purpose=evaluatie&categories=Dynamisch",
            "purpose=casusoverleg&fields=persoon.bestaat-niet", "purpose=casusoverleg&fields=PERSOON.ACHTERNAAM", "purpose=casusoverleg&fields=persoon.achternaam",
            "purpose=casusoverleg&fields=persoon.achternaam&categories=geheim", $"purpose=casusoverleg&fields={new string('x', 300)}",
        })
        {
            requests.Add(new("GET", $"/data?{query}"));
        }

        requests.Add(new("GET", "/data?purpose=acute-veiligheid", Justification: Justification));
        requests.Add(new("GET", "/data?purpose=ACUTE-VEILIGHEID", Justification: Justification));
        requests.Add(new("GET", "/data?purpose=acute-veiligheid&categories=exceptioneel", Justification: Justification));

        foreach (var (method, path, body) in new (string, string, string?)[]
        {
            ("POST", "/weighings", """{"weighing":"tweede-weging","fields":{"tweede-weging.urgentie":"hoog"}}"""),
            ("POST", "/weighings", """{"weighing":"derde-weging","fields":{"tweede-weging.urgentie":"hoog"}}"""),
            ("POST", "/weighings", """{"weighing":"tweede-weging","fields":{"tweede-weging.bestaat-niet":"x"}}"""),
            ("POST", "/weighings", """{"weighing":"tweede-weging","fields":{}}"""),
            ("POST", "/weighings", """{"weighing":5}"""),
            ("POST", "/weighings", "{}"),
            ("POST", "/weighings", "{\"weighing\": "),
            ("POST", "/weighings", "null"),
            ("POST", "/weighings", null),
            ("PUT", "/fields", """{"purpose":"casusoverleg","fields":{"tweede-weging.urgentie":"hoog"}}"""),
            ("PUT", "/fields", """{"purpose":"CASUSOVERLEG","fields":{"tweede-weging.urgentie":"hoog"}}"""),
            ("PUT", "/fields", """{"purpose":"verkoop","fields":{"tweede-weging.urgentie":"hoog"}}"""),
            ("PUT", "/fields", """{"purpose":"casusoverleg","fields":{"persoon.bestaat-niet":"x"}}"""),
            ("PUT", "/fields", """{"fields":{"tweede-weging.urgentie":"hoog"}}"""),
            ("PUT", "/fields", """{"purpose":"casusoverleg"}"""),
            ("PUT", "/fields", "[]"),
            ("POST", "/step", """{"from":"casusoverleg"}"""),
            ("POST", "/step", """{"from":"uitvoering"}"""),
            ("POST", "/step", """{"from":"stap-x"}"""),
            ("POST", "/step", """{"from":"CASUSOVERLEG"}"""),
            ("POST", "/step", "{}"),
            ("POST", "/step", """{"from":5}"""),
            ("PUT", "/rasci/uitvoering", """{"assignments":{"gemeente":"R"}}"""),
            ("PUT", "/rasci/stap-x", """{"assignments":{"gemeente":"R"}}"""),
            ("PUT", "/rasci/UITVOERING", """{"assignments":{"gemeente":"R"}}"""),
            ("PUT", "/rasci/uitvoering", """{"assignments":{"ngo":"R"}}"""),
            ("PUT", "/rasci/uitvoering", """{"assignments":{"gemeente":"Z"}}"""),
            ("PUT", "/rasci/uitvoering", """{"assignments":{"kmar":"C"}}"""),
            ("PUT", "/rasci/uitvoering", """{"assignments":{}}"""),
            ("PUT", "/rasci/uitvoering", "{}"),
            ("POST", "/invitations", $$"""{"partner":"ind","until":"{{future}}"}"""),
            ("POST", "/invitations", $$"""{"partner":"kmar","until":"{{future}}"}"""),
            ("POST", "/invitations", $$"""{"partner":"KMAR","until":"{{future}}"}"""),
            ("POST", "/invitations", $$"""{"partner":"politie","until":"{{future}}"}"""),
            ("POST", "/invitations", $$"""{"partner":"kmar","until":"{{past}}"}"""),
            ("POST", "/invitations", """{"partner":"kmar","until":"volgende week"}"""),
            ("POST", "/invitations", """{"partner":"kmar"}"""),
            ("POST", "/invitations", "{}"),
            ("DELETE", "/invitations/kmar", null),
            ("DELETE", "/invitations/ggd", null),
            ("DELETE", "/invitations/politie", null),
            ("DELETE", "/invitations/onbekend", null),
            ("DELETE", "/invitations/KMAR", null),
            ("POST", "/closure", """{"reason":"afgerond"}"""),
            ("POST", "/closure", """{"reason":"opgelost"}"""),
            ("POST", "/closure", """{"reason":"AFGEROND"}"""),
            ("POST", "/closure", """{"reason":["afgerond"]}"""),
            ("POST", "/closure", "{}"),
            ("POST", "/holds", $$"""{"reason":"Fictief: lopend onderzoek","until":"{{future}}"}"""),
            ("POST", "/holds", $$"""{"reason":"Fictief: lopend onderzoek","until":"{{past}}"}"""),
            ("POST", "/holds", $$"""{"reason":"   ","until":"{{future}}"}"""),
            ("POST", "/holds", $$"""{"reason":"{{new string('x', 3000)}}","until":"{{future}}"}"""),
            ("POST", "/holds", """{"reason":"Fictief: lopend onderzoek","until":"2199-01-01T00:00:00Z"}"""),
            ("POST", "/holds", "{}"),
            ("POST", "/holds", "{\"reason\": "),
            ("DELETE", $"/holds/{hold:D}", null),
            ("DELETE", $"/holds/{Guid.NewGuid():D}", null),
            ("DELETE", "/holds/geen-id", null),
            ("GET", "/bestaat-niet", null),
            ("PATCH", "", "{}"),
        })
        {
            requests.Add(new(method, path, body));
        }

        return requests;
    }

    /// <summary>The answer as the caller sees it: status, media type and body, with the per-request trace id left out and the pseudonym asked for masked.</summary>
    private static async Task<Answer> AnswerAsync(CaseHub hub, string partner, string pseudonym, Request request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), $"/cases/{pseudonym}{request.Path}");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync(partner));
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        }

        if (request.Justification is not null)
        {
            message.Headers.Add(CaseEndpoints.JustificationHeader, request.Justification);
        }

        using var response = await hub.Client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true && text.Length > 0)
        {
            var node = JsonNode.Parse(text)!;
            if (node is JsonObject problem)
            {
                problem.Remove("traceId");
            }

            text = node.ToJsonString();
        }

        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Replace(pseudonym, "{p}", StringComparison.Ordinal));
    }

    /// <summary>
    /// What the access log holds of the partner's requests on one pseudonym after <paramref name="after"/>, in order,
    /// without what differs per record (id, time, trace) and what only the privacy officer reads: the rule that
    /// refused (an ended invitation is named as such) and the role the partner held.
    /// </summary>
    private static async Task<List<string>> LoggedAsync(CaseHub hub, string partner, string pseudonym, long after) =>
        [.. (await hub.LogAsync(r => r.Case?.Value == pseudonym && r.ActorPartner?.Value == partner))
            .Where(r => r.Seq > after)
            .Select(r => r.Record)
            .Select(r => string.Join(' ',
                r.Operation, r.Decision, r.Purpose?.Value, string.Join(',', r.CategoriesRequested), string.Join(',', r.CategoriesReleased),
                string.Join(',', r.FieldsReleased), r.Emergency, r.Justification is null, r.Subject, r.Sensitivity))];

    private static async Task<Guid> PlaceHoldAsync(CaseHub hub, string pseudonym, FakeTimeProvider clock)
    {
        using var response = await hub.SendAsync("om", HttpMethod.Post, $"/cases/{pseudonym}/holds",
            new { reason = "Fictief: lopend onderzoek", until = clock.GetUtcNow().AddDays(60) });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private sealed record Request(string Method, string Path, string? Body = null, string? Justification = null);

    private sealed record Answer(int Status, string? MediaType, string Body);
}

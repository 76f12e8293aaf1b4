using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>The walk's classes share one hub, one identity provider and one set of cases: run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ConvenantWalkCollection : ICollectionFixture<ConvenantWalk>
{
    public const string Name = "convenant walk";
}

/// <summary>
/// One hub on PostgreSQL that trusts a real OpenID Connect provider (oidc-provider) with a client for every
/// reference partner, on a clock the walk moves; and a set of fictional cases taken in by the reporting point
/// and moved through the steps with the lifecycle endpoints, each left in the step whose rules it shows: one in
/// every step of an open case, one closed. What was written to each case is kept, so reads are checked against
/// the real values.
/// </summary>
public sealed class ConvenantWalk : IAsyncLifetime
{
    /// <summary>A partner the convenant does not know, that a (misconfigured) provider asserts anyway.</summary>
    public const string UnknownPartner = "reclassering";

    public const string NonexistentCase = "cs-0123456789abcdefghjkmnpqrs";

    public static readonly string[] CorePartners = ["politie", "om", "veilig-thuis", "zorgcoordinatie", "zvh", "gemeente"];

    public static readonly string[] ShellPartners = ["arbeidsinspectie", "kmar", "riec", "ggd", "coa", "ind", "jeugdbescherming"];

    public static readonly string[] InvestigativeServices = ["politie", "om", "arbeidsinspectie", "kmar"];

    public static readonly string[] AllPartners = [.. CorePartners, .. ShellPartners];

    public static readonly string[] Steps = ["melding", "eerste-weging", "casusoverleg", "uitvoering", "nazorg"];

    public static readonly string[] Categories = ["statisch", "dynamisch", "exceptioneel", "strafrechtelijk", "melder-identiteit"];

    /// <summary>The category of every field the walk writes (policies/fields.yaml).</summary>
    public static readonly IReadOnlyDictionary<string, string> CategoryOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["persoon.achternaam"] = "statisch",
        ["persoon.woonplaats"] = "statisch",
        ["persoon.telefoon"] = "statisch",
        ["melding.inhoud"] = "dynamisch",
        ["melding.uitbuitingsvorm"] = "dynamisch",
        ["melding.melder-naam"] = "melder-identiteit",
        ["eerste-weging.dreiging"] = "exceptioneel",
        ["eerste-weging.veiligheid"] = "dynamisch",
        ["eerste-weging.kwalificatie"] = "dynamisch",
        ["tweede-weging.uitkomst"] = "dynamisch",
        ["tweede-weging.cognitief-niveau"] = "exceptioneel",
        ["voortgang.strafrechtelijk-onderzoek"] = "strafrechtelijk",
        ["voortgang.strafrechtelijk-onderzoek-status"] = "strafrechtelijk",
        ["voortgang.interventie"] = "dynamisch",
        ["voortgang.nazorg"] = "dynamisch",
    };

    private static readonly LogReader Auditor = new("fg-walk", null, "functionaris-gegevensbescherming", null);
    private readonly Dictionary<string, OidcTestUser> _users = [];
    private readonly Dictionary<string, string> _tokens = [];
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private HubFactory _hub = null!;
    private HttpClient _client = null!;
    private int _people;

    /// <summary>The hub's clock; it moves only when the walk moves it (a minute per finished step, past invitation ends).</summary>
    public FakeTimeProvider Clock { get; private set; } = null!;

    public OidcProviderServer Provider { get; private set; } = null!;

    public IServiceProvider Services => _hub.Services;

    /// <summary>A far invitation end for the shell partners of the walk's cases.</summary>
    public DateTimeOffset LongInvitation { get; private set; }

    public WalkCase Melding { get; private set; } = null!;

    public WalkCase EersteWeging { get; private set; } = null!;

    /// <summary>In casusoverleg, kmar invited.</summary>
    public WalkCase Casusoverleg { get; private set; } = null!;

    /// <summary>In uitvoering, arbeidsinspectie and ggd invited; strafrechtelijk and care progress written.</summary>
    public WalkCase Uitvoering { get; private set; } = null!;

    /// <summary>In nazorg; ggd was invited during uitvoering (nazorg has no role for shell partners).</summary>
    public WalkCase Nazorg { get; private set; } = null!;

    /// <summary>Closed by zvh in uitvoering with reason afgerond.</summary>
    public WalkCase Closed { get; private set; } = null!;

    /// <summary>In casusoverleg, for the shell partners' invitation tests (the clock moves past its invitations).</summary>
    public WalkCase Invitations { get; private set; } = null!;

    /// <summary>In eerste-weging, for process direction adjusting the RASCI.</summary>
    public WalkCase Adjusted { get; private set; } = null!;

    /// <summary>Every case the walk opened, for the aggregated figures.</summary>
    public List<WalkCase> All { get; } = [];

    /// <summary>The walk's case left in a step ("closed" for the closed one).</summary>
    public WalkCase Case(string name) => name switch
    {
        "melding" => Melding,
        "eerste-weging" => EersteWeging,
        "casusoverleg" => Casusoverleg,
        "uitvoering" => Uitvoering,
        "nazorg" => Nazorg,
        "closed" => Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such walk case"),
    };

    public async Task InitializeAsync()
    {
        foreach (var partner in AllPartners.Append(UnknownPartner))
        {
            _users[partner] = new OidcTestUser($"{partner}-medewerker", partner);
        }

        Provider = await OidcProviderServer.StartAsync([.. _users.Values], accessTokenTtl: 3600);
        foreach (var partner in _users.Keys)
        {
            _tokens[partner] = await Provider.TokenAsync(_users[partner]);
        }

        // Started after the tokens were issued, so that however the clock is moved they stay within their lifetime;
        // on a whole second, so that an invitation end the walk reaches exactly survives the database's microseconds.
        var now = DateTimeOffset.UtcNow;
        Clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:Issuers:0:Name"] = "ketenpartners",
            ["Authentication:Issuers:0:Issuer"] = Provider.Issuer,
            ["Authentication:Issuers:0:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:0:RequireHttpsMetadata"] = "false",
            ["RateLimiting:Burst"] = "10000",
            ["RateLimiting:PerPeriod"] = "10000",
            ["RateLimiting:PerAddressBurst"] = "10000",
            ["RateLimiting:PerAddressPerPeriod"] = "10000",
        };
        var i = 0;
        foreach (var partner in _users.Keys)
        {
            settings[$"Authentication:Issuers:0:Partners:{i++}"] = partner;
        }

        _hub = await HubFactory.OnPostgresAsync(extra: settings, clock: Clock);
        _client = _hub.CreateDefaultClient(new HttpTranscript());
        LongInvitation = Clock.GetUtcNow().AddDays(365);

        Melding = await OpenAsync("arbeid");

        EersteWeging = await OpenAsync("arbeid");
        await AdvanceAsync(EersteWeging, "eerste-weging");

        Casusoverleg = await OpenAsync("arbeid");
        await AdvanceAsync(Casusoverleg, "casusoverleg");
        await InviteAsync(Casusoverleg, "kmar", LongInvitation);

        Uitvoering = await OpenAsync("arbeid");
        await AdvanceAsync(Uitvoering, "uitvoering");
        await InviteAsync(Uitvoering, "arbeidsinspectie", LongInvitation);
        await InviteAsync(Uitvoering, "ggd", LongInvitation);

        Nazorg = await OpenAsync("seksueel");
        await AdvanceAsync(Nazorg, "uitvoering");
        await InviteAsync(Nazorg, "ggd", LongInvitation);
        await AdvanceAsync(Nazorg, "nazorg");

        Closed = await OpenAsync("arbeid");
        await AdvanceAsync(Closed, "uitvoering");
        await CloseAsync(Closed, "afgerond");

        Invitations = await OpenAsync("arbeid");
        await AdvanceAsync(Invitations, "casusoverleg");

        Adjusted = await OpenAsync("crimineel");
        await AdvanceAsync(Adjusted, "eerste-weging");

        // More reports of the same kind, so that the figures show one count at or above the threshold.
        for (var n = 0; n < 2; n++)
        {
            await OpenAsync("arbeid");
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _hub.DisposeAsync();
        await Provider.DisposeAsync();
        _tokenGate.Dispose();
    }

    // ---- the walk's own moves -------------------------------------------------------------------------------------

    /// <summary>The reporting point takes in a fictional report: a new client file in melding.</summary>
    public async Task<WalkCase> OpenAsync(string exploitation)
    {
        var n = Interlocked.Increment(ref _people);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["persoon.achternaam"] = $"Proefpersoon-{n}",
            ["persoon.woonplaats"] = "Voorbeeldstad",
            ["melding.inhoud"] = $"Fictief signaal {n}: werkt zeven dagen per week zonder loon",
            ["melding.uitbuitingsvorm"] = exploitation,
            ["melding.melder-naam"] = $"Fictieve Melder {n}",
            ["eerste-weging.dreiging"] = $"Fictief: werkgever dreigt met ontslag van familielid {n}",
        };
        using var response = await SendAsync("veilig-thuis", HttpMethod.Post, "/cases",
            new { person = new { fullName = $"Walk Proefpersoon {n}", dateOfBirth = new DateOnly(1990, 1, 1).AddDays(n) }, fields });
        var body = await OkAsync(response, HttpStatusCode.Created);
        var walked = new WalkCase(body.GetProperty("pseudonym").GetString()!, exploitation, fields);
        All.Add(walked);
        return walked;
    }

    /// <summary>Moves a case forward to <paramref name="target"/>: its A finishes each step, and in each step entered its R does that step's work.</summary>
    public async Task AdvanceAsync(WalkCase walked, string target)
    {
        while (walked.Step != target)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            var finisher = walked.Step == "melding" ? "veilig-thuis" : "zvh";
            using (var response = await SendAsync(finisher, HttpMethod.Post, $"/cases/{walked.Pseudonym}/step", new { from = walked.Step }))
            {
                var summary = await OkAsync(response);
                var next = Steps[Array.IndexOf(Steps, walked.Step) + 1];
                Assert.Equal(next, summary.GetProperty("step").GetString());
                walked.Step = next;
            }

            switch (walked.Step)
            {
                case "eerste-weging":
                    await WeighAsync(walked, "veilig-thuis", "eerste-weging", new()
                    {
                        ["eerste-weging.veiligheid"] = "onveilig",
                        ["eerste-weging.kwalificatie"] = "mensenhandel",
                    });
                    break;
                case "casusoverleg":
                    await WeighAsync(walked, "veilig-thuis", "tweede-weging", new()
                    {
                        ["tweede-weging.uitkomst"] = "mensenhandel-en-zorg",
                        ["tweede-weging.cognitief-niveau"] = "vermoeden-lvb",
                    });
                    break;
                case "uitvoering":
                    await WriteAsync(walked, "politie", "strafrechtelijke-handhaving", new()
                    {
                        ["voortgang.strafrechtelijk-onderzoek"] = "true",
                        ["voortgang.strafrechtelijk-onderzoek-status"] = "opsporing",
                    });
                    await WriteAsync(walked, "zorgcoordinatie", "zorgcoordinatie", new()
                    {
                        ["voortgang.interventie"] = "Fictief: opvang in een beschermde woonvorm geregeld",
                    });
                    break;
                case "nazorg":
                    await WriteAsync(walked, "zorgcoordinatie", "zorgcoordinatie", new() { ["voortgang.nazorg"] = "Fictief: overgedragen aan de wijkverpleging" });
                    break;
                default:
                    break;
            }
        }
    }

    public async Task WeighAsync(WalkCase walked, string partner, string weighing, Dictionary<string, string> fields)
    {
        using var response = await SendAsync(partner, HttpMethod.Post, $"/cases/{walked.Pseudonym}/weighings", new { weighing, fields });
        var result = await OkAsync(response);
        Assert.Equal(fields.Keys.Order(StringComparer.Ordinal), result.GetProperty("fieldsWritten").EnumerateArray().Select(f => f.GetString()!).Order(StringComparer.Ordinal));
        foreach (var (field, value) in fields)
        {
            walked.Values[field] = value;
        }
    }

    public async Task WriteAsync(WalkCase walked, string partner, string purpose, Dictionary<string, string> fields)
    {
        using var response = await SendAsync(partner, HttpMethod.Put, $"/cases/{walked.Pseudonym}/fields", new { purpose, fields = Typed(fields) });
        var result = await OkAsync(response);
        Assert.Equal(fields.Keys.Order(StringComparer.Ordinal), result.GetProperty("fieldsWritten").EnumerateArray().Select(f => f.GetString()!).Order(StringComparer.Ordinal));
        foreach (var (field, value) in fields)
        {
            walked.Values[field] = value;
        }
    }

    /// <summary>The values as the hub takes them: the one yes/no field the walk writes as a JSON boolean, the rest as strings.</summary>
    private static Dictionary<string, object> Typed(Dictionary<string, string> fields) =>
        fields.ToDictionary(f => f.Key, f => f.Key == "voortgang.strafrechtelijk-onderzoek" ? bool.Parse(f.Value) : (object)f.Value, StringComparer.Ordinal);

    public async Task InviteAsync(WalkCase walked, string partner, DateTimeOffset until)
    {
        using var response = await SendAsync("zvh", HttpMethod.Post, $"/cases/{walked.Pseudonym}/invitations", new { partner, until });
        await OkAsync(response);
        walked.Invited.Add(partner);
    }

    public async Task CloseAsync(WalkCase walked, string reason)
    {
        using var response = await SendAsync("zvh", HttpMethod.Post, $"/cases/{walked.Pseudonym}/closure", new { reason });
        var summary = await OkAsync(response);
        Assert.Equal("closed", summary.GetProperty("status").GetString());
        walked.ClosedFrom = walked.Step;
        walked.ClosureReason = reason;
    }

    // ---- HTTP as a partner --------------------------------------------------------------------------------------

    public async Task<string> TokenAsync(string partner)
    {
        await _tokenGate.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(partner, out var token))
            {
                token = await Provider.TokenAsync(_users[partner]);
                _tokens[partner] = token;
            }

            return token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    public async Task<HttpResponseMessage> SendAsync(string partner, HttpMethod method, string path, object? body = null, string? justification = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (justification is not null)
        {
            request.Headers.Add(CaseEndpoints.JustificationHeader, justification);
        }

        return await _client.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request) => _client.SendAsync(request);

    public Task<HttpResponseMessage> SummaryAsync(string partner, string pseudonym) =>
        SendAsync(partner, HttpMethod.Get, $"/cases/{Uri.EscapeDataString(pseudonym)}");

    public async Task<WalkRead> ReadAsync(string partner, string pseudonym, string? purpose, string? categories = null, string? justification = null, string? fields = null)
    {
        var query = new List<string>();
        if (purpose is not null)
        {
            query.Add($"purpose={Uri.EscapeDataString(purpose)}");
        }

        if (categories is not null)
        {
            query.Add($"categories={Uri.EscapeDataString(categories)}");
        }

        if (fields is not null)
        {
            query.Add($"fields={Uri.EscapeDataString(fields)}");
        }

        return await ReadQueryAsync(partner, pseudonym, string.Join('&', query), justification);
    }

    /// <summary>A data read with the query string exactly as given.</summary>
    public async Task<WalkRead> ReadQueryAsync(string partner, string pseudonym, string query, string? justification = null)
    {
        using var response = await SendAsync(partner, HttpMethod.Get, $"/cases/{Uri.EscapeDataString(pseudonym)}/data?{query}", justification: justification);
        return await WalkRead.FromAsync(response);
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A problem's members apart from the per-request trace id: what a caller can compare between two answers.</summary>
    public static string ProblemShape(JsonElement problem)
    {
        var node = JsonNode.Parse(problem.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }

    /// <summary>Asserts that an answer is exactly what a case that does not exist gives the same partner.</summary>
    public async Task AssertLikeNoCaseAsync(WalkRead answer, string partner, string purpose)
    {
        var none = await ReadAsync(partner, NonexistentCase, purpose);
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal(HttpStatusCode.NotFound, none.Status);
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal("Case not found", answer.Body.GetProperty("title").GetString());
        Assert.Equal(ProblemShape(none.Body), ProblemShape(answer.Body));
    }

    public async Task AssertSummaryLikeNoCaseAsync(string partner, string pseudonym)
    {
        using var answer = await SummaryAsync(partner, pseudonym);
        using var none = await SummaryAsync(partner, NonexistentCase);
        var a = await OkAsync(answer, HttpStatusCode.NotFound);
        var b = await OkAsync(none, HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Case not found", a.GetProperty("title").GetString());
        Assert.Equal(ProblemShape(b), ProblemShape(a));
    }

    public async Task<List<AccessRecord>> LogAsync(Func<AccessRecord, bool> predicate)
    {
        var log = Services.GetRequiredService<IAccessLog>();
        var records = await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.AccessDecision, Limit = 100_000 }, Auditor, CancellationToken.None);
        return [.. records.Select(r => r.Record).Where(predicate)];
    }
}

/// <summary>A case of the walk: its pseudonym, the step it is in, and every field value written to it.</summary>
public sealed class WalkCase(string pseudonym, string exploitation, Dictionary<string, string> values)
{
    public string Pseudonym { get; } = pseudonym;

    public string Exploitation { get; } = exploitation;

    public string Step { get; set; } = "melding";

    public string? ClosedFrom { get; set; }

    public string? ClosureReason { get; set; }

    public bool IsClosed => ClosedFrom is not null;

    public Dictionary<string, string> Values { get; } = values;

    /// <summary>The shell partners zvh invited on the case (with an end date far ahead).</summary>
    public HashSet<string> Invited { get; } = new(StringComparer.Ordinal);

    /// <summary>The values written to the case in the given categories.</summary>
    public Dictionary<string, string> ValuesIn(IEnumerable<string> categories)
    {
        var wanted = categories.ToHashSet(StringComparer.Ordinal);
        return Values.Where(v => wanted.Contains(ConvenantWalk.CategoryOf[v.Key])).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
    }

    public override string ToString() => $"{Step}{(IsClosed ? " (closed)" : "")}";
}

/// <summary>The answer to a data read: status, body, and the released fields and withheld categories read from it.</summary>
public sealed record WalkRead(HttpStatusCode Status, string? MediaType, JsonElement Body)
{
    public static async Task<WalkRead> FromAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new WalkRead(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Dictionary<string, string> Fields => Body.GetProperty("fields").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    public Dictionary<string, WithheldCategory> Withheld => Body.GetProperty("withheld").EnumerateArray().ToDictionary(
        w => w.GetProperty("category").GetString()!,
        w => new WithheldCategory(w.GetProperty("category").GetString()!, w.GetProperty("reason").GetString()!, w.GetProperty("rule").GetString()!, w.GetProperty("article").GetString()!) { ReasonDutch = w.GetProperty("reasonDutch").GetString()! },
        StringComparer.Ordinal);

    public IReadOnlyList<string> Obligations => [.. Body.GetProperty("obligations").EnumerateArray().Select(o => o.GetString()!)];

    public void AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Body}");
    }

    public override string ToString() => $"{(int)Status} {Body}";
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Informatiedeling.Cli.Policy.Hub;

/// <summary>A stored policy version as the hub gives it (<c>GET /policy/versions/{hash}</c>): its files, the convenant included, and its tests.</summary>
internal sealed record HubVersion(string ContentHash, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> Tests);

/// <summary>What the hub answered a proposal: created (its detail), or refused with every problem at its file, line and column.</summary>
internal sealed record ProposalAnswer(JsonElement? Created, string? Title, IReadOnlyList<string> Problems);

/// <summary>The hub could not be asked, or refused in a way the command cannot go on from; the message is one line for the operator.</summary>
internal sealed class HubRefusedException(string message) : Exception(message);

/// <summary>
/// The policy routes of a hub (<c>/policy/...</c>) with a functional administrator's bearer token. Every failure
/// becomes one line that says what to do; the token itself is never part of a message.
/// </summary>
internal sealed class HubPolicyClient(Uri hub, string token) : IDisposable
{
    /// <summary>The function claim of the functional administrator (functioneel beheerder), who proposes changes of the sharing rules.</summary>
    public const string FunctionalAdministrator = "functioneel-beheerder";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http = new() { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(60) };

    public Uri Hub => http.BaseAddress!;

    public async Task<HubVersion> VersionAsync(string hash, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"policy/versions/{Uri.EscapeDataString(hash)}", null, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            throw new HubRefusedException($"the hub at {Hub} has no policy version '{hash}' (404): give a content hash from GET /policy/versions, or leave --version out for the version in force");
        }

        Expect(status, body, HttpStatusCode.OK);
        try
        {
            return new HubVersion(
                body.GetProperty("contentHash").GetString()!,
                body.GetProperty("files").Deserialize<Dictionary<string, string>>(Json)!,
                body.TryGetProperty("tests", out var tests) && tests.ValueKind == JsonValueKind.Object ? tests.Deserialize<Dictionary<string, string>>(Json)! : []);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or JsonException or NullReferenceException)
        {
            throw new HubRefusedException($"the hub at {Hub} answered GET /policy/versions/{hash} with something that is not a policy version");
        }
    }

    public async Task<ProposalAnswer> ProposeAsync(object request, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "policy/proposals", request, cancellationToken);
        if (status == HttpStatusCode.BadRequest)
        {
            var problems = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("problems", out var list) && list.ValueKind == JsonValueKind.Array
                ? [.. list.EnumerateArray().Select(p => OneLine(p.ToString()))]
                : new List<string>();
            return new ProposalAnswer(null, Describe(body), problems);
        }

        Expect(status, body, HttpStatusCode.Created);
        return new ProposalAnswer(body, null, []);
    }

    public void Dispose() => http.Dispose();

    private void Expect(HttpStatusCode status, JsonElement body, HttpStatusCode expected)
    {
        if (status == expected)
        {
            return;
        }

        var said = Describe(body) is { Length: > 0 } text ? $": {text}" : "";
        throw new HubRefusedException((int)status switch
        {
            401 => $"the hub at {Hub} did not accept the token (401): it is missing, expired or not from an issuer the hub trusts; get a new one",
            403 => $"the hub at {Hub} refused (403): the token is not a functional administrator's (function '{FunctionalAdministrator}'){said}",
            503 => $"the hub at {Hub} is not available now (503){said}; try again later",
            >= 500 => $"the hub at {Hub} failed ({(int)status}){said}; try again later, or ask its operator to look at the hub's log",
            _ => $"the hub at {Hub} answered {(int)status}{said}",
        });
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            // Serialized at once, so that the request has a length: some proxies in front of a hub refuse chunked bodies.
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), System.Text.Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new HubRefusedException($"cannot reach the hub at {Hub}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HubRefusedException($"the hub at {Hub} did not answer within {http.Timeout.TotalSeconds:0} seconds");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length == 0)
            {
                return (response.StatusCode, default);
            }

            try
            {
                return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
            }
            catch (JsonException)
            {
                // A proxy's error page, or not a hub at all: the status still says what happened.
                return (response.StatusCode, default);
            }
        }
    }

    private static string Describe(JsonElement problem)
    {
        if (problem.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var title = problem.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return OneLine(string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s))));
    }

    /// <summary>Text from the hub as one line on the operator's terminal: no control characters, no escape sequences.</summary>
    public static string OneLine(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        }
    });
}

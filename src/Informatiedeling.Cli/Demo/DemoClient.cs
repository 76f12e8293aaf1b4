using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Informatiedeling.Cli.Demo;

/// <summary>What the hub answered: the status and the JSON body (a problem document when it refused).</summary>
internal sealed record HubAnswer(HttpStatusCode Status, JsonElement Body)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;

    public string Text(string property) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}

/// <summary>The hub told the demo something it cannot go on from (unreachable, not in Development, an unexpected refusal).</summary>
internal sealed class DemoStoppedException(string message) : Exception(message);

/// <summary>
/// Talks to a hub in Development as one partner at a time, with tokens from its development issuer
/// (<c>POST /dev/token</c>), so the demo needs no identity provider.
/// </summary>
internal sealed class DemoClient(HttpClient http) : IDisposable
{
    public const string JustificationHeader = "Informatiedeling-Justification";
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public Uri Hub => http.BaseAddress!;

    public async Task<string> TokenAsync(string partner, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(partner, out var cached))
        {
            return cached;
        }

        using var response = await SendCoreAsync(new HttpRequestMessage(HttpMethod.Post, "dev/token")
        {
            Content = JsonContent.Create(new { partner, user = $"demo-{partner}" }),
        }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DemoStoppedException(
                $"the hub at {Hub} has no development issuer (POST /dev/token answered 404): the demo runs against a hub in the Development environment only");
        }

        var body = await ReadAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode || !body.TryGetProperty("accessToken", out var token))
        {
            throw new DemoStoppedException($"the hub refused a development token for '{partner}': {(int)response.StatusCode} {Describe(body)}");
        }

        _tokens[partner] = token.GetString()!;
        return _tokens[partner];
    }

    public async Task<HubAnswer> SendAsync(string partner, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? justification = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner, cancellationToken));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (justification is not null)
        {
            request.Headers.Add(JustificationHeader, justification);
        }

        using var response = await SendCoreAsync(request, cancellationToken);
        return new HubAnswer(response.StatusCode, await ReadAsync(response, cancellationToken));
    }

    /// <summary>Sends and expects success; a refusal stops the demo with the hub's own words.</summary>
    public async Task<JsonElement> ExpectAsync(string partner, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? justification = null)
    {
        var answer = await SendAsync(partner, method, path, body, cancellationToken, justification);
        return answer.Succeeded
            ? answer.Body
            : throw new DemoStoppedException($"{partner}: {method} {path} was answered {(int)answer.Status}: {Describe(answer.Body)}");
    }

    public void Dispose() => http.Dispose();

    public static string Describe(JsonElement problem)
    {
        if (problem.ValueKind != JsonValueKind.Object)
        {
            return "(no body)";
        }

        var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s)));
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new DemoStoppedException($"cannot reach the hub at {Hub}: {e.Message}");
            }
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length == 0)
        {
            return default;
        }

        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new DemoStoppedException($"the hub at {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} with something that is not JSON");
        }
    }
}

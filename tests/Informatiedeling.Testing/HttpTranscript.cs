using System.Text;
using System.Text.RegularExpressions;

namespace Informatiedeling.Testing;

/// <summary>
/// When <c>INFODEEL_HTTP_TRANSCRIPT</c> names a file, every request a client sends through this handler and the answer
/// it gets are appended to that file, with case pseudonyms numbered in order of appearance and instants, ids, trace ids and
/// loopback ports masked, so that the transcripts of two builds running the same tests can be compared line by line (a
/// change that must not change behaviour shows no difference). Without the variable it passes requests through.
/// </summary>
public sealed partial class HttpTranscript : DelegatingHandler
{
    private static readonly string? Target = Environment.GetEnvironmentVariable("INFODEEL_HTTP_TRANSCRIPT");
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, int> Pseudonyms = new(StringComparer.Ordinal);

    public static bool Enabled => !string.IsNullOrEmpty(Target);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!Enabled)
        {
            return response;
        }

        var sent = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var entry = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.RequestUri?.PathAndQuery).Append(' ').AppendLine(sent)
            .Append((int)response.StatusCode).Append(' ').Append(response.Content.Headers.ContentType)
            .Append(' ').AppendLine(response.Headers.Location?.ToString())
            .AppendLine(body)
            .ToString();
        lock (Gate)
        {
            File.AppendAllText(Target!, Mask(entry) + "\n");
        }

        return response;
    }

    private static string Mask(string text)
    {
        text = TraceId().Replace(text, "\"traceId\":\"…\"");
        text = Instant().Replace(text, "<instant>");
        text = LoopbackPort().Replace(text, "127.0.0.1:<port>");
        text = Guid().Replace(text, "<id>");
        return Pseudonym().Replace(text, m =>
        {
            if (!Pseudonyms.TryGetValue(m.Value, out var n))
            {
                Pseudonyms[m.Value] = n = Pseudonyms.Count + 1;
            }

            return $"cs-#{n}";
        });
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")]
    private static partial Regex Instant();

    [GeneratedRegex("[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex LoopbackPort();

    [GeneratedRegex("cs-[0-9a-z]{26}")]
    private static partial Regex Pseudonym();
}

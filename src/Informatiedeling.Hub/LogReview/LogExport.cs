using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// The export of a log search for an external auditor (<c>GET /access-log/export</c>): the records the same search of
/// <c>GET /access-log/records</c> finds, in the same scope, newest first, as JSON Lines or CSV with the NEN 7513
/// field names (<see cref="ExportColumns"/>), and the signed checkpoint they are all in. The export is recorded as a
/// log read naming its parameters before a row is read; then a checkpoint is issued (or the latest taken) that covers
/// the log as it stands, and only records below its size are exported, so the file is one state of the log that the
/// auditor can hold the hub to. Streamed page by page, never the whole export in memory; at most
/// <see cref="LogReviewOptions.ExportMaxRows"/> records (or the 'limit' asked), then a marker says it was cut off.
/// </summary>
internal sealed class LogExport(Gate gate, LogSearch search, CheckpointIssuer issuer, LogIntegrity integrity, AccessLogStore store, IOptions<LogReviewOptions> options)
{
    public static readonly AccessRoute Export = new("access-log.export", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public const int PageSize = 500;

    public async Task<Results<ExportFile, BadRequestProblem, ForbiddenProblem, ConflictProblem>> ExportAsync(
        ClaimsPrincipal user, string? format, LogSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Export, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var kind = format?.Trim() switch
        {
            "jsonl" or null or "" => ExportFormat.JsonLines,
            "csv" => ExportFormat.Csv,
            _ => (ExportFormat?)null,
        };
        if (kind is null)
        {
            return await gate.InvalidAsync(access, "The export of the access log is not valid", ["'format' must be jsonl or csv"], cancellationToken);
        }

        var cap = options.Value.ExportMaxRows;
        var operation = kind == ExportFormat.Csv ? "export;format=csv" : "export;format=jsonl";
        var (criteria, invalid, outside) = await search.CriteriaAsync(access, request, operation, cap, cap, cancellationToken);
        if (criteria is null)
        {
            return invalid is not null ? invalid : outside!;
        }

        // No record, no read; and the checkpoint taken after it covers the log as it stands, this read included.
        await search.RecordReadAsync(access, criteria, cancellationToken);
        StoredCheckpoint checkpoint;
        try
        {
            (checkpoint, _) = await issuer.IssueAsync(cancellationToken);
        }
        catch (CheckpointRefusedException e)
        {
            return await gate.ConflictAsync(access, "The log does not extend its last checkpoint",
                $"The hub refuses to sign its current state ({e.Break.Message}), so there is no checkpoint to export against; verify the log.",
                cancellationToken, subject: criteria.Subject + ";refused");
        }

        var below = Math.Min(criteria.Query.BeforeSeq ?? checkpoint.Size, checkpoint.Size);
        return new ExportFile(kind.Value, criteria.Query with { BeforeSeq = below }, criteria.Query.Limit, cap, integrity.Signed(checkpoint), store, access.Officer!);
    }
}

internal enum ExportFormat
{
    JsonLines,
    Csv,
}

/// <summary>
/// The columns of an export, named as NEN 7513:2018 (§ logging) names what a log entry holds, in Dutch, with the
/// Logius Logboek Dataverwerkingen attribute each corresponds to where there is one (in the docs): one list for both
/// formats, so a CSV header and a JSON line carry the same names in the same order.
/// </summary>
internal static class ExportColumns
{
    public static readonly (string Name, Func<LogRecordRow, object?> Value)[] All =
    [
        ("volgnummer", r => r.Seq),
        ("tijdstip", r => r.OccurredAt),
        ("vastgelegd", r => r.RecordedAt),
        ("gebeurtenis", r => r.Kind),
        ("actie", r => r.Operation),
        ("gebruiker", r => r.User),
        ("organisatie", r => r.Partner),
        ("rol", r => r.Role),
        ("client_pseudoniem", r => r.Case),
        ("doel", r => r.Purpose),
        ("grondslag", r => r.LegalGround),
        ("gegevens_gevraagd", r => r.CategoriesRequested),
        ("gegevens_verstrekt", r => r.CategoriesReleased),
        ("gegevens_geweigerd", r => r.CategoriesWithheld),
        ("velden_verstrekt", r => r.FieldsReleased),
        ("besluit", r => r.Decision),
        ("regel", r => r.Rule),
        ("artikel", r => r.Article),
        ("beleidsversie", r => r.PolicyVersion),
        ("verplichtingen", r => r.Obligations),
        ("noodprocedure", r => r.Emergency),
        ("rechtvaardiging_verzegeld", r => r.JustificationSealed),
        ("onderwerp", r => r.Subject),
        ("trace_id", r => r.TraceId),
    ];

    /// <summary>A value as one CSV field: lists joined by ';', instants in UTC ISO 8601, booleans true/false.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTimeOffset at => Instant(at),
        IReadOnlyList<string> list => string.Join(';', list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// One CSV field, always quoted (RFC 4180, quotes doubled), and safe to open in a spreadsheet: a field that begins
    /// with = + - @, a tab or a carriage return would be read as a formula (CWE-1236), so it gets a leading apostrophe.
    /// </summary>
    public static string CsvCell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static void Json(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case string s:
                writer.WriteString(name, s);
                break;
            case long n:
                writer.WriteNumber(name, n);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case DateTimeOffset at:
                writer.WriteString(name, Instant(at));
                break;
            case IReadOnlyList<string> list:
                writer.WriteStartArray(name);
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteString(name, Text(value));
                break;
        }
    }
}

/// <summary>
/// The export written to the response as it is read: the checkpoint in headers (<c>X-Checkpoint-Size</c>,
/// <c>-Root</c> hex, <c>-Note</c> base64 of the signed note, <c>-Verifier-Key</c>), and in JSON Lines also as the first
/// line, then the records page by page (seq descending, all below the checkpoint's size), then in JSON Lines an end
/// line with the count and whether it was cut off; a CSV that was cut off ends with a row whose volgnummer is
/// <c>afgekapt</c>. The file name holds the checkpoint size and the time only.
/// </summary>
internal sealed class ExportFile(ExportFormat format, AccessLogQuery query, int limit, int cap, SignedCheckpoint checkpoint, AccessLogStore store, OfficerScope scope)
    : IResult, IEndpointMetadataProvider
{
    public const string CutOff = "afgekapt";

    public SignedCheckpoint Checkpoint => checkpoint;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["application/x-ndjson", "text/csv"]));
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var csv = format == ExportFormat.Csv;
        var stamp = checkpoint.At?.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) ?? "zonder-tijd";
        var name = string.Create(CultureInfo.InvariantCulture, $"toegangslog-{checkpoint.Size}-{stamp}.{(csv ? "csv" : "jsonl")}");
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Checkpoint-Size"] = checkpoint.Size.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Checkpoint-Root"] = checkpoint.Root;
        response.Headers["X-Checkpoint-Note"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(checkpoint.Note));
        response.Headers["X-Checkpoint-Verifier-Key"] = checkpoint.VerifierKey;
        response.Headers["X-Export-Limit"] = limit.ToString(CultureInfo.InvariantCulture);

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var json = new Utf8JsonWriter(buffer);
        var text = new StringBuilder();
        if (csv)
        {
            text.AppendJoin(',', ExportColumns.All.Select(c => ExportColumns.CsvCell(c.Name))).Append("\r\n");
        }
        else
        {
            json.WriteStartObject();
            json.WriteString("soort", "checkpoint");
            json.WriteNumber("grootte", checkpoint.Size);
            json.WriteString("wortel", checkpoint.Root);
            if (checkpoint.At is { } at)
            {
                json.WriteString("tijdstip", ExportColumns.Instant(at));
            }

            json.WriteString("notitie", checkpoint.Note);
            json.WriteString("verificatiesleutel", checkpoint.VerifierKey);
            json.WriteEndObject();
            Line(json, buffer);
        }

        await FlushAsync(response, buffer, text, cancellationToken);
        long written = 0;
        var next = query.BeforeSeq;
        var more = next > 0;
        var cutOff = false;
        while (more)
        {
            var wanted = (int)Math.Min(ExportFile.PageSizeFor(limit - written), int.MaxValue);
            var found = await store.QueryAsync(query with { BeforeSeq = next, Limit = wanted + 1 }, cancellationToken);
            var page = found.Take(wanted).ToList();
            // Within the officer's scope exactly as the search shows it: the same records, the same fields.
            var visible = page.Where(r => LogSearch.Within(scope, r.Record)).ToList();
            foreach (var logged in visible)
            {
                var row = LogRecordRow.Of(logged, scope);
                if (csv)
                {
                    text.AppendJoin(',', ExportColumns.All.Select(c => ExportColumns.CsvCell(ExportColumns.Text(c.Value(row))))).Append("\r\n");
                }
                else
                {
                    json.WriteStartObject();
                    json.WriteString("soort", "gebeurtenis");
                    foreach (var (column, value) in ExportColumns.All)
                    {
                        ExportColumns.Json(json, column, value(row));
                    }

                    json.WriteEndObject();
                    Line(json, buffer);
                }
            }

            written += visible.Count;
            await FlushAsync(response, buffer, text, cancellationToken);
            more = found.Count > wanted;
            if (more && written >= limit)
            {
                cutOff = true;
                break;
            }

            next = page.Count > 0 ? page[^1].Seq : 0;
        }

        if (csv)
        {
            if (cutOff)
            {
                var marker = new string?[ExportColumns.All.Length];
                marker[0] = CutOff;
                marker[4] = string.Create(CultureInfo.InvariantCulture, $"export afgekapt na {written} records (limiet {limit}); beperk de zoekvraag");
                text.AppendJoin(',', marker.Select(m => ExportColumns.CsvCell(m ?? ""))).Append("\r\n");
            }
        }
        else
        {
            json.WriteStartObject();
            json.WriteString("soort", "einde");
            json.WriteNumber("aantal", written);
            json.WriteBoolean(CutOff, cutOff);
            json.WriteNumber("limiet", limit);
            json.WriteNumber("maximum", cap);
            json.WriteEndObject();
            Line(json, buffer);
        }

        await FlushAsync(response, buffer, text, cancellationToken);
    }

    private static long PageSizeFor(long remaining) => Math.Max(1, Math.Min(LogExport.PageSize, remaining));

    private static void Line(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer)
    {
        json.Flush();
        buffer.Write("\n"u8);
        json.Reset(buffer);
    }

    private static async Task FlushAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, StringBuilder text, CancellationToken cancellationToken)
    {
        if (text.Length > 0)
        {
            buffer.Write(Encoding.UTF8.GetBytes(text.ToString()));
            text.Clear();
        }

        if (buffer.WrittenCount > 0)
        {
            await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            buffer.ResetWrittenCount();
        }
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.LogReview;

/// <summary>
/// <c>GET /access-log/export</c> on both engines: exactly the records the same search returns, in JSON Lines and CSV,
/// with a signed checkpoint that covers them and verifies; CSV safe to open in a spreadsheet; a partner's own privacy
/// officer exports its own employees' records only; the cap; refusals and malformed requests recorded.
/// </summary>
public sealed class LogExportTests
{
    private const string Officer = PartnerClaims.PrivacyOfficer;
    private const string OwnOfficer = PartnerClaims.PartnerPrivacyOfficer;

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_export_holds_exactly_what_the_search_finds_in_both_formats_with_a_checkpoint_that_covers_them(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var first = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(first, "Fictief acuut gevaar");
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{first}")).Dispose();
        var second = await hub.NewCaseAsync();
        await hub.OkAsync("politie", HttpMethod.Get, "/cases");

        foreach (var query in new[] { $"case={first}", "kind=access-decision", "partner=politie", "emergency=true", $"case={first},{second}&decision=permit" })
        {
            foreach (var format in new[] { "jsonl", "csv" })
            {
                var export = await ExportAsync(hub, "zvh", "fg-hub", Officer, $"format={format}&{query}");
                var found = await SearchAsync(hub, "zvh", "fg-hub", Officer, query);
                Assert.True(found.Count > 0, query);
                Assert.Equal(found.Where(s => s < export.Size).ToList(), export.Seqs);
                Assert.All(export.Seqs, s => Assert.True(s < export.Size));
                AssertVerifies(hub, export);
            }
        }

        // The export is a log read naming its parameters, never a personal value.
        var reads = await hub.LogAsync(r => r.Operation == "access-log.export", everyKind: true);
        Assert.Contains(reads, r => r.Record.Subject == $"export;format=csv;case={first};before=head;limit=1000000" && r.Record.Case?.Value == first);
        Assert.All(reads, r => Assert.DoesNotContain("Fictief", r.Record.Subject ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised_and_quotes_are_doubled(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        const string hostile = "=HYPERLINK(\"http://x\",\"y\")";
        await hub.OkAsAsync("politie", hostile, null, HttpMethod.Get, "/cases");
        await hub.OkAsAsync("politie", "+agent", null, HttpMethod.Get, "/cases");
        await hub.OkAsAsync("politie", "@agent", null, HttpMethod.Get, "/cases");
        await hub.OkAsAsync("politie", "-agent", null, HttpMethod.Get, "/cases");
        using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/export?format=csv&partner=politie&kind=access-decision");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", text, StringComparison.Ordinal);
        var users = Csv(text).Skip(1).Select(r => r[5]).ToList();
        Assert.Equal(["'-agent", "'@agent", "'+agent", "'=HYPERLINK(\"http://x\",\"y\")"], users);
        Assert.Equal("'\tx", Csv(ExportColumns.CsvCell("\tx") + "\r\n")[0][0]);
        Assert.Equal("\"'\rx\"", ExportColumns.CsvCell("\rx"));
        Assert.Equal("\"a,b\"", ExportColumns.CsvCell("a,b"));

        // The file name holds no personal value: the checkpoint's size and time.
        var name = response.Content.Headers.ContentDisposition!.FileName!.Trim('"');
        Assert.Matches(@"^toegangslog-\d+-\d{8}T\d{6}Z\.csv$", name);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_partners_own_privacy_officer_exports_its_own_employees_records_only_and_is_refused_another_partners(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{pseudonym}")).Dispose();
        await hub.OkAsync("politie", HttpMethod.Get, "/cases");

        var export = await ExportAsync(hub, "politie", "fg-politie", OwnOfficer, $"format=jsonl&case={pseudonym}");
        var found = await SearchAsync(hub, "politie", "fg-politie", OwnOfficer, $"case={pseudonym}");
        Assert.Equal(found.Where(s => s < export.Size).ToList(), export.Seqs);
        Assert.NotEmpty(export.Rows);
        Assert.All(export.Rows, r => Assert.Equal("politie", r.GetProperty("organisatie").GetString()));
        var all = await hub.LogAsync(r => r.Case?.Value == pseudonym, everyKind: true);
        Assert.Equal(all.Where(r => r.Record.ActorPartner?.Value == "politie" && r.Seq < export.Size).Select(r => r.Seq).OrderDescending(), export.Seqs);
        Assert.Contains(all, r => r.Record.ActorPartner?.Value == "veilig-thuis");

        using var other = await hub.SendAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, "/access-log/export?partner=veilig-thuis");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.export" && r.Decision == AccessDecision.Deny && r.ActorUser == "fg-politie", everyKind: true));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_employee_is_refused_and_a_malformed_export_is_a_400_naming_the_member_both_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using (var refused = await hub.SendAsAsync("politie", "agent-1", null, HttpMethod.Get, "/access-log/export?format=csv"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.export" && r.Decision == AccessDecision.Deny && r.ActorUser == "agent-1"));
        foreach (var (query, member) in new[] { ("format=xml", "'format'"), ("kind=bogus", "'kind'"), ("user=x", "'user'"), ("from=gisteren", "'from'") })
        {
            using var invalid = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/export?" + query);
            var text = await invalid.Content.ReadAsStringAsync();
            Assert.True(invalid.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains(member, text, StringComparison.Ordinal);
        }

        Assert.Equal(4, (await hub.LogAsync(r => r.Operation == "access-log.export" && r.Decision == AccessDecision.Error)).Count);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_export_beyond_the_cap_ends_with_a_marker_that_says_it_was_cut_off(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine, extra: new Dictionary<string, string?> { ["LogReview:ExportMaxRows"] = "2" });
        await hub.NewCaseAsync();
        await hub.NewCaseAsync();
        await hub.NewCaseAsync();
        Assert.Equal(3, (await hub.LogAsync()).Count);
        var jsonl = await ExportAsync(hub, "zvh", "fg-hub", Officer, "format=jsonl&kind=access-decision");
        Assert.Equal(2, jsonl.Seqs.Count);
        Assert.True(jsonl.End.GetProperty("afgekapt").GetBoolean());
        Assert.Equal(2, jsonl.End.GetProperty("aantal").GetInt64());

        using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/export?format=csv&kind=access-decision");
        var rows = Csv(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, rows.Count); // header, two records, the marker
        Assert.Equal("afgekapt", rows[^1][0]);

        // Within the cap: not cut off.
        var small = await ExportAsync(hub, "zvh", "fg-hub", Officer, "format=jsonl&kind=access-decision&emergency=true");
        Assert.False(small.End.GetProperty("afgekapt").GetBoolean());
    }

    private sealed record Exported(long Size, string Root, string Note, List<long> Seqs, List<JsonElement> Rows, JsonElement End);

    /// <summary>An export, read in its format: the checkpoint from the headers (and the first line), the records' seq numbers.</summary>
    private static async Task<Exported> ExportAsync(CaseHub hub, string partner, string user, string function, string query)
    {
        using var response = await hub.SendAsAsync(partner, user, function, HttpMethod.Get, "/access-log/export?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {text}");
        var size = long.Parse(response.Headers.GetValues("X-Checkpoint-Size").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var root = response.Headers.GetValues("X-Checkpoint-Root").Single();
        var note = Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Checkpoint-Note").Single()));
        if (query.Contains("format=csv", StringComparison.Ordinal))
        {
            var rows = Csv(text);
            Assert.Equal(ExportColumns.All.Select(c => c.Name), rows[0]);
            return new(size, root, note, [.. rows.Skip(1).Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture))], [], default);
        }

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal("checkpoint", lines[0].GetProperty("soort").GetString());
        Assert.Equal(size, lines[0].GetProperty("grootte").GetInt64());
        Assert.Equal(note, lines[0].GetProperty("notitie").GetString());
        Assert.Equal("einde", lines[^1].GetProperty("soort").GetString());
        var records = lines[1..^1];
        Assert.All(records, r => Assert.Equal("gebeurtenis", r.GetProperty("soort").GetString()));
        Assert.Equal(records.Count, lines[^1].GetProperty("aantal").GetInt64());
        return new(size, root, note, [.. records.Select(r => r.GetProperty("volgnummer").GetInt64())], records, lines[^1]);
    }

    /// <summary>The same search through <c>GET /access-log/records</c>, every page: the seq numbers, newest first.</summary>
    private static async Task<List<long>> SearchAsync(CaseHub hub, string partner, string user, string function, string query)
    {
        var seqs = new List<long>();
        var page = await hub.OkAsAsync(partner, user, function, HttpMethod.Get, "/access-log/records?limit=500&" + query);
        while (true)
        {
            seqs.AddRange(page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                return seqs;
            }

            page = await hub.OkAsAsync(partner, user, function, HttpMethod.Get, $"/access-log/records?limit=500&{query}&cursor={Uri.EscapeDataString(page.GetProperty("next").GetString()!)}");
        }
    }

    /// <summary>The checkpoint carries the hub's signature, and its root is the tree of the stored records up to its size.</summary>
    private static void AssertVerifies(CaseHub hub, Exported export)
    {
        var settings = hub.Factory.Services.GetRequiredService<AccessLogSettings>();
        using var verifier = hub.Factory.Services.GetRequiredService<CheckpointSigner>().CreateVerifier(settings.Origin);
        var verified = verifier.Verify(export.Note);
        Assert.True(verified.IsVerified, verified.Reason);
        Assert.Equal(export.Size, verified.Checkpoint!.Size);
        Assert.Equal(export.Root, Convert.ToHexStringLower(verified.Checkpoint.RootHash.Span));
        var hashes = hub.Factory.Services.GetRequiredService<AccessLogStore>().ReadLeafHashesAsync(export.Size, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(export.Root, Convert.ToHexStringLower(MerkleTree.Root(hashes, export.Size)));
    }

    /// <summary>RFC 4180 as the export writes it: every field quoted, quotes doubled, CRLF between records.</summary>
    private static List<string[]> Csv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            Assert.Equal('"', text[i]);
            i++;
            while (true)
            {
                if (text[i] == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }

                    i++;
                    break;
                }

                field.Append(text[i++]);
            }

            fields.Add(field.ToString());
            field.Clear();
            if (text[i] == ',')
            {
                i++;
                continue;
            }

            Assert.Equal("\r\n", text.Substring(i, 2));
            i += 2;
            rows.Add([.. fields]);
            fields.Clear();
        }

        return rows;
    }
}

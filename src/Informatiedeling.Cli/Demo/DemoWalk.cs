using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace Informatiedeling.Cli.Demo;

/// <summary>
/// One fictional case walked from report to closure against a hub in Development, as the partners of the
/// convenant act on it: intake, weighings, process direction setting roles and inviting a shell partner, reads
/// under each purpose, a refused read, an emergency read, closure, evaluation and the monitoring figures.
/// </summary>
internal sealed class DemoWalk(DemoClient hub, DemoReport report, TimeProvider time)
{
    private const string VeiligThuis = "veilig-thuis";
    private const string Zvh = "zvh";
    private const string Politie = "politie";
    private const string Zorg = "zorgcoordinatie";
    private const string Emergency = "Fictief: slachtoffer belt in paniek, wordt vastgehouden op onbekend adres";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        await report.TitleAsync(hub.Hub);

        // --- melding ---------------------------------------------------------------------------------------------
        await report.SectionAsync("melding", "the reporting point takes in a report");
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var intake = await hub.ExpectAsync(VeiligThuis, HttpMethod.Post, "cases", new
        {
            // who the report is about: used only for the blind index that finds an existing file of the same person
            person = new { fullName = $"Anna Fictief-Voorbeeld demo {run}", dateOfBirth = "1996-03-14" },
            fields = DemoData.Report,
        }, ct);
        var p = intake.GetProperty("pseudonym").GetString()!;
        await report.ActionAsync(VeiligThuis, $"takes in a report ({string.Join(", ", DemoData.Report.Keys)})");
        await report.NoteAsync($"opened case {p} with the default RASCI of every step");
        await ReadAsync(VeiligThuis, p, "signalering-en-weging", ct);
        await SummaryAsync(Zvh, p, ct);
        await FinishStepAsync(VeiligThuis, p, "melding", ct);

        // --- eerste-weging --------------------------------------------------------------------------------------
        await report.SectionAsync("eerste-weging", "first weighing; police and care coordination are consulted");
        await WeighAsync(VeiligThuis, p, "eerste-weging", DemoData.FirstWeighing, ct);
        await ReadAsync(Politie, p, "signalering-en-weging", ct);
        await ReadAsync(Zvh, p, "signalering-en-weging", ct);
        await FinishStepAsync(Zvh, p, "eerste-weging", ct);

        // --- casusoverleg ---------------------------------------------------------------------------------------
        await report.SectionAsync("casusoverleg", "process direction invites the labour inspectorate; second weighing");
        var until = time.GetUtcNow().AddDays(30);
        await hub.ExpectAsync(Zvh, HttpMethod.Post, $"cases/{p}/invitations", new { partner = "arbeidsinspectie", until }, ct);
        await report.ActionAsync(Zvh, $"invites arbeidsinspectie (shell partner) until {until.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}");
        var nazorg = new Dictionary<string, string>(StringComparer.Ordinal) { [Zorg] = "R", [Zvh] = "A", ["gemeente"] = "S", [Politie] = "I", [VeiligThuis] = "I" };
        await hub.ExpectAsync(Zvh, HttpMethod.Put, $"cases/{p}/rasci/nazorg", new { assignments = nazorg }, ct);
        await report.ActionAsync(Zvh, $"sets the RASCI of nazorg: {string.Join(", ", nazorg.Select(a => $"{a.Key} {a.Value}"))} (veilig-thuis stays informed)");
        await WeighAsync(VeiligThuis, p, "tweede-weging", DemoData.SecondWeighing, ct);
        await ReadAsync(Politie, p, "casusoverleg", ct);
        await ReadAsync("arbeidsinspectie", p, "casusoverleg", ct);
        await FinishStepAsync(Zvh, p, "casusoverleg", ct);

        // --- uitvoering -----------------------------------------------------------------------------------------
        await report.SectionAsync("uitvoering", "the investigation and care coordination run side by side");
        await WriteAsync(Politie, p, "strafrechtelijke-handhaving", DemoData.Investigation, ct);
        await ReadAsync(Politie, p, "strafrechtelijke-handhaving", ct);
        await WriteAsync(Zorg, p, "zorgcoordinatie", DemoData.Care, ct);
        await ReadAsync(Zorg, p, "zorgcoordinatie", ct);
        await ReadAsync("arbeidsinspectie", p, "strafrechtelijke-handhaving", ct);

        await report.BlankAsync();
        await report.NoteAsync("-- what is refused, and why --");
        await ReadAsync("gemeente", p, "strafrechtelijke-handhaving", ct);
        var write = await hub.SendAsync(Zorg, HttpMethod.Put, $"cases/{p}/fields",
            new { purpose = "zorgcoordinatie", fields = new Dictionary<string, string> { ["voortgang.strafrechtelijk-onderzoek-notities"] = "Fictief: notitie van de zorg" } }, ct);
        await report.ActionAsync(Zorg, "tries to write voortgang.strafrechtelijk-onderzoek-notities (strafrechtelijk) under zorgcoordinatie");
        await report.RefusedAsync(write);
        await ReadAsync("ind", p, "casusoverleg", ct);
        await report.NoteAsync("(ind was never invited: the case's existence is not even confirmed)");

        await report.BlankAsync();
        await report.NoteAsync("-- an emergency --");
        await ReadAsync(Zvh, p, "acute-veiligheid", ct);
        await ReadAsync(Politie, p, "acute-veiligheid", ct, Emergency);
        await FinishStepAsync(Zvh, p, "uitvoering", ct);

        // --- nazorg and closure ---------------------------------------------------------------------------------
        await report.SectionAsync("nazorg", "aftercare, then process direction closes the case");
        await WriteAsync(Zorg, p, "zorgcoordinatie", DemoData.Aftercare, ct);
        await SummaryAsync(VeiligThuis, p, ct);
        var closed = await hub.ExpectAsync(Zvh, HttpMethod.Post, $"cases/{p}/closure", new { reason = "afgerond" }, ct);
        await report.ActionAsync(Zvh, $"closes the case: reason {closed.GetProperty("closureReason").GetString()}, status {closed.GetProperty("status").GetString()}");

        // --- after closure --------------------------------------------------------------------------------------
        await report.SectionAsync("closed", "evaluation on the anonymous record; nothing else");
        await ReadAsync(Zorg, p, "zorgcoordinatie", ct);
        await ReadAsync(Zvh, p, "evaluatie", ct);

        await report.SectionAsync("monitoring", "aggregated figures for the core partners");
        var figures = await hub.SendAsync("gemeente", HttpMethod.Get, "monitoring?purpose=monitoring", null, ct);
        await report.ActionAsync("gemeente", "asks for the monitoring figures");
        if (figures.Succeeded)
        {
            await report.FiguresAsync(figures.Body);
        }
        else
        {
            await report.RefusedAsync(figures);
        }

        var shell = await hub.SendAsync("arbeidsinspectie", HttpMethod.Get, "monitoring?purpose=monitoring", null, ct);
        await report.ActionAsync("arbeidsinspectie", "asks for the monitoring figures");
        await report.RefusedAsync(shell);
        return figures.Succeeded && !shell.Succeeded ? 0 : 1;
    }

    private async Task ReadAsync(string partner, string pseudonym, string purpose, CancellationToken ct, string? justification = null)
    {
        var role = await RoleAsync(partner, pseudonym, ct);
        var answer = await hub.SendAsync(partner, HttpMethod.Get, $"cases/{pseudonym}/data?purpose={Uri.EscapeDataString(purpose)}", null, ct, justification);
        await report.ReadAsync(partner, role, purpose, answer, justification);
    }

    private async Task SummaryAsync(string partner, string pseudonym, CancellationToken ct) =>
        await report.SummaryAsync(partner, await hub.SendAsync(partner, HttpMethod.Get, $"cases/{pseudonym}", null, ct));

    private async Task<string?> RoleAsync(string partner, string pseudonym, CancellationToken ct)
    {
        var summary = await hub.SendAsync(partner, HttpMethod.Get, $"cases/{pseudonym}", null, ct);
        return summary.Status == HttpStatusCode.OK ? summary.Text("yourRole") : null;
    }

    private async Task FinishStepAsync(string partner, string pseudonym, string step, CancellationToken ct)
    {
        var summary = await hub.ExpectAsync(partner, HttpMethod.Post, $"cases/{pseudonym}/step", new { from = step }, ct);
        await report.ActionAsync(partner, $"finishes {step}: the case moves to {summary.GetProperty("step").GetString()}");
    }

    private async Task WeighAsync(string partner, string pseudonym, string weighing, Dictionary<string, object> fields, CancellationToken ct)
    {
        var result = await hub.ExpectAsync(partner, HttpMethod.Post, $"cases/{pseudonym}/weighings", new { weighing, fields }, ct);
        await report.ActionAsync(partner, $"records the {weighing}: {Written(result)}");
    }

    private async Task WriteAsync(string partner, string pseudonym, string purpose, Dictionary<string, object> fields, CancellationToken ct)
    {
        var result = await hub.ExpectAsync(partner, HttpMethod.Put, $"cases/{pseudonym}/fields", new { purpose, fields }, ct);
        await report.ActionAsync(partner, $"writes under {purpose}: {Written(result)}");
    }

    private static string Written(JsonElement result) =>
        string.Join(", ", result.GetProperty("fieldsWritten").EnumerateArray().Select(f => f.GetString()));
}

using System.Net;
using System.Net.Sockets;
using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary>
/// <c>infodeel demo</c> against the real hub started as a process in Development (tokens from its development
/// issuer): one fictional case from report to closure, and per actor what it saw and what was withheld, and why.
/// </summary>
public sealed class DemoCommandTests : IAsyncLifetime
{
    private HubProcess _development = null!;
    private HubProcess _production = null!;

    public async Task InitializeAsync()
    {
        var hubs = await Task.WhenAll(
            HubProcess.StartAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, TimeSpan.FromSeconds(90)),
            HubProcess.StartAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(90)));
        (_development, _production) = (hubs[0], hubs[1]);
    }

    public async Task DisposeAsync()
    {
        await _development.DisposeAsync();
        await _production.DisposeAsync();
    }

    [Fact]
    public async Task The_demo_walks_a_case_to_closure_and_prints_what_each_partner_saw_and_what_was_withheld_and_why()
    {
        var result = await Infodeel.RunAsync("", "demo", "--hub", _development.BaseAddress.ToString());
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}\n{result.Output}\n{_development.Output}");
        var output = result.Output;
        Assert.Contains("Every person, name and value in this case is fictional.", output, StringComparison.Ordinal);

        // the reporting point sees the report and its reporter
        var intake = Block(output, "> veilig-thuis (role R) reads under signalering-en-weging");
        Assert.Matches(@"persoon\.achternaam\s+Fictief-Voorbeeld", intake);
        Assert.Matches(@"melding\.melder-naam\s+Buurman Demo \(fictief\)", intake);
        Assert.Matches(@"strafrechtelijk\s+'strafrechtelijk' is fenced.*\(hek-strafrechtelijk, art\. 7\.1\)", intake);

        // politie is consulted in the first weighing: dynamisch only, no name
        var consulted = Block(output, "> politie (role C) reads under signalering-en-weging");
        Assert.Matches(@"eerste-weging\.veiligheid\s+onveilig", consulted);
        Assert.DoesNotContain("Fictief-Voorbeeld", consulted, StringComparison.Ordinal);
        Assert.Matches(@"withheld statisch, exceptioneel\s+role C sees only dynamisch \(zicht-c, art\. 6\.3\)", consulted);

        // the invited shell partner, and the investigation only for the investigators
        Assert.Contains("> zvh invites arbeidsinspectie (shell partner) until", output, StringComparison.Ordinal);
        var investigation = Block(output, "> politie (role R) reads under strafrechtelijke-handhaving");
        Assert.Matches(@"voortgang\.strafrechtelijk-onderzoek-status\s+opsporing", investigation);
        Assert.Matches(@"melder-identiteit\s+'melder-identiteit' is fenced.*\(hek-melder-identiteit, art\. 7\.2\)", investigation);
        var care = Block(output, "> zorgcoordinatie (role R) reads under zorgcoordinatie");
        Assert.Matches(@"voortgang\.interventie\s+Fictief: opvang in een beschermde woonvorm", care);
        Assert.DoesNotContain("doorzoeking", care, StringComparison.Ordinal);
        Assert.Contains("(hek-strafrechtelijk, art. 7.1)", care, StringComparison.Ordinal);
        var inspectorate = Block(output, "> arbeidsinspectie (role C) reads under strafrechtelijke-handhaving");
        Assert.DoesNotContain("opsporing", inspectorate, StringComparison.Ordinal);

        // refusals with reason, rule and article
        var municipality = Block(output, "> gemeente (role S) reads under strafrechtelijke-handhaving");
        Assert.Contains("saw      no field", municipality, StringComparison.Ordinal);
        Assert.Contains("purpose 'strafrechtelijke-handhaving' is not allowed to this partner", municipality, StringComparison.Ordinal);
        Assert.Contains("(doel-strafrechtelijke-handhaving, art. 3.5)", municipality, StringComparison.Ordinal);
        Assert.Contains("refused  403", Block(output, "> zorgcoordinatie tries to write voortgang.strafrechtelijk-onderzoek-notities"), StringComparison.Ordinal);
        Assert.Contains("refused  404 Case not found", Block(output, "> ind reads under casusoverleg"), StringComparison.Ordinal);

        // the emergency: no justification, nothing; with one, statisch and dynamisch and a review
        Assert.Matches(@"withheld statisch, dynamisch, exceptioneel, strafrechtelijk, melder-identiteit\s+purpose 'acute-veiligheid' requires a written justification \(hek-acute-veiligheid, art\. 7\.3\)",
            Block(output, "> zvh (role A) reads under acute-veiligheid"));
        var emergency = Block(output, "> politie (role R) reads under acute-veiligheid, justification");
        Assert.Matches(@"persoon\.woonplaats\s+Voorbeeldstad", emergency);
        Assert.Matches(@"exceptioneel\s+purpose 'acute-veiligheid' releases only statisch, dynamisch \(hek-acute-veiligheid, art\. 7\.3\)", emergency);
        Assert.Contains("duty     review", emergency, StringComparison.Ordinal);
        Assert.DoesNotContain("dreigt familie", emergency, StringComparison.Ordinal);

        // closure, the evaluation record, and the figures
        Assert.Contains("> zvh closes the case: reason afgerond, status closed", output, StringComparison.Ordinal);
        Assert.Contains("(hek-gesloten-dossier, art. 7.5)", Block(output, "> zorgcoordinatie (role R) reads under zorgcoordinatie", last: true), StringComparison.Ordinal);
        var evaluation = Block(output, "> zvh (role A) reads under evaluatie");
        Assert.Matches(@"exploitationType\s+arbeid", evaluation);
        Assert.Matches(@"closureReason\s+afgerond", evaluation);
        Assert.Matches(@"closedAt\s+\d{4}-\d{2}-\d{2}\n", evaluation + "\n");
        Assert.DoesNotContain("Fictief-Voorbeeld", evaluation, StringComparison.Ordinal);
        var figures = Block(output, "> gemeente asks for the monitoring figures");
        Assert.Contains("<5", figures, StringComparison.Ordinal);
        Assert.Contains("(doel-monitoring, art. 3.8)", Block(output, "> arbeidsinspectie asks for the monitoring figures"), StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task A_second_run_walks_a_case_of_its_own()
    {
        var first = await Infodeel.RunAsync("", "demo", "--hub", _development.BaseAddress.ToString());
        var second = await Infodeel.RunAsync("", "demo", "--hub", _development.BaseAddress.ToString());
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.NotEqual(Pseudonym(first.Output), Pseudonym(second.Output));
    }

    [Fact]
    public async Task A_hub_outside_Development_or_no_hub_at_all_stops_the_demo_with_a_clear_message()
    {
        var production = await Infodeel.RunAsync("", "demo", "--hub", _production.BaseAddress.ToString());
        Assert.Equal(1, production.ExitCode);
        Assert.Contains("has no development issuer", production.Error, StringComparison.Ordinal);

        var nothing = await Infodeel.RunAsync("", "demo", "--hub", $"http://127.0.0.1:{FreePort()}/");
        Assert.Equal(1, nothing.ExitCode);
        Assert.StartsWith("infodeel: demo stopped: cannot reach the hub at http://127.0.0.1:", nothing.Error, StringComparison.Ordinal);

        var malformed = await Infodeel.RunAsync("", "demo", "--hub", "not a url");
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("'not a url' is not an http(s) address", malformed.Error, StringComparison.Ordinal);
    }

    /// <summary>The lines of one actor's action, from its header up to the next action or section.</summary>
    private static string Block(string output, string header, bool last = false)
    {
        var lines = output.Split('\n');
        var start = last
            ? Array.FindLastIndex(lines, l => l.StartsWith(header, StringComparison.Ordinal))
            : Array.FindIndex(lines, l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no '{header}' in:\n{output}");
        var block = lines.Skip(start).TakeWhile((l, i) => i == 0 || !(l.StartsWith("> ", StringComparison.Ordinal) || l.StartsWith("==", StringComparison.Ordinal)));
        return string.Join('\n', block);
    }

    private static string Pseudonym(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"opened case (cs-[0-9a-z]+)");
        Assert.True(match.Success, output);
        return match.Groups[1].Value;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

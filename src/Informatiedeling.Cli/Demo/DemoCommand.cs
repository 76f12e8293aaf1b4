using System.CommandLine;

namespace Informatiedeling.Cli.Demo;

/// <summary><c>infodeel demo --hub URL</c>: one fictional case from report to closure against a hub in Development.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var hub = new Option<Uri>("--hub")
        {
            Description = "The hub's address; it must run in Development (tokens come from its POST /dev/token).",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080/"),
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                result.AddError($"--hub: '{text}' is not an http(s) address");
                return null;
            },
        };
        var command = new Command("demo", "Walk one fictional case from report to closure as the partners, printing what each saw and what was withheld, and why.") { hub };
        command.SetAction(async (parse, ct) =>
        {
            var address = parse.GetValue(hub)!;
            var baseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
            using var client = new DemoClient(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) });
            try
            {
                return await new DemoWalk(client, new DemoReport(output), TimeProvider.System).RunAsync(ct);
            }
            catch (DemoStoppedException e)
            {
                await error.WriteLineAsync($"infodeel: demo stopped: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}

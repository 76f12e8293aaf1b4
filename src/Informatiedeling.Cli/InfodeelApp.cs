using System.CommandLine;
using Informatiedeling.Cli.Database;
using Informatiedeling.Cli.Policy;

namespace Informatiedeling.Cli;

/// <summary>The command tree. Input and output are passed in so that tests run it in-process.</summary>
public static class InfodeelApp
{
    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error) =>
        RunAsync(args, input, output, error, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="RunAsync(string[], TextReader, TextWriter, TextWriter)"/>, reading the token variables from <paramref name="environment"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var root = new RootCommand("infodeel: operate the Informatiedeling hub (sharing rules, database).")
        {
            PolicyCommands.Create(input, output, error, environment),
            DatabaseCommands.Create(output, error),
            KeyCommands.Create(output, error),
            AccessLog.LogCommands.Create(output, error),
            Demo.DemoCommand.Create(output, error),
            Retention.RetentionCommands.Create(output, error),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"infodeel: {problem.Message}");
            }

            await error.WriteLineAsync("Run 'infodeel --help' for the commands.");
            return 2;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

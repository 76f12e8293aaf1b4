using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary>Runs infodeel in-process with the given standard input; returns exit code, output and error.</summary>
internal static class Infodeel
{
    public static async Task<ProgramResult> RunAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await InfodeelApp.RunAsync(args, new StringReader(input), output, error);
        return new ProgramResult(exit, output.ToString(), error.ToString());
    }

    public static string[] WithReferencePolicies(params string[] args) =>
        [.. args, "--policies", RepositoryPaths.Policies, "--convenant", RepositoryPaths.Convenant];
}

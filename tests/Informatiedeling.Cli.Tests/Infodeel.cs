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

    /// <summary>Runs infodeel with only <paramref name="environment"/> as its environment variables for the hub's token.</summary>
    public static async Task<ProgramResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await InfodeelApp.RunAsync(args, new StringReader(""), output, error, name => environment.TryGetValue(name, out var value) ? value : null);
        return new ProgramResult(exit, output.ToString(), error.ToString());
    }

    public static string[] WithReferencePolicies(params string[] args) =>
        [.. args, "--policies", RepositoryPaths.Policies, "--convenant", RepositoryPaths.Convenant];
}

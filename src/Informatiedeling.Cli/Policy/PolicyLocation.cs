using System.CommandLine;
using Informatiedeling.Policy.Loading;

namespace Informatiedeling.Cli.Policy;

/// <summary>Where the convenant and policy files are: given on the command line, else the checkout around the working folder, else beside the tool.</summary>
internal sealed class PolicyLocation
{
    public Option<DirectoryInfo?> Policies { get; } = new("--policies") { Description = "The policy folder (default: policies/ of this checkout, else beside infodeel)." };

    public Option<FileInfo?> Convenant { get; } = new("--convenant") { Description = "The convenant's machine-readable part (default: convenant/convenant.yaml)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Policies);
        command.Options.Add(Convenant);
    }

    public (string Convenant, string Policies) Resolve(ParseResult parse)
    {
        var policies = parse.GetValue(Policies)?.FullName;
        var convenant = parse.GetValue(Convenant)?.FullName;
        var root = FindRoot(Environment.CurrentDirectory) ?? AppContext.BaseDirectory;
        policies ??= Path.Combine(root, "policies");
        convenant ??= Path.Combine(policies, "..", "convenant", PolicyLoader.ConvenantFileName) is var beside && File.Exists(beside)
            ? Path.GetFullPath(beside)
            : Path.Combine(root, "convenant", PolicyLoader.ConvenantFileName);
        return (convenant, policies);
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "convenant", PolicyLoader.ConvenantFileName)) && Directory.Exists(Path.Combine(dir.FullName, "policies")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Testing;

namespace Informatiedeling.Cli.Policy.Hub;

/// <summary>
/// <c>infodeel policy pull</c> and <c>infodeel policy push</c>: a version's files from the hub into a folder, and a folder
/// back to the hub as a proposal. Neither activates anything: a privacy officer who is not the author approves in the hub.
/// </summary>
internal static class PolicyHubCommands
{
    public static Command Pull(TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var connection = new HubConnection(environment);
        var version = new Option<string?>("--version") { Description = "The content hash of the version to pull (default: the version in force)." };
        var into = new Option<DirectoryInfo>("--out")
        {
            Description = "The folder to write the policy files and tests/ into (default: ./policies).",
            DefaultValueFactory = _ => new DirectoryInfo("policies"),
        };
        var force = new Option<bool>("--force") { Description = "Write into a folder that is not empty, replacing its policy files and tests." };
        var command = new Command("pull", "Write a policy version of the hub (its policy files and tests/) into a folder, to edit and push as a proposal.")
        {
            version, into, force,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var hub = connection.Connect(parse);
                var pulled = await hub.VersionAsync(parse.GetValue(version) ?? "active", ct);
                if (!pulled.Files.TryGetValue(PolicyLoader.ConvenantFileName, out var convenant))
                {
                    throw new HubRefusedException($"the hub's version {pulled.ContentHash} holds no convenant");
                }

                var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var (name, text) in pulled.Files.Where(f => f.Key != PolicyLoader.ConvenantFileName))
                {
                    files[PolicyFolder.IsTest(name) ? Refuse(name) : name] = text;
                }

                foreach (var (name, text) in pulled.Tests)
                {
                    files[PolicyFolder.IsTest(name) ? name : Refuse(name)] = text;
                }

                // The files must be the version the hub named: loaded here, they hash to its content hash.
                var loaded = PolicyLoader.Load(
                    new PolicySource(PolicyLoader.ConvenantFileName, convenant),
                    [.. files.Where(f => !PolicyFolder.IsTest(f.Key)).Select(f => new PolicySource(f.Key, f.Value))]);
                if (loaded.Set is { } set && set.ContentHash != pulled.ContentHash)
                {
                    throw new HubRefusedException($"the files the hub gave do not hash to its version {pulled.ContentHash} but to {set.ContentHash}; nothing was written");
                }

                var folder = parse.GetValue(into)!;
                var removed = PolicyFolder.Write(folder.FullName, files, parse.GetValue(force));
                var shown = PolicyLoader.Display(folder.FullName);
                var policyCount = files.Keys.Count(n => !PolicyFolder.IsTest(n));
                await output.WriteLineAsync(
                    $"pulled policy version {pulled.ContentHash}{(parse.GetValue(version) is null ? " (in force)" : "")} from {hub.Hub}: " +
                    $"{policyCount} policy files and {files.Count - policyCount} tests into {shown}");
                foreach (var name in removed)
                {
                    await output.WriteLineAsync($"removed {name}: not in this version");
                }

                await output.WriteLineAsync(loaded.Set is { } ok
                    ? $"convenant: {ok.Vocabulary.ConvenantId} version {ok.Vocabulary.ConvenantVersion}, the partners' signed convenant the hub holds; " +
                      "not written: 'policy push' lints under the hub's copy (for 'policy lint', pass --convenant with that version)"
                    : $"warning: this version does not load here ({loaded.Errors.Count} problem(s)); its convenant was not written");
                return 0;
            }
            catch (HubRefusedException e)
            {
                await error.WriteLineAsync($"infodeel: policy pull: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    public static Command Push(TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var connection = new HubConnection(environment);
        var title = new Option<string>("--title") { Description = "What the change is for, in a line; the privacy officer reads it first.", Required = true };
        var policies = new Option<DirectoryInfo>("--policies")
        {
            Description = "The folder with the policy files and tests/ (default: ./policies, where 'policy pull' writes).",
            DefaultValueFactory = _ => new DirectoryInfo("policies"),
        };
        var command = new Command("push", "Lint and test a policy folder, then propose it to the hub as a change of the version in force; nothing is activated.")
        {
            title, policies,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var folder = parse.GetValue(policies)!;
                if (!folder.Exists)
                {
                    throw new HubRefusedException($"there is no policy folder {PolicyLoader.Display(folder.FullName)}; pull one with 'infodeel policy pull --hub URL', or pass --policies");
                }

                using var hub = connection.Connect(parse);
                var files = PolicyFolder.Read(folder.FullName);
                var active = await hub.VersionAsync("active", ct);
                var problems = Lint(folder.FullName, files, active, out var lint);
                if (problems.Count > 0)
                {
                    foreach (var problem in problems)
                    {
                        await error.WriteLineAsync(problem);
                    }

                    await error.WriteLineAsync($"policy push: refused before sending, {problems.Count} problem(s); nothing was proposed");
                    return 1;
                }

                var (set, passed) = lint!.Value;
                var previous = ProposalFiles(active);
                if (set.ContentHash == active.ContentHash && previous.Where(f => PolicyFolder.IsTest(f.Key)).SequenceEqual(files.Where(f => PolicyFolder.IsTest(f.Key))))
                {
                    await error.WriteLineAsync($"infodeel: policy push: nothing to propose: the folder holds version {active.ContentHash} in force, tests and all");
                    return 1;
                }

                await output.WriteLineAsync(
                    $"lint: ok, policy set {set.ContentHash[..12]} under the hub's convenant {set.Vocabulary.ConvenantId} {set.Vocabulary.ConvenantVersion}; {passed} tests passed");
                var remove = previous.Keys.Where(name => !files.ContainsKey(name)).ToList();
                var answer = await hub.ProposeAsync(new { title = parse.GetValue(title), files, remove }, ct);
                if (answer.Created is not { } created)
                {
                    foreach (var problem in answer.Problems)
                    {
                        await error.WriteLineAsync(problem);
                    }

                    await error.WriteLineAsync($"policy push: the hub refused the proposal: {answer.Title}");
                    return 1;
                }

                await Created(output, hub.Hub, created, active.ContentHash, remove);
                return 0;
            }
            catch (HubRefusedException e)
            {
                await error.WriteLineAsync($"infodeel: policy push: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// Lints and tests the folder as the hub will, under the convenant of the version in force (the one the hub validates
    /// a proposal under, which the partners signed), not a local copy that may be of another version: what passes here
    /// passes there. Problems in the form of <c>policy lint</c>: file, line, column.
    /// </summary>
    private static List<string> Lint(string folder, IReadOnlyDictionary<string, string> files, HubVersion active, out (PolicySet Set, int Passed)? lint)
    {
        lint = null;
        var problems = new List<string>();
        foreach (var name in files.Keys)
        {
            if (name == PolicyLoader.ConvenantFileName)
            {
                problems.Add($"{Shown(folder, name)}:1:1: error PA002: the convenant is not part of a proposal: the partners signed it, and the hub's copy is used; remove it from the folder");
            }
            else if (!PolicyFolder.IsValidName(name))
            {
                problems.Add($"{Shown(folder, name)}:1:1: error PA003: a file is named like 'purposes.yaml' or, for a policy test, 'tests/roles.yaml': lower case letters, digits and hyphens");
            }
        }

        if (!active.Files.TryGetValue(PolicyLoader.ConvenantFileName, out var convenant))
        {
            throw new HubRefusedException($"the hub's version in force ({active.ContentHash}) holds no convenant");
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var loaded = PolicyLoader.Load(
            new PolicySource(PolicyLoader.ConvenantFileName, convenant),
            [.. files.Where(f => !PolicyFolder.IsTest(f.Key)).Select(f => new PolicySource(Shown(folder, f.Key), f.Value))]);
        if (loaded.Set is not { } set)
        {
            return [.. loaded.Errors.Select(e => e.ToString())];
        }

        var report = PolicyTestRunner.Run(PolicyEngine.Compile(set), [.. files.Where(f => PolicyFolder.IsTest(f.Key)).Select(f => (Shown(folder, f.Key), f.Value))]);
        problems.AddRange(report.Failures.Select(f => f.ToString()));
        var tests = Shown(folder, PolicyFolder.TestsFolder);
        problems.AddRange(report.UncoveredRules.Select(rule => $"{tests}:1:1: error PT002: rule '{rule}' decides no test; add a test for it"));
        if (report.Passed == 0 && report.Failures.Count == 0)
        {
            problems.Add($"{tests}:1:1: error PT003: a proposal holds its policy tests (tests/*.yaml), and at least one must pass");
        }

        if (problems.Count == 0)
        {
            lint = (set, report.Passed);
        }

        return problems;
    }

    private static async Task Created(TextWriter output, Uri hub, JsonElement created, string linted, IReadOnlyList<string> removed)
    {
        var proposal = created.GetProperty("proposal");
        var id = proposal.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var widens = proposal.GetProperty("widens").GetBoolean();
        var baseHash = proposal.GetProperty("baseHash").GetString();
        await output.WriteLineAsync(
            $"proposal {id} (revision {proposal.GetProperty("revision").GetInt32()}): {HubPolicyClient.OneLine(proposal.GetProperty("status").GetString() ?? "")}, " +
            $"version {proposal.GetProperty("contentHash").GetString()?[..12]} on {baseHash?[..12]}");
        foreach (var name in removed)
        {
            await output.WriteLineAsync($"removes {name}");
        }

        await output.WriteLineAsync(widens
            ? "widens: yes, some partner would receive more; the privacy officer must acknowledge that when approving"
            : "widens: no");
        if (baseHash != linted)
        {
            await output.WriteLineAsync($"note: the version in force changed to {baseHash} while pushing; check the proposal's diff");
        }

        await output.WriteLineAsync($"page: {new Uri(hub, $"beleid/voorstellen/{id}")}");
        await output.WriteLineAsync("nothing is in force yet: a privacy officer who is not its author replays, approves and activates it in the hub");
    }

    /// <summary>The version's policy files and tests by name, as a proposal holds them (the convenant left out).</summary>
    private static SortedDictionary<string, string> ProposalFiles(HubVersion version)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in version.Files.Where(f => f.Key != PolicyLoader.ConvenantFileName).Concat(version.Tests))
        {
            files[name] = text;
        }

        return files;
    }

    private static string Shown(string folder, string name) => PolicyLoader.Display(Path.Combine(folder, name));

    private static string Refuse(string name) =>
        throw new HubRefusedException($"refused the file name '{HubPolicyClient.OneLine(name)}' from the hub: a policy file is named like 'purposes.yaml', a test like 'tests/roles.yaml'; nothing was written");
}

using System.Text.RegularExpressions;
using Informatiedeling.Policy.Loading;

namespace Informatiedeling.Cli.Policy.Hub;

/// <summary>
/// A policy folder as the hub names its files: <c>purposes.yaml</c> directly in it, <c>tests/roles.yaml</c> for a policy
/// test. Names are those the hub accepts in a proposal; anything else (a path separator, <c>..</c>, upper case) is refused,
/// so that a file from the hub never lands outside the folder.
/// </summary>
internal static partial class PolicyFolder
{
    public const string TestsFolder = "tests/";

    /// <summary>Whether <paramref name="name"/> is a policy file's name (<c>retention.yaml</c>) or a test's (<c>tests/roles.yaml</c>).</summary>
    public static bool IsValidName(string name) =>
        name.StartsWith(TestsFolder, StringComparison.Ordinal) ? PlainName().IsMatch(name[TestsFolder.Length..]) : PlainName().IsMatch(name);

    public static bool IsTest(string name) => name.StartsWith(TestsFolder, StringComparison.Ordinal);

    /// <summary>The folder's policy files and tests by the names the hub uses, line endings as the hub stores them.</summary>
    public static SortedDictionary<string, string> Read(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.TopDirectoryOnly))
        {
            files[Path.GetFileName(file)] = File.ReadAllText(file).ReplaceLineEndings("\n");
        }

        var tests = Path.Combine(folder, "tests");
        if (Directory.Exists(tests))
        {
            foreach (var file in Directory.EnumerateFiles(tests, "*.yaml", SearchOption.TopDirectoryOnly))
            {
                files[TestsFolder + Path.GetFileName(file)] = File.ReadAllText(file).ReplaceLineEndings("\n");
            }
        }

        return files;
    }

    /// <summary>
    /// Writes <paramref name="files"/> (names checked by the caller with <see cref="IsValidName"/>) into <paramref name="folder"/>.
    /// A folder that holds anything is written over only with <paramref name="force"/>, and then its policy files and tests
    /// that are not in <paramref name="files"/> are removed, so that the folder is the version and nothing else a push would send.
    /// </summary>
    /// <returns>The files removed, by name.</returns>
    /// <exception cref="HubRefusedException">The folder holds something and <paramref name="force"/> is not given, or a target is a link.</exception>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyDictionary<string, string> files, bool force)
    {
        var root = Path.GetFullPath(folder);
        var targets = files.ToDictionary(f => f.Key, f => Target(root, f.Key), StringComparer.Ordinal);
        var stale = new List<string>();
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!force)
            {
                throw new HubRefusedException($"{folder} is not empty; pull into a new folder, or pass --force to replace its policy files and tests");
            }

            stale.AddRange(Read(root).Keys.Where(name => !files.ContainsKey(name)));
        }
        else if (File.Exists(root))
        {
            throw new HubRefusedException($"{folder} is a file, not a folder");
        }

        // A link in the folder would carry a write elsewhere; the folder is written as plain files only.
        var tests = Path.Combine(root, "tests");
        foreach (var path in targets.Values.Append(tests).Concat(stale.Select(name => Path.Combine(root, name))))
        {
            if (new FileInfo(path).LinkTarget is not null)
            {
                throw new HubRefusedException($"{Path.GetRelativePath(root, path)} in {folder} is a link; nothing is written through a link");
            }
        }

        if (File.Exists(tests))
        {
            throw new HubRefusedException($"{folder}/tests is a file; the policy tests go into a folder of that name");
        }

        Directory.CreateDirectory(root);
        if (files.Keys.Any(IsTest))
        {
            Directory.CreateDirectory(tests);
        }

        foreach (var name in stale)
        {
            // Names read from the folder itself, so they lie in it.
            File.Delete(Path.Combine(root, name));
        }

        foreach (var (name, text) in files)
        {
            File.WriteAllText(targets[name], text);
        }

        return stale;
    }

    /// <summary>The path of <paramref name="name"/> in <paramref name="root"/>, which must stay in it (or in its tests folder).</summary>
    private static string Target(string root, string name)
    {
        if (!IsValidName(name) || name == PolicyLoader.ConvenantFileName)
        {
            throw new HubRefusedException($"refused the file name '{HubPolicyClient.OneLine(name)}': not a policy file's plain name; nothing was written");
        }

        var path = Path.GetFullPath(Path.Combine(root, name));
        var parent = Path.GetDirectoryName(path);
        return parent == root || parent == Path.Combine(root, "tests")
            ? path
            : throw new HubRefusedException($"refused the file name '{HubPolicyClient.OneLine(name)}': it points outside the folder; nothing was written");
    }

    /// <summary>As the hub accepts them: lower case letters, digits and hyphens, then <c>.yaml</c>.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}\\.yaml$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();
}

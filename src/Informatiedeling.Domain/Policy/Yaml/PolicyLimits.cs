namespace Informatiedeling.Policy.Yaml;

/// <summary>
/// Bounds on what the policy reader takes in. The reference set is a few levels deep and tens of kilobytes per file;
/// the bounds leave room for growth and keep a malformed or hostile file from exhausting the stack or the memory.
/// </summary>
public static class PolicyLimits
{
    /// <summary>Collections (sequences and mappings) nested in one another, counting from the document's root.</summary>
    public const int MaxDepth = 64;

    /// <summary>One convenant, policy or policy test file.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>The convenant and every policy file of a set together.</summary>
    public const long MaxSetBytes = 8 * 1024 * 1024;

    internal static string FileTooLarge(long bytes) =>
        $"the file is {bytes} bytes; a policy file holds at most {MaxFileBytes} bytes (1 MiB), split it or remove what is not a rule";
}

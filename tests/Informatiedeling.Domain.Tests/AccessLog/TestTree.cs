using System.Text;
using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>Distinct leaves for property tests, and a source over their leaf hashes.</summary>
internal static class TestTree
{
    public static byte[][] Leaves(int count, string tag) =>
        [.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes($"{tag}:{i}:{new string('x', i % 7)}"))];

    public static InMemoryLeafHashSource Source(IEnumerable<byte[]> leaves)
    {
        var source = new InMemoryLeafHashSource();
        foreach (var leaf in leaves)
        {
            source.AppendLeaf(leaf);
        }

        return source;
    }
}

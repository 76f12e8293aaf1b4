using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.Benchmarks.AccessLog;

/// <summary>
/// The access log's Merkle tree at the size of a busy year: one million records of 250–350 bytes (about 300 on
/// average, the size of an access record). Recomputing the root from the records — leaf hashing and tree, on one
/// core — is what an auditor does to check the whole log against a signed checkpoint; target well under 10 s.
/// Proof verification is what an outsider does per record or per checkpoint.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private const int Records = 1_000_000;
    private const int Probes = 16;

    private byte[] _records = null!;
    private int[] _offsets = null!;
    private byte[] _leafHashes = null!;
    private byte[] _root = null!;
    private InMemoryLeafHashSource _source = null!;
    private (long Index, byte[] Leaf, byte[][] Proof)[] _inclusion = null!;
    private (long OldSize, byte[] OldRoot, byte[][] Proof)[] _consistency = null!;

    [GlobalSetup(Targets = [nameof(RootOfOneMillionRecords), nameof(RootOfOneMillionLeafHashes), nameof(CreateInclusionProof)])]
    public void SetupTree()
    {
        var random = new Random(20261122);
        _offsets = new int[Records + 1];
        for (var i = 0; i < Records; i++)
        {
            _offsets[i + 1] = _offsets[i] + random.Next(250, 351);
        }

        _records = new byte[_offsets[Records]];
        random.NextBytes(_records);

        _source = new InMemoryLeafHashSource(Records);
        for (var i = 0; i < Records; i++)
        {
            _source.AppendLeaf(Record(i));
        }

        _leafHashes = _source.LeafHashes.ToArray();
        _root = MerkleTree.Root(_leafHashes);
    }

    [GlobalSetup(Targets = [nameof(VerifyInclusionProof), nameof(VerifyConsistencyProof)])]
    public void SetupProofs()
    {
        SetupTree();

        // Generated once here: generation reads every leaf hash of the tree (see CreateInclusionProof).
        var random = new Random(20261123);
        _inclusion = new (long, byte[], byte[][])[Probes];
        _consistency = new (long, byte[], byte[][])[Probes];
        var accumulator = new MerkleAccumulator();
        var oldSizes = Enumerable.Range(0, Probes).Select(_ => (long)random.Next(1, Records)).Order().ToArray();
        var next = 0;
        for (var i = 0; i < Records && next < Probes; i++)
        {
            accumulator.Append(_leafHashes.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
            while (next < Probes && accumulator.Size == oldSizes[next])
            {
                _consistency[next] = (oldSizes[next], accumulator.Root(), ConsistencyProof.Create(oldSizes[next], Records, _source));
                next++;
            }
        }

        for (var i = 0; i < Probes; i++)
        {
            long index = random.Next(Records);
            _inclusion[i] = (index, _leafHashes.AsSpan((int)index * MerkleHash.Size, MerkleHash.Size).ToArray(), InclusionProof.Create(index, Records, _source));
        }
    }

    /// <summary>Hash one million records as leaves and compute the root: the whole-log audit.</summary>
    [Benchmark]
    public byte[] RootOfOneMillionRecords()
    {
        var accumulator = new MerkleAccumulator();
        for (var i = 0; i < Records; i++)
        {
            accumulator.AppendLeaf(Record(i));
        }

        return Check(accumulator.Root());
    }

    /// <summary>The tree part alone, from the stored leaf hashes.</summary>
    [Benchmark]
    public byte[] RootOfOneMillionLeafHashes() => Check(MerkleTree.Root(_leafHashes));

    /// <summary>One inclusion proof (20 hashes) verified against the root of one million records.</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int VerifyInclusionProof()
    {
        var verified = 0;
        foreach (var (index, leaf, proof) in _inclusion)
        {
            verified += InclusionProof.Verify(index, Records, leaf, proof, _root) ? 1 : 0;
        }

        return verified == Probes ? verified : throw new InvalidOperationException("A proof did not verify.");
    }

    /// <summary>One consistency proof from an earlier size to one million records.</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int VerifyConsistencyProof()
    {
        var verified = 0;
        foreach (var (oldSize, oldRoot, proof) in _consistency)
        {
            verified += ConsistencyProof.Verify(oldSize, Records, oldRoot, _root, proof) ? 1 : 0;
        }

        return verified == Probes ? verified : throw new InvalidOperationException("A proof did not verify.");
    }

    /// <summary>Generating an inclusion proof from the leaf hashes alone: it rehashes the whole tree.</summary>
    [Benchmark]
    public int CreateInclusionProof() => InclusionProof.Create(Records / 3, Records, _source).Length;

    private ReadOnlySpan<byte> Record(int i) => _records.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);

    private byte[] Check(byte[] root) => root.AsSpan().SequenceEqual(_root) ? root : throw new InvalidOperationException("Wrong root.");

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(10).WithId("InProcess"));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        }
    }
}

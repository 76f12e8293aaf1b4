using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Informatiedeling.Protection;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Informatiedeling.Benchmarks.Protection;

/// <summary>
/// Field encryption of 1 KiB values as the client file does it — the case's data-encryption key found in the
/// key ring's cache, a pooled AES-GCM context, a fresh random nonce, the case/field/category/version binding as
/// associated data — against raw AesGcm on one reused context with a counter nonce and no associated data, in
/// the same run. Target: at least 70% of raw AES-GCM throughput.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class FieldEncryptionBenchmarks
{
    private const int Cases = 64;
    private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(1024);
    private readonly byte[] _output = new byte[1024];
    private readonly byte[] _rawCiphertext = new byte[1024];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _nonce = new byte[12];
    private ServiceProvider _services = null!;
    private CaseKeyRing _ring = null!;
    private CaseKeyId[] _keys = null!;
    private byte[][] _ciphertexts = null!;
    private AesGcm _raw = null!;
    private long _counter;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var data = Directory.CreateTempSubdirectory("infodeel-bench-").FullName;
        var settings = StorageSettings.Resolve("sqlite", null, data);
        _services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddHubStorage(settings)
            .BuildServiceProvider();
        _services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _services.OpenKeyStoreAsync(CancellationToken.None).GetAwaiter().GetResult();
        _ring = _services.GetRequiredService<CaseKeyRing>();
        _keys = [.. Enumerable.Range(0, Cases).Select(i => _ring.ForWritingAsync(Informatiedeling.Cases.CasePseudonym.New().Value, "dynamisch", CancellationToken.None).GetAwaiter().GetResult().Id)];
        _ciphertexts = [.. _keys.Select(id => Encrypt(id))];
        _raw = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        _raw.Encrypt(_nonce, _plaintext, _rawCiphertext, _tag);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte RawAesGcmEncrypt()
    {
        BitConverter.TryWriteBytes(_nonce, ++_counter);
        _raw.Encrypt(_nonce, _plaintext, _output, _tag);
        return _tag[0];
    }

    [Benchmark]
    public byte FieldEncrypt() => Encrypt(_keys[_next++ & (Cases - 1)])[^1];

    [Benchmark]
    public byte RawAesGcmDecrypt()
    {
        _raw.Decrypt(_nonce, _rawCiphertext, _tag, _output);
        return _output[0];
    }

    [Benchmark]
    public byte FieldDecrypt()
    {
        var index = _next++ & (Cases - 1);
        var id = _keys[index];
        var key = _ring.FindAsync(id, CancellationToken.None).Result.Key!;
        using var lease = key.Lease();
        var ok = FieldCipher.TryDecrypt(lease.Aes, key.BindingPrefix, "melding.inhoud", _ciphertexts[index], _output);
        return ok ? _output[0] : (byte)0;
    }

    private byte[] Encrypt(CaseKeyId id)
    {
        var key = _ring.FindAsync(id, CancellationToken.None).Result.Key!;
        using var lease = key.Lease();
        return FieldCipher.Encrypt(lease.Aes, key.BindingPrefix, "melding.inhoud", _plaintext);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcess"));
            AddColumn(StatisticColumn.Median);
        }
    }
}

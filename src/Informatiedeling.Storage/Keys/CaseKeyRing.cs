using System.Collections.Concurrent;
using System.Security.Cryptography;
using Informatiedeling.Protection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Informatiedeling.Storage.Keys;

/// <summary>Which data-encryption key: one per case and category, in versions (a case key rotation adds one).</summary>
public readonly record struct CaseKeyId(string Case, string Category, int Version)
{
    /// <summary>The wrapping context: a wrapped key unwraps only as the key it was made for.</summary>
    public string Context => $"case-key|{Case}|{Category}|{Version}";
}

/// <summary>The outcome of looking up a data-encryption key.</summary>
public readonly record struct CaseKeyLookup(CaseKey? Key, DateTimeOffset? DestroyedAt)
{
    public bool Destroyed => DestroyedAt is not null;
}

/// <summary>How many unwrapped data keys an instance keeps, and for how long (<c>Keys:CacheSize</c>, <c>Keys:CacheLifetime</c>).</summary>
public sealed record KeyCacheSettings(int Size, TimeSpan Lifetime)
{
    public static KeyCacheSettings Default { get; } = new(10_000, TimeSpan.FromSeconds(30));
}

/// <summary>
/// The data-encryption keys of cases: created on first write of a category, unwrapped and then cached in memory,
/// destroyed on request (crypto-shredding). The cache holds at most <see cref="KeyCacheSettings.Size"/> keys, each for
/// at most <see cref="KeyCacheSettings.Lifetime"/> after it was unwrapped; then the key store is asked again. That
/// lifetime is the bound on a key destroyed elsewhere — by another instance or by <c>infodeel retention run</c>: from
/// the moment the destruction commits, no instance decrypts with the key later than one lifetime on (plus a read
/// that was unwrapping it at that moment). The instance that destroys a key forgets it at once and zeroes its bytes;
/// readers that still hold it finish their operation and nothing more. A key that merely expires is left to the
/// garbage collector, not zeroed, since a reader may just have taken it from the cache.
/// </summary>
public sealed class CaseKeyRing(IDbContextFactory<KeyStoreDbContext> factory, IKeyEncryptionKeyProvider kek, TimeProvider time, KeyCacheSettings settings) : IDisposable
{
    private readonly TimeSpan _lifetime = settings.Lifetime;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = settings.Size, Clock = new CacheClock(time) });

    public int CachedKeys => _cache.Count;

    /// <summary>The key new values of this case and category are written with, created when there is none yet.</summary>
    /// <exception cref="CategoryDestroyedException">The category's keys were destroyed; nothing may be written to it again.</exception>
    public async Task<CaseKey> ForWritingAsync(string caseId, string category, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.DestroyedKeys.AsNoTracking().SingleOrDefaultAsync(d => d.Case == caseId && d.Category == category, cancellationToken) is { } destroyed)
        {
            throw new CategoryDestroyedException(category, destroyed.DestroyedAt);
        }

        var version = await db.CaseKeys.Where(k => k.Case == caseId && k.Category == category).MaxAsync(k => (int?)k.Version, cancellationToken);
        if (version is { } v)
        {
            var lookup = await FindAsync(new CaseKeyId(caseId, category, v), cancellationToken);
            return lookup.Key ?? throw new CategoryDestroyedException(category, lookup.DestroyedAt ?? time.GetUtcNow());
        }

        return await CreateAsync(new CaseKeyId(caseId, category, 1), cancellationToken);
    }

    /// <summary>Adds a new key version, which becomes the one new values are written with.</summary>
    public async Task<CaseKey> CreateAsync(CaseKeyId id, CancellationToken cancellationToken)
    {
        var material = RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
        var wrapped = kek.Wrap(material, id.Context);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.CaseKeys.Add(new CaseKeyRow
        {
            Case = id.Case, Category = id.Category, Version = id.Version, KekId = wrapped.KekId, Wrapped = wrapped.Blob, CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another writer created this version first: use theirs.
            CryptographicOperations.ZeroMemory(material);
            var theirs = (await FindAsync(id, cancellationToken)).Key;
            if (theirs is null)
            {
                throw;
            }

            return theirs;
        }

        return Cache(id, material);
    }

    /// <summary>The key of <paramref name="id"/>: from memory when cached (no allocation), else unwrapped from the key store.</summary>
    public ValueTask<CaseKeyLookup> FindAsync(CaseKeyId id, CancellationToken cancellationToken) =>
        _cache.TryGetValue(id, out CaseKey? cached) && cached is not null
            ? new ValueTask<CaseKeyLookup>(new CaseKeyLookup(cached, null))
            : new ValueTask<CaseKeyLookup>(LoadAsync(id, cancellationToken));

    /// <summary>Caches <paramref name="key"/> for one lifetime; when the cache is full it is used once and not kept.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "Ownership moves to the cache and its readers: Drop disposes a destroyed key, an expired one is left to the collector.")]
    private CaseKey Cache(CaseKeyId id, byte[] material)
    {
        var key = new CaseKey(id, material);
        using var entry = _cache.CreateEntry(id);
        entry.Value = key;
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = _lifetime;
        return key;
    }

    private async Task<CaseKeyLookup> LoadAsync(CaseKeyId id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.CaseKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Case == id.Case && k.Category == id.Category && k.Version == id.Version, cancellationToken);
        if (row is null)
        {
            var destroyed = await db.DestroyedKeys.AsNoTracking().SingleOrDefaultAsync(d => d.Case == id.Case && d.Category == id.Category, cancellationToken);
            return new CaseKeyLookup(null, destroyed?.DestroyedAt);
        }

        var material = kek.Unwrap(new WrappedKey(row.KekId, row.Wrapped), id.Context);
        return new CaseKeyLookup(Cache(id, material), null);
    }

    /// <summary>Destroys every version of a case's key for a category, records when, and forgets it in memory.</summary>
    public async Task<DateTimeOffset> DestroyAsync(string caseId, string category, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.DestroyedKeys.AsNoTracking().SingleOrDefaultAsync(d => d.Case == caseId && d.Category == category, cancellationToken);
        var at = existing?.DestroyedAt ?? time.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (existing is null)
            {
                db.DestroyedKeys.Add(new DestroyedKeyRow { Case = caseId, Category = category, DestroyedAt = at });
                await db.SaveChangesAsync(cancellationToken);
            }

            await db.CaseKeys.Where(k => k.Case == caseId && k.Category == category).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Forget(caseId, category);
        return at;
    }

    /// <summary>
    /// Destroys every version of the keys of many (case, category) pairs in one key-store transaction: either all of
    /// them are gone afterwards or none. Pairs already destroyed keep their first date. Returns when each was destroyed.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Case, string Category), DateTimeOffset>> DestroyManyAsync(
        IReadOnlyCollection<(string Case, string Category)> pairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new Dictionary<(string Case, string Category), DateTimeOffset>();
        if (pairs.Count == 0)
        {
            return result;
        }

        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var existing = await DestroyedAsync(db, pairs.Select(p => p.Case).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
            foreach (var pair in pairs.Distinct())
            {
                if (existing.TryGetValue(pair, out var at))
                {
                    result[pair] = at;
                    continue;
                }

                db.DestroyedKeys.Add(new DestroyedKeyRow { Case = pair.Case, Category = pair.Category, DestroyedAt = now });
                result[pair] = now;
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var group in pairs.GroupBy(p => p.Category, StringComparer.Ordinal))
            {
                var cases = group.Select(p => p.Case).Distinct(StringComparer.Ordinal).ToList();
                await db.CaseKeys.Where(k => k.Category == group.Key && cases.Contains(k.Case)).ExecuteDeleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // One pass over the cache, not one per pair: it may hold the keys of many thousands of cases.
        var gone = pairs.ToHashSet();
        Drop(id => gone.Contains((id.Case, id.Category)));

        return result;
    }

    /// <summary>The (case, category) pairs of <paramref name="cases"/> whose keys were destroyed, with when.</summary>
    private static async Task<Dictionary<(string Case, string Category), DateTimeOffset>> DestroyedAsync(
        KeyStoreDbContext db, IReadOnlyCollection<string> cases, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string Case, string Category), DateTimeOffset>();
        foreach (var chunk in cases.Chunk(1000))
        {
            var rows = await db.DestroyedKeys.AsNoTracking().Where(d => chunk.Contains(d.Case)).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                found[(row.Case, row.Category)] = row.DestroyedAt;
            }
        }

        return found;
    }

    /// <summary>Deletes the versions below <paramref name="version"/> once no field uses them any more.</summary>
    public async Task RetireVersionsBelowAsync(string caseId, string category, int version, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.CaseKeys.Where(k => k.Case == caseId && k.Category == category && k.Version < version).ExecuteDeleteAsync(cancellationToken);
        Drop(k => k.Case == caseId && k.Category == category && k.Version < version);
    }

    /// <summary>Drops every cached version of a case's category key from memory.</summary>
    public void Forget(string caseId, string category) => Drop(k => k.Case == caseId && k.Category == category);

    /// <summary>Removes the matching keys from the cache and zeroes them: they were destroyed or retired.</summary>
    private void Drop(Func<CaseKeyId, bool> match)
    {
        foreach (var id in _cache.Keys.OfType<CaseKeyId>().Where(match).ToList())
        {
            if (_cache.TryGetValue(id, out CaseKey? key))
            {
                _cache.Remove(id);
                key?.Dispose();
            }
        }
    }

    /// <summary>Drops every cached key, as a restarted process has none.</summary>
    public void ForgetAll() => Drop(_ => true);

    public void Dispose()
    {
        ForgetAll();
        _cache.Dispose();
    }

    /// <summary>The cache's clock is the hub's, so that entry lifetimes follow the same time as everything else.</summary>
    private sealed class CacheClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}

/// <summary>An unwrapped data-encryption key in memory, with a small pool of AES-GCM contexts (not thread-safe each).</summary>
public sealed class CaseKey(CaseKeyId id, byte[] material) : IDisposable
{
    private readonly ConcurrentQueue<AesGcm> _pool = new();
    private int _pooled;
    private volatile bool _disposed;

    public CaseKeyId Id { get; } = id;

    /// <summary>The associated-data prefix every field under this key is bound to (case, category, version).</summary>
    public byte[] BindingPrefix { get; } = FieldCipher.BindingPrefix(id.Case, id.Category, id.Version);

    /// <summary>An AES-GCM context of this key for one operation; disposing the lease returns it to the pool.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "Ownership moves to the lease, which returns the context to the pool or disposes it.")]
    public AesGcmLease Lease() => new(this, Rent());

    private AesGcm Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pool.TryDequeue(out var aes))
        {
            Interlocked.Decrement(ref _pooled);
            return aes;
        }

        return new AesGcm(material, 16);
    }

    internal void Return(AesGcm aes)
    {
        if (_disposed || Interlocked.Increment(ref _pooled) > Environment.ProcessorCount * 2)
        {
            Interlocked.Decrement(ref _pooled);
            aes.Dispose();
            return;
        }

        _pool.Enqueue(aes);
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(material);
        while (_pool.TryDequeue(out var aes))
        {
            aes.Dispose();
        }
    }
}

/// <summary>One AES-GCM context borrowed from a <see cref="CaseKey"/>'s pool.</summary>
public readonly struct AesGcmLease(CaseKey owner, AesGcm aes) : IDisposable
{
    public AesGcm Aes { get; } = aes;

    public void Dispose() => owner.Return(Aes);
}

/// <summary>A category whose keys were destroyed cannot be written again.</summary>
public sealed class CategoryDestroyedException(string category, DateTimeOffset destroyedAt)
    : Exception($"The keys of category '{category}' of this case were destroyed on {destroyedAt:yyyy-MM-dd}; it cannot be written again.")
{
    public string Category { get; } = category;

    public DateTimeOffset DestroyedAt { get; } = destroyedAt;
}

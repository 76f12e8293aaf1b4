using Informatiedeling.Protection;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.ClientFile;

/// <summary>
/// The cache of unwrapped data keys is bounded in size and in time: a key destroyed on one instance (as the purge or
/// 'infodeel retention run' destroys keys) is unusable on every other instance one cache lifetime later.
/// </summary>
public sealed class KeyCacheTests
{
    [Fact]
    public async Task A_key_destroyed_by_another_instance_is_unusable_here_one_cache_lifetime_later()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("keycache");
        var certificate = HubFactory.SharedCertificatePath();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var reader = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate, clock: clock);
        await using var destroyer = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate);
        var store = reader.Store();
        _ = destroyer.Store();
        var marker = ClientFiles.NewMarker();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields(marker), CancellationToken.None);
        var before = await store.ReadAllAsync(pseudonym);
        Assert.Equal($"{marker}-achternaam", before["persoon.achternaam"].Value); // the reader holds the key now
        Assert.True(reader.Services.GetRequiredService<CaseKeyRing>().CachedKeys > 0);

        // The key store loses the key; the case database does not know yet (the purge writes its shred rows after).
        var destroyedAt = await destroyer.Services.GetRequiredService<CaseKeyRing>().DestroyAsync(pseudonym.Value, "statisch", CancellationToken.None);

        clock.Advance(KeyCacheSettings.Default.Lifetime);
        var after = await store.ReadAllAsync(pseudonym);
        Assert.All(after.Values.Where(f => f.Category == "statisch"), f =>
        {
            Assert.Equal(FieldReadStatus.Destroyed, f.Status);
            Assert.Null(f.Value);
            Assert.Equal(destroyedAt.ToUnixTimeMilliseconds(), f.DestroyedAt?.ToUnixTimeMilliseconds());
        });
        Assert.All(after.Values.Where(f => f.Category != "statisch"), f => Assert.Equal(FieldReadStatus.Ok, f.Status));
    }

    [Fact]
    public async Task The_configured_lifetime_is_the_bound()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = HubFactory.OnSqlite(new Dictionary<string, string?> { ["Keys:CacheLifetime"] = "00:00:05" }, clock: clock);
        var store = hub.Store();
        var ring = hub.Services.GetRequiredService<CaseKeyRing>();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("t"), CancellationToken.None);
        var id = new CaseKeyId(pseudonym.Value, "statisch", 1);
        var cached = (await ring.FindAsync(id, CancellationToken.None)).Key;
        Assert.NotNull(cached);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Same(cached, (await ring.FindAsync(id, CancellationToken.None)).Key);
        clock.Advance(TimeSpan.FromSeconds(1));
        var reloaded = (await ring.FindAsync(id, CancellationToken.None)).Key; // unwrapped again from the key store
        Assert.NotNull(reloaded);
        Assert.NotSame(cached, reloaded);
    }

    [Fact]
    public async Task The_cache_holds_at_most_its_size_and_every_read_still_decrypts()
    {
        await using var hub = HubFactory.OnSqlite(new Dictionary<string, string?> { ["Keys:CacheSize"] = "4" });
        var store = hub.Store();
        var ring = hub.Services.GetRequiredService<CaseKeyRing>();
        var cases = new List<(Informatiedeling.Cases.CasePseudonym Pseudonym, string Marker)>();
        for (var i = 0; i < 4; i++)
        {
            var marker = ClientFiles.NewMarker();
            cases.Add((await store.CreateAsync("melding", null, ClientFiles.SampleFields(marker), CancellationToken.None), marker));
        }

        foreach (var (pseudonym, marker) in cases.Concat(cases))
        {
            var read = await store.ReadAllAsync(pseudonym);
            Assert.All(read.Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));
            Assert.Equal($"{marker}-achternaam", read["persoon.achternaam"].Value);
            Assert.InRange(ring.CachedKeys, 0, 4);
        }
    }
}

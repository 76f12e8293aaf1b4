using Informatiedeling.Protection;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.ClientFile;

/// <summary>Several hub instances on one PostgreSQL, and rotation of the key-encryption key and of a case's key.</summary>
public sealed class KeyManagementTests
{
    [Fact]
    public async Task Hub_processes_started_together_on_an_empty_key_store_agree_on_one_key_encryption_key()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("agree");
        var certificate = HubFactory.SharedCertificatePath();
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "postgresql",
            ["ConnectionStrings__Hub"] = connectionString,
            ["Keys__CertificatePath"] = certificate,
        };

        var hubs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => HubProcess.StartAsync(environment, TimeSpan.FromSeconds(90))));
        try
        {
            Assert.Equal(3, hubs.Select(h => h.ProcessId).Distinct().Count());
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }

        // One key ring key and one blind-index secret, whoever came first; the others used them.
        await using var observer = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate);
        var store = observer.Store();
        await using var keys = await observer.Services.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>().CreateDbContextAsync();
        Assert.Single(await keys.KeyRing.ToListAsync());
        Assert.Single(await keys.Secrets.ToListAsync());
        var pseudonym = await store.CreateAsync("melding", new PersonKey("Maria Jansen", new DateOnly(2001, 2, 3)), ClientFiles.SampleFields("A"), CancellationToken.None);
        Assert.Equal(pseudonym, await store.FindOpenCaseAsync(new PersonKey("maria jansen", new DateOnly(2001, 2, 3)), CancellationToken.None));
    }

    [Fact]
    public async Task Two_hub_instances_on_one_postgresql_read_each_others_writes()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("shared");
        var certificate = HubFactory.SharedCertificatePath();
        await using var first = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate);
        var one = first.Store();
        await using var second = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate);
        var two = second.Store();

        var person = new PersonKey("Maria Jansen", new DateOnly(2001, 2, 3));
        var pseudonym = await one.CreateAsync("melding", person, ClientFiles.SampleFields("A"), CancellationToken.None);
        Assert.Equal(pseudonym, await two.FindOpenCaseAsync(person, CancellationToken.None));
        Assert.Equal("A-adres", (await two.ReadAllAsync(pseudonym))["persoon.adres"].Value);

        await two.WriteAsync(pseudonym, new Dictionary<string, string> { ["persoon.adres"] = "Nieuwe straat 1", ["tweede-weging.urgentie"] = "hoog" }, CancellationToken.None);
        var read = await one.ReadAllAsync(pseudonym);
        Assert.Equal("Nieuwe straat 1", read["persoon.adres"].Value);
        Assert.Equal("hoog", read["tweede-weging.urgentie"].Value);
        Assert.Equal(
            first.Services.GetRequiredService<IKeyEncryptionKeyProvider>().CurrentKekId,
            second.Services.GetRequiredService<IKeyEncryptionKeyProvider>().CurrentKekId);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Rotating_the_key_encryption_key_rewraps_every_key_and_leaves_ciphertexts_untouched_even_when_interrupted(string engine)
    {
        await using var hub = await ClientFileStoreTests.StartAsync(engine);
        var store = hub.Store();
        var cases = new List<Informatiedeling.Cases.CasePseudonym>();
        for (var i = 0; i < 4; i++)
        {
            cases.Add(await store.CreateAsync("melding", null, ClientFiles.SampleFields($"r{i}"), CancellationToken.None));
        }

        var before = await CiphertextsAsync(hub);
        var kek = hub.Services.GetRequiredService<IKeyEncryptionKeyProvider>();
        var rotation = hub.Services.GetRequiredService<KekRotation>();
        var oldKek = kek.CurrentKekId;

        // Interrupted after a few keys: a new KEK is current, some keys are still under the old one.
        var (newKek, first) = await rotation.RotateAsync(resumeOnly: false, batchSize: 2, CancellationToken.None, limit: 3);
        Assert.NotEqual(oldKek, newKek);
        Assert.Equal(3, first);
        Assert.Contains(oldKek, await KekIdsAsync(hub));
        hub.Services.GetRequiredService<CaseKeyRing>().ForgetAll(); // a restarted process: nothing cached
        Assert.All(cases, c => Assert.All(store.ReadAllAsync(c).Result.Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status)));

        var (resumedKek, rest) = await rotation.RotateAsync(resumeOnly: true, batchSize: 2, CancellationToken.None);
        Assert.Equal(newKek, resumedKek);
        Assert.Equal(4 * 5 - 3 + 1, rest); // the remaining case keys plus the blind-index secret
        Assert.Equal([newKek], await KekIdsAsync(hub));
        Assert.Equal(before, await CiphertextsAsync(hub));
        hub.Services.GetRequiredService<CaseKeyRing>().ForgetAll();
        Assert.All(cases, c => Assert.All(store.ReadAllAsync(c).Result.Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status)));
        Assert.Equal(0, (await rotation.RotateAsync(resumeOnly: true, batchSize: 2, CancellationToken.None)).Rewrapped);
    }

    [Fact]
    public async Task Rotating_a_case_key_reencrypts_its_fields_and_can_be_interrupted_and_resumed()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var fields = ClientFiles.SampleFields("rot");
        fields["persoon.woonplaats"] = "Utrecht";
        fields["persoon.telefoon"] = "0612345678";
        var pseudonym = await store.CreateAsync("melding", null, fields, CancellationToken.None);
        var before = await CiphertextsAsync(hub);

        var moved = await store.RotateCategoryKeyAsync(pseudonym, "statisch", batchSize: 1, CancellationToken.None, limit: 2);
        Assert.Equal(2, moved);
        Assert.Equal([1, 2], await KeyVersionsAsync(hub, pseudonym, "statisch"));
        Assert.All((await store.ReadAllAsync(pseudonym)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));

        var rest = await store.RotateCategoryKeyAsync(pseudonym, "statisch", batchSize: 1, CancellationToken.None);
        Assert.Equal(4, rest);
        Assert.Equal([2], await KeyVersionsAsync(hub, pseudonym, "statisch"));
        var after = await CiphertextsAsync(hub);
        var read = await store.ReadAllAsync(pseudonym);
        foreach (var (field, value) in fields)
        {
            Assert.Equal(value, read[field].Value);
            Assert.Equal(read[field].Category == "statisch", !before[(pseudonym.Value, field)].SequenceEqual(after[(pseudonym.Value, field)]));
        }
    }

    private static async Task<Dictionary<(string, string), byte[]>> CiphertextsAsync(HubFactory hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().CaseFields.AsNoTracking()
            .ToDictionaryAsync(f => (f.Case, f.Field), f => f.Ciphertext);
    }

    private static async Task<List<string>> KekIdsAsync(HubFactory hub)
    {
        await using var keys = await hub.Services.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>().CreateDbContextAsync();
        return await keys.CaseKeys.Select(k => k.KekId).Concat(keys.Secrets.Select(s => s.KekId)).Distinct().ToListAsync();
    }

    private static async Task<List<int>> KeyVersionsAsync(HubFactory hub, Informatiedeling.Cases.CasePseudonym pseudonym, string category)
    {
        await using var keys = await hub.Services.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>().CreateDbContextAsync();
        return await keys.CaseKeys.Where(k => k.Case == pseudonym.Value && k.Category == category).OrderBy(k => k.Version).Select(k => k.Version).ToListAsync();
    }
}

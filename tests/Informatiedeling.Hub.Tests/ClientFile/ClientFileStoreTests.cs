using Informatiedeling.Cases;
using Informatiedeling.Protection;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.ClientFile;

/// <summary>The client file on each engine: round trips, validation, the blind index, tampering, missing keys, shredding.</summary>
public sealed class ClientFileStoreTests
{
    public static TheoryData<string> Engines => new() { "sqlite", "postgresql" };

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Every_field_round_trips_encrypted_and_decrypted(string engine)
    {
        await using var hub = await StartAsync(engine);
        var store = hub.Store();
        var fields = ClientFiles.SampleFields(ClientFiles.NewMarker());

        var pseudonym = await store.CreateAsync("melding", new PersonKey("Ána de Vries", new DateOnly(1999, 4, 12)), fields, CancellationToken.None);
        var read = await store.ReadAllAsync(pseudonym);

        Assert.Equal(fields.Count, read.Count);
        foreach (var (field, value) in fields)
        {
            Assert.Equal(FieldReadStatus.Ok, read[field].Status);
            Assert.Equal(value, read[field].Value);
        }

        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var rows = await db.CaseFields.Where(f => f.Case == pseudonym.Value).ToListAsync();
        Assert.All(rows, r => Assert.Equal(FieldCipher.FormatVersion, r.Ciphertext[0]));
        Assert.Equal(5, rows.Select(r => r.Category).Distinct().Count());
    }

    [Fact]
    public async Task Only_the_requested_categories_are_read()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("x"), CancellationToken.None);
        var vocabulary = hub.Services.GetRequiredService<Informatiedeling.Policy.PolicyHolder>().Current.Vocabulary;
        vocabulary.Categories.TryGetIndex("dynamisch", out var dynamisch);

        var read = await store.ReadAsync(pseudonym, 1UL << dynamisch, CancellationToken.None);

        Assert.NotEmpty(read);
        Assert.All(read, f => Assert.Equal("dynamisch", f.Category));
    }

    [Fact]
    public async Task Bad_values_are_refused_without_echoing_them_and_nothing_is_written()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", null, new Dictionary<string, string> { ["melding.inhoud"] = "eerste" }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<FieldValidationException>(() => store.WriteAsync(pseudonym, new Dictionary<string, string>
        {
            ["persoon.geboortedatum"] = "12-04-1999 SECRETDOB",
            ["melding.uitbuitingsvorm"] = "SECRETKIND",
            ["persoon.schoenmaat"] = "43",
            ["melding.inhoud"] = "tweede",
        }, CancellationToken.None));

        Assert.Equal(3, error.Problems.Count);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.Contains("field 'persoon.geboortedatum' must be a date written yyyy-MM-dd", error.Problems);
        Assert.Contains("unknown field 'persoon.schoenmaat'", error.Problems);
        Assert.Equal("eerste", (await store.ReadAllAsync(pseudonym))["melding.inhoud"].Value);
    }

    [Fact]
    public async Task The_same_person_is_found_through_the_blind_index_and_only_through_it()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", new PersonKey("Ána  de Vries", new DateOnly(1999, 4, 12)), new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal(pseudonym, await store.FindOpenCaseAsync(new PersonKey("ANA DE VRIES", new DateOnly(1999, 4, 12)), CancellationToken.None));
        Assert.Equal(pseudonym, await store.FindOpenCaseAsync(new PersonKey(" ana de-vries ", new DateOnly(1999, 4, 12)), CancellationToken.None));
        Assert.Null(await store.FindOpenCaseAsync(new PersonKey("Ana de Vries", new DateOnly(1999, 4, 13)), CancellationToken.None));
        Assert.Null(await store.FindOpenCaseAsync(new PersonKey("Anna de Vries", new DateOnly(1999, 4, 12)), CancellationToken.None));

        await using var scope = hub.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Cases.SingleAsync(c => c.Pseudonym == pseudonym.Value);
        Assert.Matches("^[0-9a-f]{64}$", row.BlindIndex);
        Assert.Matches("^cs-[0-9a-hjkmnp-tv-z]{26}$", pseudonym.Value);
    }

    [Fact]
    public async Task A_tampered_ciphertext_fails_integrity_for_that_field_only()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("t"), CancellationToken.None);
        await UpdateFieldAsync(hub, pseudonym, "melding.inhoud", row => row.Ciphertext[^1] ^= 0x01);

        var read = await store.ReadAllAsync(pseudonym);

        Assert.Equal(FieldReadStatus.IntegrityFailure, read["melding.inhoud"].Status);
        Assert.Null(read["melding.inhoud"].Value);
        Assert.All(read.Values.Where(f => f.Field != "melding.inhoud"), f => Assert.Equal(FieldReadStatus.Ok, f.Status));
    }

    [Fact]
    public async Task Swapped_fields_and_a_ciphertext_moved_to_another_case_fail_integrity()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var first = await store.CreateAsync("melding", null, ClientFiles.SampleFields("a"), CancellationToken.None);
        var second = await store.CreateAsync("melding", null, ClientFiles.SampleFields("b"), CancellationToken.None);

        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var name = await db.CaseFields.SingleAsync(f => f.Case == first.Value && f.Field == "persoon.achternaam");
            var address = await db.CaseFields.SingleAsync(f => f.Case == first.Value && f.Field == "persoon.adres");
            var other = await db.CaseFields.SingleAsync(f => f.Case == second.Value && f.Field == "melding.inhoud");
            var mine = await db.CaseFields.SingleAsync(f => f.Case == first.Value && f.Field == "melding.inhoud");
            (name.Ciphertext, address.Ciphertext) = (address.Ciphertext, name.Ciphertext);
            mine.Ciphertext = other.Ciphertext;
            await db.SaveChangesAsync();
        }

        var read = await store.ReadAllAsync(first);
        Assert.Equal(FieldReadStatus.IntegrityFailure, read["persoon.achternaam"].Status);
        Assert.Equal(FieldReadStatus.IntegrityFailure, read["persoon.adres"].Status);
        Assert.Equal(FieldReadStatus.IntegrityFailure, read["melding.inhoud"].Status);
        Assert.Equal(FieldReadStatus.Ok, read["persoon.voornamen"].Status);
        Assert.Equal(FieldReadStatus.Ok, (await store.ReadAllAsync(second))["melding.inhoud"].Status);
    }

    [Fact]
    public async Task A_missing_key_and_a_tampered_wrapped_key_are_reported_per_category()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("k"), CancellationToken.None);
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            await using var keys = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>().CreateDbContextAsync();
            await keys.CaseKeys.Where(k => k.Case == pseudonym.Value && k.Category == "exceptioneel").ExecuteDeleteAsync();
            var wrapped = await keys.CaseKeys.SingleAsync(k => k.Case == pseudonym.Value && k.Category == "statisch");
            var altered = wrapped.Wrapped.ToArray();
            altered[^3] ^= 0x10;
            wrapped.Wrapped = altered;
            await keys.SaveChangesAsync();
        }

        hub.Services.GetRequiredService<CaseKeyRing>().Forget(pseudonym.Value, "exceptioneel");
        hub.Services.GetRequiredService<CaseKeyRing>().Forget(pseudonym.Value, "statisch");
        var read = await store.ReadAllAsync(pseudonym);

        Assert.All(read.Values.Where(f => f.Category == "exceptioneel"), f => Assert.Equal(FieldReadStatus.KeyMissing, f.Status));
        Assert.All(read.Values.Where(f => f.Category == "statisch"), f => Assert.Equal(FieldReadStatus.IntegrityFailure, f.Status));
        Assert.All(read.Values.Where(f => f.Category is "dynamisch" or "strafrechtelijk"), f => Assert.Equal(FieldReadStatus.Ok, f.Status));
    }

    [Fact]
    public async Task Destroying_a_category_makes_it_read_as_destroyed_forgets_the_key_and_refuses_new_writes()
    {
        await using var hub = HubFactory.OnSqlite();
        var store = hub.Store();
        var ring = hub.Services.GetRequiredService<CaseKeyRing>();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("d"), CancellationToken.None);
        _ = await store.ReadAllAsync(pseudonym);
        Assert.True((await ring.FindAsync(new CaseKeyId(pseudonym.Value, "exceptioneel", 1), CancellationToken.None)).Key is not null);

        var at = await store.DestroyCategoryAsync(pseudonym, "exceptioneel", CancellationToken.None);

        var lookup = await ring.FindAsync(new CaseKeyId(pseudonym.Value, "exceptioneel", 1), CancellationToken.None);
        Assert.Null(lookup.Key);
        Assert.Equal(at, lookup.DestroyedAt);
        var read = await store.ReadAllAsync(pseudonym);
        Assert.All(read.Values.Where(f => f.Category == "exceptioneel"), f =>
        {
            Assert.Equal(FieldReadStatus.Destroyed, f.Status);
            Assert.Equal(at, f.DestroyedAt);
        });
        Assert.All(read.Values.Where(f => f.Category != "exceptioneel"), f => Assert.Equal(FieldReadStatus.Ok, f.Status));
        await Assert.ThrowsAsync<CategoryDestroyedException>(() =>
            store.WriteAsync(pseudonym, new Dictionary<string, string> { ["eerste-weging.dreiging"] = "nieuw" }, CancellationToken.None));
        Assert.Equal(at, await store.DestroyCategoryAsync(pseudonym, "exceptioneel", CancellationToken.None));
    }

    internal static async Task<HubFactory> StartAsync(string engine) =>
        engine == "sqlite" ? HubFactory.OnSqlite() : await HubFactory.OnPostgresAsync();

    private static async Task UpdateFieldAsync(HubFactory hub, CasePseudonym pseudonym, string field, Action<CaseFieldRow> change)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var row = await db.CaseFields.SingleAsync(f => f.Case == pseudonym.Value && f.Field == field);
        var copy = row.Ciphertext.ToArray();
        row.Ciphertext = copy;
        change(row);
        await db.SaveChangesAsync();
    }
}

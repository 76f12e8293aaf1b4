using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.ClientFile;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>Administrative events reach the access log: a policy set coming into force, keys rotated and destroyed.</summary>
public sealed class AdministrativeEventTests
{
    private static readonly LogReader PrivacyOfficer = new("fg-1", null, "functionaris-gegevensbescherming", null);

    [Fact]
    public async Task The_policy_set_in_force_and_every_key_rotation_and_destruction_are_logged()
    {
        await using var hub = HubFactory.OnSqlite();
        var log = hub.Log();
        var store = hub.Store();
        var published = await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.PolicyPublished }, PrivacyOfficer, CancellationToken.None);
        var policy = Assert.Single(published).Record;
        Assert.Equal($"policy-set:{hub.Services.GetRequiredService<Informatiedeling.Policy.PolicyHolder>().Current.Set.ContentHash}", policy.Subject);
        Assert.Equal("11.2", policy.Article);

        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("adm"), CancellationToken.None);
        await store.DestroyCategoryAsync(pseudonym, "exceptioneel", CancellationToken.None, actor: "retentie");
        var (kek, _) = await hub.Services.GetRequiredService<KekRotation>().RotateAsync(resumeOnly: false, batchSize: 10, CancellationToken.None, actor: "operator:test");
        await store.RotateCategoryKeyAsync(pseudonym, "statisch", 10, CancellationToken.None);

        var destroyed = Assert.Single(await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.KeyDestroyed }, PrivacyOfficer, CancellationToken.None)).Record;
        Assert.Equal(pseudonym, destroyed.Case);
        Assert.Equal("case-key:exceptioneel", destroyed.Subject);
        Assert.Equal("retentie", destroyed.ActorUser);
        var rotated = (await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.KeyRotated }, PrivacyOfficer, CancellationToken.None)).Select(r => r.Record).ToList();
        Assert.Contains(rotated, r => r.Subject == $"kek:{kek}" && r.ActorUser == "operator:test" && r.Case is null);
        Assert.Contains(rotated, r => r.Subject == "case-key:statisch:v2" && r.Case == pseudonym);
        Assert.NotEmpty(await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.LogRead }, PrivacyOfficer, CancellationToken.None));
    }
}

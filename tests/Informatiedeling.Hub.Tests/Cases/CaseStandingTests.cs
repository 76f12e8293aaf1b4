using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.ClientFile;
using Informatiedeling.Policy;
using Informatiedeling.Protection;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// What a read looks up besides the fields, on each engine: a partner's role in a step and its invitation, and
/// the shredding of a category, each answered for this case, this partner and this step only.
/// </summary>
public sealed class CaseStandingTests
{
    public static TheoryData<string> Engines => new() { "sqlite", "postgresql" };

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_partners_standing_is_its_role_in_that_step_and_its_own_invitation(string engine)
    {
        await using var hub = await ClientFileStoreTests.StartAsync(engine);
        var store = hub.Store();
        var directory = hub.Services.GetRequiredService<CaseDirectory>();
        var set = hub.Services.GetRequiredService<PolicyHolder>().Current.Set;
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("s"), CancellationToken.None);
        var other = await store.CreateAsync("melding", null, ClientFiles.SampleFields("o"), CancellationToken.None);
        await directory.AssignDefaultRolesAsync(pseudonym, set, CancellationToken.None);
        await directory.AssignDefaultRolesAsync(other, set, CancellationToken.None);
        var until = new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            // As process direction does: a shell partner invited on one case, with a role in one step.
            db.CaseInvitations.Add(new CaseInvitationRow { Case = pseudonym.Value, Partner = "riec", InvitedUntil = until, InvitedAt = until.AddDays(-30) });
            db.CaseRoles.Add(new CaseRoleRow { Case = pseudonym.Value, Step = "casusoverleg", Partner = "riec", Role = "C" });
            await db.SaveChangesAsync();
        }

        Assert.Equal(new CaseStanding(Role.R, null), await directory.StandingAsync(pseudonym, "veilig-thuis", "melding", CancellationToken.None));
        Assert.Equal(new CaseStanding(Role.I, null), await directory.StandingAsync(pseudonym, "zvh", "melding", CancellationToken.None));
        Assert.Equal(new CaseStanding(null, null), await directory.StandingAsync(pseudonym, "politie", "melding", CancellationToken.None));
        Assert.Equal(new CaseStanding(Role.C, until), await directory.StandingAsync(pseudonym, "riec", "casusoverleg", CancellationToken.None));
        Assert.Equal(new CaseStanding(null, until), await directory.StandingAsync(pseudonym, "riec", "melding", CancellationToken.None));
        Assert.Equal(new CaseStanding(null, null), await directory.StandingAsync(other, "riec", "casusoverleg", CancellationToken.None));
        Assert.Equal(default, await directory.StandingAsync(CasePseudonym.New(), "veilig-thuis", "melding", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Only_the_shredded_category_of_that_case_reads_as_destroyed(string engine)
    {
        await using var hub = await ClientFileStoreTests.StartAsync(engine);
        var store = hub.Store();
        var pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields("d"), CancellationToken.None);
        var other = await store.CreateAsync("melding", null, ClientFiles.SampleFields("e"), CancellationToken.None);

        var destroyed = await store.DestroyCategoryAsync(pseudonym, "exceptioneel", CancellationToken.None);
        var at = destroyed.AddTicks(-(destroyed.Ticks % 10)); // PostgreSQL keeps microseconds

        var read = await store.ReadAllAsync(pseudonym);
        Assert.Equal(ClientFiles.SampleFields("d").Count, read.Count);
        Assert.All(read.Values, f =>
        {
            Assert.Equal(f.Category == "exceptioneel" ? FieldReadStatus.Destroyed : FieldReadStatus.Ok, f.Status);
            Assert.Equal(f.Category == "exceptioneel" ? at : null, f.DestroyedAt?.AddTicks(-(f.DestroyedAt.Value.Ticks % 10)));
        });
        Assert.All((await store.ReadAllAsync(other)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));
    }
}

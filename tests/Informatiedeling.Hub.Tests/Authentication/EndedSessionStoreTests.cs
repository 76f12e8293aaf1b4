using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Authentication;

/// <summary>
/// The list of sessions providers ended, on both engines: a logout naming a session ends that session only; one
/// naming just the subject ends the subject's sessions begun before it, not those begun after; nothing crosses to
/// another issuer; entries older than a session can last are removed.
/// </summary>
public sealed class EndedSessionStoreTests
{
    private const string Police = "https://idp.politie.example";
    private const string Other = "https://idp.gemeente.example";
    private static readonly TimeSpan Keep = TimeSpan.FromHours(13);

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Ended_sessions_are_found_by_session_or_by_subject_and_only_at_their_issuer(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var store = hub.Factory.Services.GetRequiredService<EndedSessionStore>();
        var now = DateTimeOffset.UtcNow;
        var before = now.AddMinutes(-10);
        var after = now.AddMilliseconds(5);

        await store.RecordAsync(Police, "sid-1", "agent-1", now, Keep, CancellationToken.None);
        await store.RecordAsync(Police, null, "agent-2", now, Keep, CancellationToken.None);

        // By session: that session, whenever it began; not the subject's other sessions.
        Assert.True(await store.HasEndedAsync(Police, "sid-1", "agent-1", before, CancellationToken.None));
        Assert.True(await store.HasEndedAsync(Police, "sid-1", "agent-1", after, CancellationToken.None));
        Assert.False(await store.HasEndedAsync(Police, "sid-9", "agent-1", before, CancellationToken.None));
        Assert.False(await store.HasEndedAsync(Police, null, "agent-1", before, CancellationToken.None));

        // By subject alone: each of its sessions begun before the logout, with or without a sid; none begun after.
        Assert.True(await store.HasEndedAsync(Police, "sid-2", "agent-2", before, CancellationToken.None));
        Assert.True(await store.HasEndedAsync(Police, null, "agent-2", now, CancellationToken.None));
        Assert.False(await store.HasEndedAsync(Police, "sid-3", "agent-2", after, CancellationToken.None));
        Assert.False(await store.HasEndedAsync(Police, null, "agent-2", after, CancellationToken.None));

        // Another issuer's sessions of the same names are not ended.
        Assert.False(await store.HasEndedAsync(Other, "sid-1", "agent-1", before, CancellationToken.None));
        Assert.False(await store.HasEndedAsync(Other, null, "agent-2", before, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Entries_older_than_a_session_can_last_are_removed_when_the_next_logout_is_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var store = hub.Factory.Services.GetRequiredService<EndedSessionStore>();
        var now = DateTimeOffset.UtcNow;
        await store.RecordAsync(Police, "sid-old", "agent-old", now - Keep - TimeSpan.FromMinutes(1), Keep, CancellationToken.None);
        await store.RecordAsync(Police, "sid-kept", "agent-kept", now - Keep + TimeSpan.FromMinutes(1), Keep, CancellationToken.None);
        Assert.True(await store.HasEndedAsync(Police, "sid-old", "agent-old", now - TimeSpan.FromDays(1), CancellationToken.None));

        await store.RecordAsync(Police, "sid-new", "agent-new", now, Keep, CancellationToken.None);
        Assert.False(await store.HasEndedAsync(Police, "sid-old", "agent-old", now - TimeSpan.FromDays(1), CancellationToken.None));
        Assert.True(await store.HasEndedAsync(Police, "sid-kept", "agent-kept", now - TimeSpan.FromDays(1), CancellationToken.None));
        Assert.True(await store.HasEndedAsync(Police, "sid-new", "agent-new", now - TimeSpan.FromDays(1), CancellationToken.None));

        await using var db = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        Assert.Equal(["sid-kept", "sid-new"], await db.EndedSessions.Select(e => e.Sid!).OrderBy(s => s).ToListAsync());
    }

    [Fact]
    public async Task A_logout_naming_neither_session_nor_subject_is_not_recorded()
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        var store = hub.Factory.Services.GetRequiredService<EndedSessionStore>();
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordAsync(Police, null, "", DateTimeOffset.UtcNow, Keep, CancellationToken.None));
    }
}

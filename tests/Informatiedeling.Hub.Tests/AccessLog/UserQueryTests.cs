using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// The acting user's query column on both engines: a query by partner and user finds exactly that employee's records
/// (not another user of the partner, not the same user id at another partner), combines with the other criteria, and
/// pages newest first with neither gap nor repeat; the leaves and the tree are as before, so the log still verifies.
/// </summary>
public sealed class UserQueryTests
{
    public static TheoryData<string> Engines => [.. AccessLogs.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_query_by_partner_and_user_finds_exactly_that_employees_records_newest_first_page_by_page(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var log = hub.Log();
        var store = hub.Services.GetRequiredService<AccessLogStore>();
        var politie = AccessLogs.Partner("politie");
        var kmar = AccessLogs.Partner("kmar");
        var pseudonym = CasePseudonym.New();
        var mine = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            mine.Add(await log.AppendAsync(AccessLogs.Decision(i % 2 == 0 ? pseudonym : null), CancellationToken.None));
            await log.AppendAsync(AccessLogs.Decision(pseudonym, user: "agent-18"), CancellationToken.None); // the same partner, another user
            await log.AppendAsync(AccessLogs.Decision(pseudonym) with { ActorPartner = kmar }, CancellationToken.None); // the same id, another partner
        }

        var all = await store.QueryAsync(new AccessLogQuery { Partner = politie, User = "agent-17", NewestFirst = true }, CancellationToken.None);
        Assert.Equal(mine.AsEnumerable().Reverse(), all.Select(r => r.Seq));
        Assert.All(all, r => Assert.Equal(("agent-17", politie), (r.Record.ActorUser!, r.Record.ActorPartner!.Value)));

        // Combined with a case: only those of my records that concern it.
        var onCase = await store.QueryAsync(new AccessLogQuery { Partner = politie, User = "agent-17", Case = pseudonym }, CancellationToken.None);
        Assert.Equal(mine.Where((_, i) => i % 2 == 0), onCase.Select(r => r.Seq));

        // Page by page, newest first, each page below the last seq of the one before.
        var paged = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await store.QueryAsync(
                new AccessLogQuery { Partner = politie, User = "agent-17", NewestFirst = true, BeforeSeq = before, Limit = 3 }, CancellationToken.None);
            paged.AddRange(page.Select(r => r.Seq));
            if (page.Count < 3)
            {
                break;
            }

            before = page[^1].Seq;
        }

        Assert.Equal(all.Select(r => r.Seq), paged);

        // A user the log never saw finds nothing; the user column copies the leaf and leaves the tree as it was.
        Assert.Empty(await store.QueryAsync(new AccessLogQuery { Partner = politie, User = "agent-99" }, CancellationToken.None));
        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_read_by_user_names_whether_it_was_the_readers_own_never_the_user_id(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var log = hub.Log();
        await log.AppendAsync(AccessLogs.Decision(), CancellationToken.None);
        var reader = new LogReader("fg-1", AccessLogs.Partner("zvh"), "privacy-officer", null);

        await log.ReadAsync(new AccessLogQuery { Partner = AccessLogs.Partner("politie"), User = "agent-17", NewestFirst = true, BeforeSeq = 1000 }, reader, CancellationToken.None);

        var reads = await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.LogRead }, reader, CancellationToken.None);
        var subject = reads[0].Record.Subject!;
        Assert.Contains("user=other", subject, StringComparison.Ordinal);
        Assert.Contains("before=1000", subject, StringComparison.Ordinal);
        Assert.Contains("order=newest", subject, StringComparison.Ordinal);
        Assert.DoesNotContain("agent-17", subject, StringComparison.Ordinal);
    }
}

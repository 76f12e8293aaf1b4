using System.Net;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Replay;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Real traffic through the hub (intake, reads under several purposes, an emergency read, a partner without a role,
/// field writes, step moves, an invitation, figures) is recorded so that it can be decided again: replayed from the
/// store under the set in force, every decision is reproduced, and each basis occurs.
/// </summary>
public sealed class DecisionReplayTrafficTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_log_of_real_traffic_replays_under_the_set_in_force_without_a_mismatch(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        var p = await hub.NewCaseAsync();
        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}");
        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}/data?purpose=signalering-en-weging");
        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}/data?purpose=signalering-en-weging&categories=statisch");
        await hub.EmergencyReadAsync(p, "Fictief acuut gevaar");
        using (await hub.SendAsync("veilig-thuis", HttpMethod.Put, $"/cases/{p}/fields",
            new { purpose = "signalering-en-weging", fields = new Dictionary<string, string> { ["persoon.achternaam"] = "Jansen-Replay" } }))
        {
        }

        // A partner without a role: hidden reads and summary, and a refused step.
        using (var hidden = await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{p}/data?purpose=signalering-en-weging"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using (var summary = await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{p}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, summary.StatusCode);
        }

        using (await hub.SendAsync("politie", HttpMethod.Post, $"/cases/{p}/step", new { from = "melding" }))
        {
        }

        // Not the engine's decisions: a case that does not exist, a read without a purpose.
        using (var missing = await hub.SendAsync("politie", HttpMethod.Get, "/cases/cs-0123456789abcdefghjkmnpqrs/data?purpose=signalering-en-weging"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var purposeless = await hub.SendAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}/data"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, purposeless.StatusCode);
        }

        await hub.MoveToAsync(p, "casusoverleg");
        var until = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeSeconds());
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until });
        await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}/data?purpose=casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}/data?purpose=casusoverleg");
        await hub.OkAsync("politie", HttpMethod.Get, "/monitoring?purpose=monitoring");
        using (await hub.SendAsync("politie", HttpMethod.Get, "/monitoring?purpose=casusoverleg"))
        {
        }

        var closed = await hub.ClosedCaseAsync();
        await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{closed}/data?purpose=evaluatie");

        var current = hub.Factory.Services.GetRequiredService<PolicyHolder>().Current;
        var store = hub.Factory.Services.GetRequiredService<AccessLogStore>();
        var to = DateTimeOffset.UtcNow.AddMinutes(5);
        var report = await DecisionReplay.RunAsync(
            store.StreamDecisionsAsync(from, to, CancellationToken.None), hash => hash == current.Set.ContentHash ? current : null, current, from, to);

        Assert.True(report.Trusted, string.Join("; ", report.Reproduction.Samples.Select(m => $"{m.Seq}: {string.Join(",", m.Differs)} {m.Recorded} / {m.Replayed}")));
        Assert.Equal(0, report.Reproduction.Mismatches);
        Assert.Equal(0, report.NotReplayable.VersionMissing);
        Assert.Equal(0, report.NotReplayable.BeforeBasis);
        Assert.All(report.ReplayedByBasis, basis => Assert.True(basis.Value > 0, $"no {basis.Key} decision replayed"));
        Assert.Equal(0, report.Proposal.Total.Changed);
        Assert.True(report.NotReplayable.NoBasis > 0, "the case that does not exist and the errors carry no basis");

        // Every record with a basis is dated at the moment it was decided for, and refusals after the gate carry none.
        var log = await hub.LogAsync(everyKind: true);
        Assert.Contains(log, r => r.Record.Basis == DecisionBasis.Action("melding-aannemen", newCase: true) && r.Record.Decision == AccessDecision.Permit);
        Assert.Contains(log, r => r.Record.Basis == DecisionBasis.Purpose && r.Record.Decision == AccessDecision.Deny && r.Record.ActorPartner?.Value == "politie");
        Assert.Contains(log, r => r.Record.Basis == DecisionBasis.Standing && r.Record.Decision == AccessDecision.Deny);
        Assert.All(log.Where(r => r.Record.Decision == AccessDecision.Error), r => Assert.Null(r.Record.Basis));
        Assert.All(log.Where(r => r.Record.Basis is not null), r => Assert.True(r.Record.OccurredAt <= r.RecordedAt));
    }
}

using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Storage;
using Informatiedeling.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.PolicyAdministration;

/// <summary>
/// The four-eyes flow of a change of the sharing rules, on both engines: proposed by the functional administrator,
/// validated with its tests, replayed, approved by a privacy officer who is not its author, activated for every
/// instance; each step in the access log; every refusal (the author approving, a changed revision, activating what is
/// not approved, a widening not acknowledged) recorded and changing nothing.
/// </summary>
public sealed class PolicyProposalTests
{
    internal const string Admin = PartnerClaims.FunctionalAdministrator;
    internal const string Officer = PartnerClaims.PrivacyOfficer;

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    /// <summary>The reference set's text of a policy file.</summary>
    internal static string Reference(string name) => File.ReadAllText(Path.Combine(RepositoryPaths.Policies, name)).ReplaceLineEndings("\n");

    /// <summary>Keeps exceptioneel 60 days after closure instead of 90: narrows, and decides nothing otherwise.</summary>
    internal static Dictionary<string, string> Shorter() => new()
    {
        ["retention.yaml"] = Reference("retention.yaml").Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 60", StringComparison.Ordinal),
    };

    internal static Task<HttpResponseMessage> AsAdmin(CaseHub hub, HttpMethod method, string path, object? body = null, string user = "fb-1") =>
        hub.SendAsAsync("zvh", user, Admin, method, path, body);

    internal static Task<HttpResponseMessage> AsOfficer(CaseHub hub, HttpMethod method, string path, object? body = null, string user = "fg-hub") =>
        hub.SendAsAsync("zvh", user, Officer, method, path, body);

    internal static async Task<JsonElement> JsonOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task<string> ActiveHashAsync(CaseHub hub) =>
        (await hub.OkAsync("politie", HttpMethod.Get, "/policy/active")).GetProperty("contentHash").GetString()!;

    /// <summary>Proposes, replays, approves and activates <paramref name="files"/>; returns the proposal's detail after activation.</summary>
    internal static Task<JsonElement> ThroughAsync(CaseHub hub, Dictionary<string, string> files, bool acknowledge = false, string title = "Korter bewaren") =>
        ThroughAsync(hub, new { title, files }, acknowledge);

    /// <summary>Proposes <paramref name="body"/>, replays, approves and activates it; returns the proposal's detail after activation.</summary>
    internal static async Task<JsonElement> ThroughAsync(CaseHub hub, object body, bool acknowledge)
    {
        var proposed = await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", body), HttpStatusCode.Created);
        var id = proposed.GetProperty("proposal").GetProperty("id").GetInt64();
        await JsonOf(await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/impact"), HttpStatusCode.OK);
        await JsonOf(await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1, acknowledgeWidening = acknowledge }), HttpStatusCode.OK);
        return await JsonOf(await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/activation", new { revision = 1 }), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_change_goes_from_proposal_to_every_decision_with_each_step_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var before = await ActiveHashAsync(hub);
        var pseudonym = await hub.NewCaseAsync();
        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=signalering-en-weging");

        var proposed = await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", new { title = "Exceptioneel korter bewaren", files = Shorter() }), HttpStatusCode.Created);
        var proposal = proposed.GetProperty("proposal");
        var id = proposal.GetProperty("id").GetInt64();
        var version = proposal.GetProperty("contentHash").GetString()!;
        Assert.Equal(("open", 1, before, false), (proposal.GetProperty("status").GetString(), proposal.GetProperty("revision").GetInt32(), proposal.GetProperty("baseHash").GetString(), proposal.GetProperty("widens").GetBoolean()));
        Assert.Equal(("zvh", "fb-1"), (proposal.GetProperty("author").GetProperty("partner").GetString(), proposal.GetProperty("author").GetProperty("user").GetString()));
        Assert.True(proposed.GetProperty("testsPassed").GetInt32() > 100);
        var change = Assert.Single(proposed.GetProperty("diff").GetProperty("changes").EnumerateArray());
        Assert.Equal(("retention", "bewaar-exceptioneel"), (change.GetProperty("section").GetString(), change.GetProperty("ruleId").GetString()));
        var days = Assert.Single(change.GetProperty("aspects").EnumerateArray());
        Assert.Equal(("days", "narrows", "90", "60"), (days.GetProperty("aspect").GetString(), days.GetProperty("direction").GetString(), days.GetProperty("before").GetString(), days.GetProperty("after").GetString()));
        var text = Assert.Single(proposed.GetProperty("textDiff").EnumerateArray());
        Assert.Equal("retention.yaml", text.GetProperty("path").GetString());
        Assert.Equal(2, text.GetProperty("lines").EnumerateArray().Count(l => l.GetProperty("kind").GetString() != "unchanged"));

        // Nothing is in force before the four eyes saw it.
        Assert.Equal(before, await ActiveHashAsync(hub));
        Assert.Equal(HttpStatusCode.Conflict, (await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/activation", new { revision = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1 })).StatusCode); // not replayed

        var replayed = await JsonOf(await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/impact"), HttpStatusCode.OK);
        var impact = replayed.GetProperty("impact");
        Assert.True(impact.GetProperty("trusted").GetBoolean(), impact.GetRawText());
        Assert.True(impact.GetProperty("replayed").GetInt64() >= 2, impact.GetRawText());
        Assert.Equal(0, impact.GetProperty("proposal").GetProperty("total").GetProperty("changed").GetInt64());
        Assert.DoesNotContain(pseudonym, replayed.GetRawText(), StringComparison.Ordinal);

        // The author, signed in as a privacy officer, cannot approve their own proposal; another privacy officer can.
        var own = await JsonOf(await hub.SendAsAsync("zvh", "fb-1", Officer, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1 }), HttpStatusCode.Forbidden);
        Assert.Contains("four eyes", own.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 2 })).StatusCode);
        var approved = await JsonOf(await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1 }), HttpStatusCode.OK);
        Assert.Equal("approved", approved.GetProperty("proposal").GetProperty("status").GetString());
        Assert.Equal(("zvh", "fg-hub", 1), (approved.GetProperty("decision").GetProperty("by").GetProperty("partner").GetString(),
            approved.GetProperty("decision").GetProperty("by").GetProperty("user").GetString(), approved.GetProperty("decision").GetProperty("approvedRevision").GetInt32()));
        Assert.Equal(before, await ActiveHashAsync(hub));

        var activated = await JsonOf(await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/activation", new { revision = 1 }), HttpStatusCode.OK);
        Assert.Equal("activated", activated.GetProperty("proposal").GetProperty("status").GetString());
        var active = await hub.OkAsync("politie", HttpMethod.Get, "/policy/active");
        Assert.Equal((version, id), (active.GetProperty("contentHash").GetString(), active.GetProperty("proposal").GetInt64()));
        Assert.Equal(version, hub.Factory.Services.GetRequiredService<PolicyHolder>().Current.Set.ContentHash);

        // Every decision from now on names the new version.
        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=signalering-en-weging");
        Assert.Equal(version, (await hub.LogAsync(r => r.Operation == "case.read")).Last().Record.PolicySetHash);

        // Each step in the access log, with the actor and the hashes, in order.
        var steps = (await hub.LogAsync(r => r.Operation?.StartsWith("policy.", StringComparison.Ordinal) == true, everyKind: true))
            .Where(r => r.Record.Subject?.Contains($"proposal={id};", StringComparison.Ordinal) == true).Select(r => r.Record).ToList();
        Assert.Equal(
            ["policy.propose permit fb-1", "policy.validate permit fb-1", "policy.activate error fb-1", "policy.approve error fg-hub", "policy.replay permit fb-1",
             "policy.approve deny fb-1", "policy.approve error fg-hub", "policy.approve permit fg-hub", "policy.activate permit fb-1"],
            steps.Select(r => $"{r.Operation} {r.Decision.ToString().ToLowerInvariant()} {r.ActorUser}"));
        Assert.All(steps, r => Assert.Contains($"version={version};base={before}", r.Subject, StringComparison.Ordinal));
        Assert.Equal(AccessEventKind.PolicyPublished, steps[^1].Kind);
        Assert.Contains($"policy-set:{version}", steps[^1].Subject, StringComparison.Ordinal);
        Assert.All(steps.SkipLast(1).Where(r => r.Decision == AccessDecision.Permit), r => Assert.Equal(AccessEventKind.PolicyChange, r.Kind));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_revision_voids_the_approval_and_a_widening_needs_acknowledging(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var original = await ActiveHashAsync(hub);
        await ThroughAsync(hub, Shorter());
        var shorter = await ActiveHashAsync(hub);

        // Back to 90 days is a widening: the approval must acknowledge it.
        var proposed = await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", new { title = "Terug naar 90 dagen", from = original }), HttpStatusCode.Created);
        var id = proposed.GetProperty("proposal").GetProperty("id").GetInt64();
        Assert.True(proposed.GetProperty("proposal").GetProperty("widens").GetBoolean());
        Assert.Equal(original, proposed.GetProperty("proposal").GetProperty("contentHash").GetString());
        await JsonOf(await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/impact"), HttpStatusCode.OK);
        var unacknowledged = await JsonOf(await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1 }), HttpStatusCode.BadRequest);
        Assert.Contains("acknowledgeWidening", unacknowledged.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await JsonOf(await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1, acknowledgeWidening = true }), HttpStatusCode.OK);

        // The author changes it after the approval: the approval is void, and the new revision needs its own replay and approval.
        var revised = await JsonOf(await AsAdmin(hub, HttpMethod.Put, $"/policy/proposals/{id}", new
        {
            files = new Dictionary<string, string> { ["retention.yaml"] = Reference("retention.yaml").Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 80", StringComparison.Ordinal) },
        }), HttpStatusCode.OK);
        Assert.Equal(("open", 2, false), (revised.GetProperty("proposal").GetProperty("status").GetString(), revised.GetProperty("proposal").GetProperty("revision").GetInt32(),
            revised.GetProperty("proposal").GetProperty("replayed").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, revised.GetProperty("decision").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/activation", new { revision = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AsAdmin(hub, HttpMethod.Post, $"/policy/proposals/{id}/activation", new { revision = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await AsAdmin(hub, HttpMethod.Put, $"/policy/proposals/{id}", new { title = "Iemand anders" }, user: "fb-2")).StatusCode);
        Assert.Equal(shorter, await ActiveHashAsync(hub));
        var voided = await hub.LogAsync(r => r.Operation == "policy.revise" && r.Subject!.Contains("approval=void", StringComparison.Ordinal), everyKind: true);
        Assert.Single(voided);

        // Rejected with a reason: final.
        Assert.Equal(HttpStatusCode.BadRequest, (await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/rejection", new { reason = " " })).StatusCode);
        var rejected = await JsonOf(await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/rejection", new { reason = "80 dagen staat niet in het convenant" }), HttpStatusCode.OK);
        Assert.Equal(("rejected", "80 dagen staat niet in het convenant"), (rejected.GetProperty("proposal").GetProperty("status").GetString(), rejected.GetProperty("decision").GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await AsOfficer(hub, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AsAdmin(hub, HttpMethod.Put, $"/policy/proposals/{id}", new { title = "Nog eens" })).StatusCode);

        // Rolling back is a proposal of the earlier version through the same flow.
        await ThroughAsync(hub, new { title = "Terugdraaien", from = original }, acknowledge: true);
        Assert.Equal(original, await ActiveHashAsync(hub));
        var versions = await JsonOf(await AsOfficer(hub, HttpMethod.Get, "/policy/versions"), HttpStatusCode.OK);
        Assert.Equal(3, versions.GetProperty("activations").GetArrayLength());
        Assert.Equal(2, versions.GetProperty("versions").GetArrayLength());
    }
}

using System.Net;
using System.Net.Http.Headers;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Cases;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// A read's record carries every input of its decision, so that the decision can be replayed from the log alone: the
/// case's step and status, the caller's role and the end of its invitation, and whether a justification was given.
/// A case the caller may not see is recorded as it was found; a case that does not exist, with no case inputs.
/// </summary>
public sealed class DecisionInputsRecordTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_read_records_step_status_role_invitation_and_whether_a_justification_was_given(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.NewCaseAsync();
        var role = (await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}")).GetProperty("yourRole").GetString();

        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}/data?purpose=signalering-en-weging");
        var read = Assert.Single(await ReadsAsync(hub, p, "veilig-thuis"));
        Assert.Equal(AccessDecision.Partial, read.Decision);
        Assert.Equal(("melding", AccessRecord.OpenStatus, role), (read.Step, read.CaseStatus, read.Role));
        Assert.Null(read.InvitedUntil);
        Assert.False(read.JustificationGiven);

        // Hidden from a partner without a role: the caller is told nothing, the log holds what the decision saw.
        using (var hidden = await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{p}/data?purpose=signalering-en-weging"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        var denied = Assert.Single(await ReadsAsync(hub, p, "politie"));
        Assert.Equal(AccessDecision.Deny, denied.Decision);
        Assert.Equal(("melding", AccessRecord.OpenStatus), (denied.Step, denied.CaseStatus));
        Assert.Null(denied.Role);

        // A case that does not exist has no step or status to record.
        const string missing = "cs-0123456789abcdefghjkmnpqrs";
        using (var none = await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{missing}/data?purpose=signalering-en-weging"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        var nothing = Assert.Single(await hub.LogAsync(r => r.Operation == "case.read" && r.Case?.Value == missing));
        Assert.Equal(AccessDecision.Deny, nothing.Record.Decision);
        Assert.Null(nothing.Record.Step);
        Assert.Null(nothing.Record.CaseStatus);
        Assert.Null(nothing.Record.InvitedUntil);

        // An emergency read with its justification, and the same read without one.
        await hub.MoveToAsync(p, "eerste-weging");
        using (var emergency = await ReadAsync(hub, "zvh", p, "acute-veiligheid", "Fictief acuut gevaar"))
        {
            Assert.Equal(HttpStatusCode.OK, emergency.StatusCode);
        }

        using (var without = await ReadAsync(hub, "zvh", p, "acute-veiligheid", justification: null))
        {
            Assert.Equal(HttpStatusCode.OK, without.StatusCode);
        }

        var zvh = await ReadsAsync(hub, p, "zvh");
        Assert.Equal(2, zvh.Count);
        Assert.All(zvh, r => Assert.Equal(("eerste-weging", AccessRecord.OpenStatus), (r.Step, r.CaseStatus)));
        Assert.True(zvh[0].JustificationGiven);
        Assert.NotNull(zvh[0].Justification);
        Assert.False(zvh[1].JustificationGiven);
        Assert.Null(zvh[1].Justification);

        // A shell partner reads while invited: the invitation's end is recorded with its role.
        await hub.MoveToAsync(p, "casusoverleg");
        var until = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeSeconds());
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until });
        await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}/data?purpose=casusoverleg");
        var invited = Assert.Single(await ReadsAsync(hub, p, "kmar"));
        Assert.Equal(("casusoverleg", AccessRecord.OpenStatus, "C"), (invited.Step, invited.CaseStatus, invited.Role));
        Assert.Equal(until, invited.InvitedUntil);

        // A closed case is recorded as closed.
        var closed = await hub.ClosedCaseAsync();
        await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{closed}/data?purpose=evaluatie");
        var evaluation = Assert.Single(await ReadsAsync(hub, closed, "zvh"));
        Assert.Equal(("uitvoering", AccessRecord.ClosedStatus), (evaluation.Step, evaluation.CaseStatus));
    }

    private static async Task<List<AccessRecord>> ReadsAsync(CaseHub hub, string pseudonym, string partner) =>
        [.. (await hub.LogAsync(r => r.Operation == "case.read" && r.Case?.Value == pseudonym && r.ActorPartner?.Value == partner)).OrderBy(r => r.Seq).Select(r => r.Record)];

    private static async Task<HttpResponseMessage> ReadAsync(CaseHub hub, string partner, string pseudonym, string purpose, string? justification)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?purpose={purpose}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync(partner));
        if (justification is not null)
        {
            request.Headers.Add(CaseEndpoints.JustificationHeader, justification);
        }

        return await hub.Client.SendAsync(request);
    }
}

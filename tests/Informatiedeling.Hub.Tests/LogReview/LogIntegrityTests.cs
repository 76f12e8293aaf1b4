using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.LogReview;

/// <summary>
/// <c>/access-log/integrity</c> on both engines: the latest signed checkpoint; a verification started by the hub's
/// privacy officer, recorded and shown, not again too soon; a kept checkpoint the log extends, one it does not, and a
/// forged one (400 naming the member); everyone else refused and recorded.
/// </summary>
public sealed class LogIntegrityTests
{
    private const string Officer = PartnerClaims.PrivacyOfficer;
    private const string OwnOfficer = PartnerClaims.PartnerPrivacyOfficer;

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_status_shows_the_latest_checkpoint_and_a_verification_is_recorded_shown_and_not_repeated_too_soon(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        await hub.NewCaseAsync();
        var (issued, _) = await hub.Factory.Services.GetRequiredService<CheckpointIssuer>().IssueAsync(CancellationToken.None);

        var status = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/integrity");
        var checkpoint = status.GetProperty("checkpoint");
        Assert.Equal(issued.Size, checkpoint.GetProperty("size").GetInt64());
        Assert.Equal(issued.Note, checkpoint.GetProperty("note").GetString());
        Assert.Equal(Convert.ToHexStringLower(issued.Root), checkpoint.GetProperty("root").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastVerification").ValueKind);

        // A partner's own privacy officer sees the status too, but may not start a verification.
        await hub.OkAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, "/access-log/integrity");
        using (var refused = await hub.SendAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Post, "/access-log/integrity/verify"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var verified = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/integrity/verify");
        Assert.Equal("verified", verified.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, verified.GetProperty("firstBadSeq").ValueKind);
        var size = verified.GetProperty("size").GetInt64();
        Assert.True(size > issued.Size);

        var record = Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.integrity.verify" && r.Decision == AccessDecision.Permit, everyKind: true));
        Assert.Equal(AccessEventKind.LogRead, record.Record.Kind);
        Assert.Equal($"integrity.verify;result=verified;size={size};checkpoints={verified.GetProperty("checkpointsChecked").GetInt32()};bad=none", record.Record.Subject);

        var after = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/integrity");
        var last = after.GetProperty("lastVerification");
        Assert.Equal("verified", last.GetProperty("outcome").GetString());
        Assert.Equal(size, last.GetProperty("size").GetInt64());
        Assert.False(after.GetProperty("verificationRunning").GetBoolean());

        // Again at once: too soon, recorded, nothing run.
        using (var again = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/integrity/verify"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }

        Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.integrity.verify" && r.Decision == AccessDecision.Error && r.Subject == "integrity.verify;too-soon", everyKind: true));
        Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.integrity.verify" && r.Decision == AccessDecision.Deny && r.ActorPartner?.Value == "politie"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_kept_checkpoint_the_log_extends_is_consistent_a_forked_or_larger_one_is_not_and_a_forged_one_is_refused(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var issuer = hub.Factory.Services.GetRequiredService<CheckpointIssuer>();
        var signer = hub.Factory.Services.GetRequiredService<CheckpointSigner>();
        var origin = hub.Factory.Services.GetRequiredService<AccessLogSettings>().Origin;
        await hub.NewCaseAsync();
        var (kept, _) = await issuer.IssueAsync(CancellationToken.None);
        await hub.NewCaseAsync(); // the log grows after the witness kept its checkpoint

        var answer = await hub.OkAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Post, "/access-log/integrity/consistency", new { checkpoint = kept.Note });
        Assert.True(answer.GetProperty("consistent").GetBoolean());
        Assert.Equal("append-only", answer.GetProperty("outcome").GetString());
        Assert.Equal(kept.Size, answer.GetProperty("keptSize").GetInt64());
        var latest = answer.GetProperty("latest");
        var latestSize = latest.GetProperty("size").GetInt64();
        Assert.True(latestSize > kept.Size);
        var proof = answer.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
        Assert.True(ConsistencyProof.Verify(kept.Size, latestSize, kept.Root, Convert.FromHexString(latest.GetProperty("root").GetString()!), proof));
        var verifier = signer.CreateVerifier(origin);
        Assert.True(verifier.Verify(latest.GetProperty("note").GetString()).IsVerified);
        var record = Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.integrity.consistency", everyKind: true));
        Assert.Equal($"integrity.consistency;kept={kept.Size};latest={latestSize};outcome=append-only", record.Record.Subject);

        // Signed by the hub's key, but another tree at that size: the log does not extend it.
        var forked = signer.Sign(new Checkpoint(origin, kept.Size, RandomNumberGenerator.GetBytes(32), DateTimeOffset.UtcNow));
        var notConsistent = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/integrity/consistency", new { checkpoint = forked });
        Assert.False(notConsistent.GetProperty("consistent").GetBoolean());
        Assert.Equal("forked", notConsistent.GetProperty("outcome").GetString());

        // A checkpoint larger than the log: records were removed, or an older state restored.
        var larger = signer.Sign(new Checkpoint(origin, 1_000_000, RandomNumberGenerator.GetBytes(32), DateTimeOffset.UtcNow));
        var truncated = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/integrity/consistency", new { checkpoint = larger });
        Assert.False(truncated.GetProperty("consistent").GetBoolean());
        Assert.Equal("truncated", truncated.GetProperty("outcome").GetString());

        var status = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/integrity");
        Assert.Equal("truncated", status.GetProperty("lastConsistency").GetProperty("outcome").GetString());
        Assert.Equal(1_000_000, status.GetProperty("lastConsistency").GetProperty("keptSize").GetInt64());

        // Forged: the kept note with its size changed no longer carries the hub's signature.
        var lines = kept.Note.Split('\n');
        lines[1] = (kept.Size + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var bad in new[] { string.Join('\n', lines), "" })
        {
            using var refused = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/integrity/consistency", new { checkpoint = bad });
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains("checkpoint", text, StringComparison.Ordinal);
        }

        Assert.NotEmpty(await hub.LogAsync(r => r.Operation == "access-log.integrity.consistency" && r.Decision == AccessDecision.Error, everyKind: true));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_employee_is_refused_every_integrity_route_and_it_is_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/access-log/integrity"), (HttpMethod.Post, "/access-log/integrity/verify") })
        {
            using var refused = await hub.SendAsAsync("politie", "agent-1", null, method, path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var refused = await hub.SendAsAsync("politie", "agent-1", null, HttpMethod.Post, "/access-log/integrity/consistency", new { checkpoint = "x\n" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var denials = await hub.LogAsync(r => r.Decision == AccessDecision.Deny && r.ActorUser == "agent-1");
        Assert.Equal(["access-log.integrity", "access-log.integrity.consistency", "access-log.integrity.verify"], denials.Select(d => d.Record.Operation!).Order(StringComparer.Ordinal));
    }
}

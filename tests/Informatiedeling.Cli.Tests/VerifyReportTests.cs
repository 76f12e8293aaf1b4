using System.Text.Json;
using System.Text.Json.Nodes;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary>
/// <c>infodeel log verify-report</c>, without a database: a report as the hub writes it verifies with the log's
/// verifier key; a changed date, a changed proof, a changed leaf hash or another key fails, naming what failed.
/// </summary>
public sealed class VerifyReportTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_report_verifies_and_any_change_to_it_fails_naming_the_first_failure(bool named)
    {
        using var signer = CheckpointSigner.Generate(AccessLogSettings.KeyName);
        var json = Report(signer, named);
        var folder = TestRun.CreateTempSubdirectory("infodeel-cli-report-").FullName;
        try
        {
            async Task<ProgramResult> VerifyAsync(string text, string key)
            {
                var file = Path.Combine(folder, $"{Guid.NewGuid():N}.json");
                await File.WriteAllTextAsync(file, text);
                return await Infodeel.RunAsync("", "log", "verify-report", file, "--verifier-key", key);
            }

            var ok = await VerifyAsync(json, signer.VerifierKey);
            Assert.True(ok.ExitCode == 0, ok.Error);
            Assert.Contains("report verified: 3 access(es) verified against checkpoint 7", ok.Output, StringComparison.Ordinal);
            Assert.Contains(named ? "every shown field is the signed record's" : "the shown fields are not bound", ok.Output, StringComparison.Ordinal);

            using var other = CheckpointSigner.Generate(AccessLogSettings.KeyName);
            var wrongKey = await VerifyAsync(json, other.VerifierKey);
            Assert.Equal(1, wrongKey.ExitCode);
            Assert.Contains("the checkpoint does not verify", wrongKey.Error, StringComparison.Ordinal);

            var proof = Tampered(json, a => a[1]!["inclusionPath"]![0] = Convert.ToBase64String(new byte[32]));
            var changedProof = await VerifyAsync(proof, signer.VerifierKey);
            Assert.Equal(1, changedProof.ExitCode);
            Assert.Contains("access at seq 3: the inclusion proof does not lead to the checkpoint's root", changedProof.Error, StringComparison.Ordinal);

            var hash = Tampered(json, a => a[0]!["leafHash"] = a[2]!["leafHash"]!.GetValue<string>());
            Assert.Equal(1, (await VerifyAsync(hash, signer.VerifierKey)).ExitCode);

            var date = Tampered(json, a => a[2]!["date"] = Start.AddDays(-3).ToString("O"));
            var changedDate = await VerifyAsync(date, signer.VerifierKey);
            if (named)
            {
                Assert.Equal(1, changedDate.ExitCode);
                Assert.Contains("access at seq 5: 'date' as shown is not what the record holds", changedDate.Error, StringComparison.Ordinal);
                var user = Tampered(json, a => a[0]!["user"] = "iemand-anders");
                Assert.Contains("'user' as shown", (await VerifyAsync(user, signer.VerifierKey)).Error, StringComparison.Ordinal);
                var dropped = Tampered(json, a => a[0]!["leaf"] = null);
                Assert.Contains("binds its fields to the leaves, but this access has none", (await VerifyAsync(dropped, signer.VerifierKey)).Error, StringComparison.Ordinal);
            }
            else
            {
                // Without the leaves a shown field is not bound: this is what "hash-only" says, and the output says so.
                Assert.Equal(0, changedDate.ExitCode);
            }

            var malformed = await VerifyAsync("{ not json", signer.VerifierKey);
            Assert.Equal(1, malformed.ExitCode);
            Assert.Contains("not a subject report", malformed.Error, StringComparison.Ordinal);
            var noKey = await Infodeel.RunAsync("", "log", "verify-report", Path.Combine(folder, "none.json"), "--verifier-key", signer.VerifierKey);
            Assert.Equal(2, noKey.ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A log of seven records of which three (seq 0, 3, 5) are releases on the case; the report as the hub builds it.</summary>
    private static string Report(CheckpointSigner signer, bool named)
    {
        var pseudonym = CasePseudonym.New();
        var source = new InMemoryLeafHashSource();
        var leaves = new List<(LoggedRecord Logged, byte[] Leaf)>();
        for (var seq = 0L; seq < 7; seq++)
        {
            var record = new AccessRecord
            {
                Id = Guid.NewGuid(),
                Kind = AccessEventKind.AccessDecision,
                OccurredAt = Start.AddMinutes(seq),
                ActorUser = $"medewerker-{seq}",
                ActorPartner = PartnerId.TryParse("politie", out var partner) ? partner : null,
                Role = "C",
                Case = pseudonym,
                Operation = "case.read",
                Purpose = PurposeId.TryParse("casusoverleg", out var purpose) ? purpose : null,
                LegalGround = "convenant art. 5",
                CategoriesReleased = ["persoon"],
                Decision = AccessDecision.Permit,
            };
            var leaf = AccessRecordEncoding.Encode(seq, Start.AddMinutes(seq), record);
            source.AppendLeaf(leaf);
            leaves.Add((AccessRecordEncoding.Decode(leaf), leaf));
        }

        var tree = InclusionProofs.Build(source, source.Count);
        var note = signer.Sign(new Checkpoint(AccessLogSettings.DefaultOrigin, tree.TreeSize, tree.Root, Start.AddHours(1)));
        var accesses = new[] { 0, 3, 5 }.Select(i => SubjectReportAccess.Of(leaves[i].Logged, named, tree.LeafHash(i), named ? leaves[i].Leaf : null, tree.Path(i))).ToList();
        var report = new SubjectReport(
            SubjectReport.CurrentVersion, Start.AddHours(1), [pseudonym.Value], "all", named, named ? "rights-exercise" : null,
            named ? SubjectReport.LeafBinding : SubjectReport.HashOnlyBinding,
            new SubjectReportCheckpoint(tree.TreeSize, Convert.ToBase64String(tree.Root), note, signer.VerifierKey), accesses, "infodeel log verify-report");
        return JsonSerializer.Serialize(report, SubjectReport.Json);
    }

    private static string Tampered(string json, Action<JsonArray> change)
    {
        var node = JsonNode.Parse(json)!;
        change(node["accesses"]!.AsArray());
        return node.ToJsonString();
    }
}

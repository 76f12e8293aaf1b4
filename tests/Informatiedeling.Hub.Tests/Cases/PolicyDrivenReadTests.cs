using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// The read path asks the policy set, not a list of names of its own: which purposes are released only on a
/// written justification (a purpose fence's <c>justification: required</c>) and which categories are special
/// personal data (the convenant's <c>sensitivity: bijzondere-persoonsgegevens</c>). Shown with a set, edited from
/// the reference, in which strafrechtelijke-handhaving needs a justification and dynamisch is special.
/// </summary>
public sealed class PolicyDrivenReadTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_purpose_the_policy_set_fences_with_a_justification_releases_only_with_one_and_seals_it(string engine)
    {
        using var folder = new EditedPolicySet();
        await using var hub = await CaseHub.StartAsync(engine, extra: folder.Settings);
        var pseudonym = await hub.NewCaseAsync(new() { ["persoon.achternaam"] = "Jansen", ["melding.uitbuitingsvorm"] = "arbeid" });
        await hub.MoveToAsync(pseudonym, "uitvoering");
        var marker = $"Fictief: aanhouding op heterdaad {Guid.NewGuid():N}";

        var without = await ReadAsync(hub, pseudonym, "purpose=strafrechtelijke-handhaving", null);
        Assert.Empty(without.GetProperty("fields").EnumerateObject());
        Assert.All(without.GetProperty("withheld").EnumerateArray(), w =>
        {
            Assert.Equal(EditedPolicySet.FenceId, w.GetProperty("rule").GetString());
            Assert.Equal("purpose 'strafrechtelijke-handhaving' requires a written justification", w.GetProperty("reason").GetString());
        });
        var refused = await LastReadAsync(hub, pseudonym);
        Assert.Equal(AccessDecision.Deny, refused.Record.Decision);
        Assert.True(refused.Record.Emergency);
        Assert.Null(refused.Record.Justification);

        var with = await ReadAsync(hub, pseudonym, "purpose=strafrechtelijke-handhaving", marker);
        Assert.Equal("Jansen", with.GetProperty("fields").GetProperty("persoon.achternaam").GetString());
        Assert.Equal("arbeid", with.GetProperty("fields").GetProperty("melding.uitbuitingsvorm").GetString());
        var released = await LastReadAsync(hub, pseudonym);
        Assert.Equal("doel-strafrechtelijke-handhaving", released.Record.Rule);
        Assert.True(released.Record.Emergency);
        var sealedText = Assert.IsType<SealedJustification>(released.Record.Justification);
        var justifications = hub.Factory.Services.GetRequiredService<AccessLogJustifications>();
        Assert.True(CasePseudonym.TryParse(pseudonym, out var parsed));
        Assert.Equal(marker, await justifications.OpenAsync(parsed, released.Record.Id, sealedText, CancellationToken.None));

        // Sealed, never plaintext: not in the ciphertext, the record, the answer or the hub's own log.
        var bytes = Encoding.UTF8.GetBytes(marker);
        Assert.True(sealedText.Ciphertext.Span.IndexOf(bytes.AsSpan(0, 16)) < 0);
        Assert.DoesNotContain(marker, JsonSerializer.Serialize(released.Record), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, with.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, hub.Factory.Logs.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_category_the_convenant_classes_as_special_is_logged_as_special_personal_data(string engine)
    {
        using var folder = new EditedPolicySet();
        await using var hub = await CaseHub.StartAsync(engine, extra: folder.Settings);
        var pseudonym = await hub.NewCaseAsync(new() { ["persoon.achternaam"] = "Jansen", ["melding.uitbuitingsvorm"] = "arbeid" });

        await ReadAsync(hub, pseudonym, "purpose=signalering-en-weging&categories=dynamisch", null);
        var special = await LastReadAsync(hub, pseudonym);
        Assert.Equal(["dynamisch"], special.Record.CategoriesReleased);
        Assert.Equal(Sensitivity.Special, special.Record.Sensitivity);

        await ReadAsync(hub, pseudonym, "purpose=signalering-en-weging&categories=statisch", null);
        var normal = await LastReadAsync(hub, pseudonym);
        Assert.Equal(["statisch"], normal.Record.CategoriesReleased);
        Assert.Equal(Sensitivity.Normal, normal.Record.Sensitivity);
    }

    private static async Task<JsonElement> ReadAsync(CaseHub hub, string pseudonym, string query, string? justification)
    {
        var partner = query.Contains("strafrechtelijke-handhaving", StringComparison.Ordinal) ? "politie" : "veilig-thuis";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?{query}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync(partner));
        if (justification is not null)
        {
            request.Headers.Add(CaseEndpoints.JustificationHeader, justification);
        }

        using var response = await hub.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<LoggedRecord> LastReadAsync(CaseHub hub, string pseudonym) =>
        (await hub.LogAsync(r => r.Case?.Value == pseudonym && r.Operation == "case.read")).MaxBy(r => r.Seq)!;

    /// <summary>
    /// The reference convenant and policy files copied to a folder of their own, with strafrechtelijke-handhaving
    /// fenced by a justification and dynamisch classed as special personal data.
    /// </summary>
    private sealed class EditedPolicySet : IDisposable
    {
        public const string FenceId = "hek-strafrechtelijke-handhaving";

        private readonly DirectoryInfo _root = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-policy-");

        public EditedPolicySet()
        {
            var policies = _root.CreateSubdirectory("policies");
            foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml"))
            {
                File.Copy(file, Path.Combine(policies.FullName, Path.GetFileName(file)));
            }

            File.AppendAllText(Path.Combine(policies.FullName, "fences.yaml"), $$"""

                  # Edited for the test: the investigation's own reads also need a written justification.
                  - id: {{FenceId}}
                    purpose: strafrechtelijke-handhaving
                    categories: [statisch, dynamisch, exceptioneel, strafrechtelijk]
                    justification: required
                    article: "3.5"

                """);
            var convenant = File.ReadAllText(RepositoryPaths.Convenant);
            const string Dynamisch = "dynamisch: { article: \"4.2\", sensitivity: persoonsgegevens }";
            Assert.Contains(Dynamisch, convenant, StringComparison.Ordinal);
            ConvenantPath = Path.Combine(_root.FullName, "convenant.yaml");
            File.WriteAllText(ConvenantPath, convenant.Replace(Dynamisch, "dynamisch: { article: \"4.2\", sensitivity: bijzondere-persoonsgegevens }", StringComparison.Ordinal));
            PolicyDirectory = policies.FullName;
        }

        public string ConvenantPath { get; }

        public string PolicyDirectory { get; }

        public Dictionary<string, string?> Settings => new()
        {
            ["Policy:Convenant"] = ConvenantPath,
            ["Policy:Directory"] = PolicyDirectory,
        };

        public void Dispose() => _root.Delete(recursive: true);
    }
}

using System.Net;
using System.Text.Json;
using Informatiedeling.Policy;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>A refused change of the policy files shows in readiness, with file, line and column, while the set in force stays.</summary>
public sealed class PolicyReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_refused_change_on_disk_is_reported_by_readiness_until_a_later_change_loads()
    {
        var policies = TestRun.CreateTempSubdirectory("infodeel-policies-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml"))
            {
                File.Copy(file, Path.Combine(policies.FullName, Path.GetFileName(file)));
            }

            await using var hub = HubFactory.OnSqlite(new Dictionary<string, string?>
            {
                ["Policy:Directory"] = policies.FullName,
                ["Policy:WatchForChanges"] = "true",
            });
            var (status, check) = await PolicyCheckAsync(hub);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
            var inForce = hub.Services.GetRequiredService<PolicyHolder>().Current.Set.ContentHash;

            // A typo in one key, beside a change that would widen a fence if it ever came into force.
            var fences = Path.Combine(policies.FullName, "fences.yaml");
            var original = await File.ReadAllTextAsync(fences);
            var broken = original
                .Replace("    roles: [R, A, S]\n", "    rols: [R, A, S]\n", StringComparison.Ordinal)
                .Replace("    partners: [veilig-thuis]\n", "    partners: [veilig-thuis, gemeente]\n", StringComparison.Ordinal);
            Assert.NotEqual(original, broken);
            var line = broken.Split('\n').ToList().FindIndex(l => l.StartsWith("    rols:", StringComparison.Ordinal)) + 1;
            await File.WriteAllTextAsync(fences, broken);

            (status, check) = await WaitForAsync(hub, "Degraded");
            Assert.Equal(HttpStatusCode.OK, status);
            var refused = check.GetProperty("data").GetProperty("refused").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Contains(refused, p => p.StartsWith($"fences.yaml:{line}:5: error PL012: unknown key 'rols'", StringComparison.Ordinal));
            Assert.All(refused, p => Assert.Matches(@"^fences\.yaml:\d+:\d+: error PL\d{3}: ", p));
            Assert.Equal(inForce, check.GetProperty("data").GetProperty("inForce").GetString());
            Assert.StartsWith($"policy set {inForce[..12]} stays in force: the policy files on disk were refused", check.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal(inForce, hub.Services.GetRequiredService<PolicyHolder>().Current.Set.ContentHash);

            // A later change that loads clears it.
            var retention = Path.Combine(policies.FullName, "retention.yaml");
            var shorter = (await File.ReadAllTextAsync(retention)).Replace("days: 90", "days: 60", StringComparison.Ordinal);
            await File.WriteAllTextAsync(retention, shorter);
            await File.WriteAllTextAsync(fences, original);
            (status, check) = await WaitForAsync(hub, "Healthy");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(JsonValueKind.Null, check.GetProperty("data").ValueKind);
            var loaded = hub.Services.GetRequiredService<PolicyHolder>().Current.Set.ContentHash;
            Assert.NotEqual(inForce, loaded);
            Assert.Equal($"policy set {loaded[..12]}", check.GetProperty("description").GetString());
        }
        finally
        {
            policies.Delete(recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Check)> WaitForAsync(HubFactory hub, string wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var (status, check) = await PolicyCheckAsync(hub);
            if (check.GetProperty("status").GetString() == wanted || DateTime.UtcNow > deadline)
            {
                Assert.True(check.GetProperty("status").GetString() == wanted, $"readiness did not report {wanted} within {Patience}: {check}");
                return (status, check);
            }

            await Task.Delay(100);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Check)> PolicyCheckAsync(HubFactory hub)
    {
        using var client = hub.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.GetProperty("checks").GetProperty("policy").Clone());
    }
}

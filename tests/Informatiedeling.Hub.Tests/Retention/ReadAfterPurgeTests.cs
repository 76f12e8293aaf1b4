using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>Reading a purged case says what was destroyed, when, and under which rule and article: not an error, not an empty success.</summary>
public sealed class ReadAfterPurgeTests
{
    [Fact]
    public async Task A_read_of_a_purged_case_names_each_destroyed_category_with_date_rule_and_article()
    {
        var now = DateTimeOffset.UtcNow;
        var closedAt = now.AddDays(-731);
        await using var hub = HubFactory.OnSqlite(new Dictionary<string, string?>
        {
            ["Authentication:DevelopmentIssuer:Enabled"] = "true",
            ["AccessLog:CheckpointInterval"] = "40.00:00:00",
        }, environment: "Development");
        using var client = hub.CreateClient();
        var pseudonym = await hub.ClosedCaseAsync(closedAt);
        await hub.Services.GetRequiredService<CaseDirectory>().AssignDefaultRolesAsync(pseudonym, hub.Services.GetRequiredService<PolicyHolder>().Current.Set, CancellationToken.None);

        // Before the purge: evaluatie releases no category of a closed case, and nothing is destroyed yet.
        var before = await ReadAsync(client, pseudonym.Value);
        Assert.Empty(before.GetProperty("destroyed").EnumerateArray());

        var purgedAt = Assert.Single((await hub.Purge().RunAsync()).Purged).PurgedAt;
        Assert.InRange(purgedAt, now, DateTimeOffset.UtcNow);
        var after = await ReadAsync(client, pseudonym.Value);

        Assert.Equal("closed", after.GetProperty("status").GetString());
        Assert.Empty(after.GetProperty("fields").EnumerateObject());
        var destroyed = after.GetProperty("destroyed").EnumerateArray()
            .ToDictionary(d => d.GetProperty("category").GetString()!, d => d, StringComparer.Ordinal);
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), destroyed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("bewaar-statisch", destroyed["statisch"].GetProperty("rule").GetString());
        Assert.Equal("8.4", destroyed["statisch"].GetProperty("article").GetString());
        Assert.Equal("bewaar-melder-identiteit", destroyed["melder-identiteit"].GetProperty("rule").GetString());
        Assert.Equal("8.2", destroyed["melder-identiteit"].GetProperty("article").GetString());
        Assert.Equal("8.3", destroyed["exceptioneel"].GetProperty("article").GetString());
        // The last categories purged, the case keeps the day of each destruction, not its instant.
        Assert.All(destroyed.Values, d => Assert.Equal(new DateTimeOffset(purgedAt.UtcDateTime.Date, TimeSpan.Zero), d.GetProperty("destroyedAt").GetDateTimeOffset()));
    }

    private static async Task<JsonElement> ReadAsync(HttpClient client, string pseudonym)
    {
        using var tokenResponse = await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("zvh", "zvh-evaluator"));
        var token = (await tokenResponse.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=evaluatie");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

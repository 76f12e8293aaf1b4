using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Informatiedeling.Hub.Authentication;
using Microsoft.AspNetCore.Http;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>
/// The limit per client address holds before authentication: callers without a token, with a malformed or forged
/// token, are refused with 429 once the address's bucket is empty, as authenticated callers are.
/// </summary>
public sealed class AddressRateLimitTests
{
    private static readonly Dictionary<string, string?> SmallBucket = new()
    {
        ["RateLimiting:PerAddressBurst"] = "5",
        ["RateLimiting:PerAddressPerPeriod"] = "1",
        ["RateLimiting:PerAddressPeriod"] = "01:00:00",
    };

    [Fact]
    public async Task Requests_without_a_token_are_limited_by_address()
    {
        await using var hub = HubFactory.OnSqlite(SmallBucket);
        var client = hub.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.GetAsync(new Uri("/me", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var limited = await client.GetAsync(new Uri("/cases/cs-0123456789abcdefghjkmnpqrs", UriKind.Relative));
        await ProblemDetailsTests.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Requests_with_invalid_tokens_are_limited_by_address()
    {
        await using var hub = HubFactory.OnSqlite(
            new Dictionary<string, string?>(SmallBucket) { ["Authentication:DevelopmentIssuer:Enabled"] = "true" }, environment: "Development");
        var client = hub.CreateClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var token in new[] { "not-a-jwt", "eyJhbGciOiJub25lIn0.e30.", "a.b.c", "not-a-jwt", "a.b.c", "not-a-jwt", "a.b.c", "not-a-jwt" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The bucket is the address's, whoever asks: a valid token from it is refused too, before it is read.
        using var minted = await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("politie", "agent-1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, minted.StatusCode);
    }

    [Fact]
    public async Task Each_address_has_a_bucket_of_its_own_and_an_ipv6_network_shares_one()
    {
        await using var hub = HubFactory.OnSqlite(SmallBucket);
        async Task<int> StatusFromAsync(string address)
        {
            var context = await hub.Server.SendAsync(c =>
            {
                c.Request.Method = HttpMethods.Get;
                c.Request.Path = "/me";
                c.Connection.RemoteIpAddress = IPAddress.Parse(address);
            });
            return context.Response.StatusCode;
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, await StatusFromAsync($"2001:db8:1:2::{i + 1:x}"));
        }

        // Another address of the same /64 finds the bucket empty; another network, or an IPv4 caller, does not.
        Assert.Equal(StatusCodes.Status429TooManyRequests, await StatusFromAsync("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.Equal(StatusCodes.Status401Unauthorized, await StatusFromAsync("2001:db8:1:3::1"));
        Assert.Equal(StatusCodes.Status401Unauthorized, await StatusFromAsync("192.0.2.10"));
        Assert.Equal(StatusCodes.Status401Unauthorized, await StatusFromAsync("::ffff:192.0.2.11"));
    }

    [Fact]
    public async Task Within_the_address_limit_each_user_keeps_a_bucket_of_its_own()
    {
        await using var hub = HubFactory.OnSqlite(
            new Dictionary<string, string?>(SmallBucket)
            {
                ["Authentication:DevelopmentIssuer:Enabled"] = "true",
                ["RateLimiting:PerAddressBurst"] = "100",
                ["RateLimiting:Burst"] = "2",
                ["RateLimiting:PerPeriod"] = "1",
                ["RateLimiting:Period"] = "01:00:00",
            },
            environment: "Development");
        var client = hub.CreateClient();
        async Task<HttpStatusCode> MeAsync(string user)
        {
            var token = (await (await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("politie", user))).Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], [await MeAsync("busy"), await MeAsync("busy"), await MeAsync("busy")]);
        Assert.Equal(HttpStatusCode.OK, await MeAsync("quiet"));
    }
}

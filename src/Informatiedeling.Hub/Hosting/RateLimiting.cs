using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Informatiedeling.Hub.Authentication;
using Microsoft.AspNetCore.RateLimiting;

namespace Informatiedeling.Hub.Hosting;

/// <summary>
/// How many requests the hub takes: a token bucket per client address for every request, before its token is
/// even read, and one per authenticated user on the routes that name <see cref="RateLimiting.PerUser"/>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a user may make in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests a user regains per <see cref="Period"/>.</summary>
    public int PerPeriod { get; set; } = 100;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests one client address may make in a burst, authenticated or not. Well above any one user's limit: many users may share an address.</summary>
    public int PerAddressBurst { get; set; } = 2000;

    /// <summary>Requests one client address regains per <see cref="PerAddressPeriod"/>.</summary>
    public int PerAddressPerPeriod { get; set; } = 1000;

    public TimeSpan PerAddressPeriod { get; set; } = TimeSpan.FromSeconds(1);
}

internal static class RateLimiting
{
    public const string PerUser = "per-user";

    public static void AddHubRateLimiting(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        Validate(options);

        // The framework's middleware applies its global limiter and the route's policy together, at one place in the
        // pipeline. The address limit must come before authentication (a token's validation is work an anonymous
        // caller can make the hub do), the user limit after it (it needs the user): so two instances of the
        // middleware. This one, registered with the services, runs first; the route's policy is applied later.
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context => RateLimitPartition.GetTokenBucketLimiter(
                AddressOf(context), _ => Bucket(options.PerAddressBurst, options.PerAddressPerPeriod, options.PerAddressPeriod)));
            limiter.AddPolicy(PerUser, _ => RateLimitPartition.GetNoLimiter(PerUser));
            limiter.OnRejected = (context, cancellationToken) => RejectAsync(context, "This client address's request rate is over the hub's limit; retry later.");
        });

        var perUser = new RateLimiterOptions
        {
            RejectionStatusCode = StatusCodes.Status429TooManyRequests,
            OnRejected = (context, cancellationToken) => RejectAsync(context, "This user's request rate is over the hub's limit; retry later."),
        };
        perUser.AddPolicy(PerUser, context => RateLimitPartition.GetTokenBucketLimiter(
            Partition(context), _ => Bucket(options.Burst, options.PerPeriod, options.Period)));
        builder.Services.AddSingleton(new PerUserRateLimiting(perUser));
    }

    /// <summary>Every request, by client address, before authentication.</summary>
    public static IApplicationBuilder UsePerAddressRateLimiter(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>The routes that name <see cref="PerUser"/>, by authenticated user; after authentication.</summary>
    public static IApplicationBuilder UsePerUserRateLimiter(this IApplicationBuilder app) =>
        app.UseRateLimiter(app.ApplicationServices.GetRequiredService<PerUserRateLimiting>().Options);

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perPeriod, TimeSpan period) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perPeriod,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext context, string detail)
    {
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    /// <summary>The issuer and user of an authenticated caller (never the token itself); else the remote address.</summary>
    private static string Partition(HttpContext context) =>
        context.User.UserOf() is { } user
            ? $"{context.User.FindFirst(PartnerClaims.Issuer)?.Value}|{user}"
            : $"anonymous|{AddressOf(context)}";

    /// <summary>
    /// The caller's address; an IPv6 caller by its /64, the smallest block one subscriber is usually given, so that
    /// walking the addresses of one's own network does not buy a fresh bucket per request.
    /// </summary>
    private static IPAddress AddressOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        _ = address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private static void Validate(RateLimitOptions options)
    {
        if (options.Burst < 1 || options.PerPeriod < 1 || options.Period <= TimeSpan.Zero
            || options.PerAddressBurst < 1 || options.PerAddressPerPeriod < 1 || options.PerAddressPeriod <= TimeSpan.Zero)
        {
            throw new HubStartupException(
                "RateLimiting: Burst, PerPeriod, PerAddressBurst and PerAddressPerPeriod must be at least 1, Period and PerAddressPeriod positive (e.g. '00:00:01').");
        }
    }

    /// <summary>The per-user limiter's options, for the second instance of the rate-limiting middleware.</summary>
    private sealed record PerUserRateLimiting(RateLimiterOptions Options);
}

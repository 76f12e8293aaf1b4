using System.Threading.RateLimiting;
using Informatiedeling.Hub.Authentication;
using Microsoft.AspNetCore.RateLimiting;

namespace Informatiedeling.Hub.Hosting;

/// <summary>How many requests one user may make: a token bucket per authenticated user (anonymous callers share one per address).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a user may make in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests a user regains per <see cref="Period"/>.</summary>
    public int PerPeriod { get; set; } = 100;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}

internal static class RateLimiting
{
    public const string PerUser = "per-user";

    public static void AddHubRateLimiting(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerUser, context => RateLimitPartition.GetTokenBucketLimiter(
                Partition(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PerPeriod,
                    ReplenishmentPeriod = options.Period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "This user's request rate is over the hub's limit; retry later." },
                });
            };
        });
    }

    /// <summary>The issuer and user of an authenticated caller (never the token itself); else the remote address.</summary>
    private static string Partition(HttpContext context) =>
        context.User.UserOf() is { } user
            ? $"{context.User.FindFirst(PartnerClaims.Issuer)?.Value}|{user}"
            : $"anonymous|{context.Connection.RemoteIpAddress}";
}

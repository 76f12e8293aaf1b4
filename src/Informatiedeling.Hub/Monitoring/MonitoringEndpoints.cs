using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Monitoring;

/// <summary>Monitoring of nature and scale: aggregated figures for the core partners, never one case.</summary>
internal static class MonitoringEndpoints
{
    public static void MapMonitoringEndpoints(this WebApplication app)
    {
        app.MapGet("/monitoring", ([FromQuery] string? purpose, HttpContext http, MonitoringBroker broker) => broker.FiguresAsync(http.User, purpose, http.RequestAborted))
            .RequireAuthorization()
            .RequireRateLimiting(RateLimiting.PerUser)
            .WithTags("Monitoring")
            .WithRoute(MonitoringBroker.Figures, "GetMonitoringFigures")
            .WithSummary("Aggregated figures (open and closed cases, by exploitation type, step, outcome of the second weighing and closure reason) for the core partners; every count below 5 reads \"<5\".");
    }
}

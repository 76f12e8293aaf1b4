using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Monitoring;

namespace Informatiedeling.Hub.Cases;

internal static class CaseLifecycleServices
{
    /// <summary>The one gate, and the lifecycle's handlers: one small class per kind of action, all through the gate.</summary>
    public static IServiceCollection AddCaseLifecycle(this IServiceCollection services) => services
        .AddSingleton<Gate>()
        .AddSingleton<CaseSummaries>()
        .AddSingleton<CaseList>()
        .AddSingleton<CaseWrites>()
        .AddSingleton<ReportIntake>()
        .AddSingleton<CaseProcess>()
        .AddSingleton<CaseDirection>()
        .AddSingleton<MonitoringBroker>()
        .AddSingleton<Informatiedeling.Hub.AccessHistory.MyAccessHistory>();
}

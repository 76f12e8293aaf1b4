using Informatiedeling.Hub.Monitoring;

namespace Informatiedeling.Hub.Cases;

internal static class CaseLifecycleServices
{
    /// <summary>The lifecycle's handlers: one small class per kind of action, all through the one gate and audit.</summary>
    public static IServiceCollection AddCaseLifecycle(this IServiceCollection services) => services
        .AddSingleton<CaseAudit>()
        .AddSingleton<CaseGate>()
        .AddSingleton<CaseSummaries>()
        .AddSingleton<CaseWrites>()
        .AddSingleton<ReportIntake>()
        .AddSingleton<CaseProcess>()
        .AddSingleton<CaseDirection>()
        .AddSingleton<MonitoringBroker>();
}

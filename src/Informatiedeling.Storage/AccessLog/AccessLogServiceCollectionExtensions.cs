using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Informatiedeling.Storage.AccessLog;

public static class AccessLogServiceCollectionExtensions
{
    /// <summary>The access log: its store, the group-commit writer, the checkpoint key and issuer.</summary>
    public static IServiceCollection AddAccessLog(this IServiceCollection services, AccessLogSettings settings)
    {
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccessLogStore>();
        services.AddSingleton<AccessLogWriter>();
        services.AddSingleton<IAccessLog>(sp => sp.GetRequiredService<AccessLogWriter>());
        services.AddSingleton<AccessLogJustifications>();
        services.AddSingleton(_ => CheckpointKeyFile.Open(settings));
        services.AddSingleton<CheckpointIssuer>();
        services.AddSingleton<CheckpointState>();
        services.AddSingleton(sp => new AccessLogVerifier(
            sp.GetRequiredService<AccessLogStore>(), sp.GetRequiredService<Informatiedeling.AccessLog.Checkpoints.CheckpointSigner>().CreateVerifier(settings.Origin)));
        return services;
    }

    /// <summary>Also issues checkpoints in the background (the hub; not a one-off command).</summary>
    public static IServiceCollection AddAccessLogCheckpoints(this IServiceCollection services)
    {
        services.AddSingleton<IHostedService, CheckpointService>();
        return services;
    }
}

using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

internal static class LogReviewServices
{
    /// <summary>The privacy officer's workbench on the access log: every part through the one gate.</summary>
    public static IServiceCollection AddLogReview(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<LogReviewOptions>, LogReviewOptionsValidator>();
        services.AddOptions<LogReviewOptions>().BindConfiguration(LogReviewOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReviewOptions>, ReviewOptionsValidator>();
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateOnStart();
        return services
            .AddSingleton<LogSearch>()
            .AddSingleton<LogIntegrity>()
            .AddSingleton<LogExport>()
            .AddSingleton<SubjectReports>()
            .AddSingleton<LogFlags>()
            .AddSingleton<Informatiedeling.Storage.AccessLog.AccessReviewStore>()
            .AddSingleton<ReviewQueue>();
    }
}

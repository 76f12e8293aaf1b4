namespace Informatiedeling.Hub.LogReview;

internal static class LogReviewServices
{
    /// <summary>The privacy officer's workbench on the access log: every part through the one gate.</summary>
    public static IServiceCollection AddLogReview(this IServiceCollection services) => services
        .AddSingleton<LogSearch>()
        .AddSingleton<Informatiedeling.Storage.AccessLog.AccessReviewStore>()
        .AddSingleton<ReviewQueue>()
        .AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ReviewOptions>, ReviewOptionsValidator>()
        .AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateOnStart().Services;
}

using Informatiedeling.Hub.Hosting;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// The purge as a Quartz.NET job. On PostgreSQL in Quartz's ADO job store in the hub's own database (tables of
/// migration 202612010002_Retention), clustered, so that hub instances on one database run each scheduled purge once;
/// embedded on SQLite the same store, not clustered (Quartz does not cluster on SQLite).
/// </summary>
internal static class RetentionScheduling
{
    public static WebApplicationBuilder AddHubRetention(this WebApplicationBuilder builder, StorageSettings storage)
    {
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();

        // Read now as well: the trigger is built from them, and a bad value should stop start-up with one line.
        var options = builder.Configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
        var validation = new RetentionOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new HubStartupException(string.Join("; ", validation.Failures) + ".", new OptionsValidationException(RetentionOptions.Section, typeof(RetentionOptions), validation.Failures));
        }

        if (!options.Enabled)
        {
            return builder;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = "informatiedeling";
                s.GenerateInstanceId = true;
            });
            q.UsePersistentStore(store =>
            {
                if (storage.Provider == StorageProvider.PostgreSql)
                {
                    store.UsePostgres(storage.ConnectionString);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(15));
                }
                else
                {
                    // Quartz refuses clustering on SQLite; runs that overlap there take turns under the purge's own lock.
                    store.UseSqlite(storage.ConnectionString);
                }

                store.UseSystemTextJsonSerializer();
            });

            q.AddJob<RetentionJob>(job => job.WithIdentity(RetentionJob.Key).StoreDurably().WithDescription("Purge the categories whose retention period ended (art. 8)"));
            q.AddTrigger(trigger => trigger
                .ForJob(RetentionJob.Key)
                .WithIdentity("retention-schedule", "retention")
                .WithSchedule(CronScheduleBuilder.Create(options.Schedule).InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            q.AddLogFlagsSchedule(builder.Configuration, zone);
        });
        builder.Services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
        return builder;
    }
}

using System.CommandLine;
using System.Globalization;
using Informatiedeling.Cli.Database;
using Informatiedeling.Cli.Policy;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Policy;
using Informatiedeling.Storage.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Cli.Retention;

/// <summary><c>infodeel retention run [--dry-run]</c>: the purge the hub schedules, by hand.</summary>
internal static class RetentionCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var storage = new StorageOptions(StorageNeeds.ExistingKeyStore);
        var location = new PolicyLocation();
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be destroyed (case, category, due date, rule, article); destroy nothing." };
        var batch = new Option<int>("--batch") { Description = "Cases per batch.", DefaultValueFactory = _ => 200 };
        var run = new Command("run", "Purge the closed cases whose retention periods ended and that no legal hold keeps: destroy the categories' keys, delete their ciphertexts, record the purge. Safe to interrupt; run again to complete.")
        {
            dryRun, batch,
        };
        storage.AddTo(run);
        location.AddTo(run);
        run.SetAction(async (parse, ct) => await storage.RunAsync(
            parse,
            error,
            async services =>
            {
                var (convenant, policies) = location.Resolve(parse);
                // The version in force in the database, as every hub instance decides; the folder only for a database without one.
                var loaded = await services.GetRequiredService<PolicyVersionStore>().LoadInForceAsync(DateTimeOffset.UtcNow, ct)
                    ?? PolicyLoader.LoadFiles(convenant, policies);
                if (!services.GetRequiredService<PolicyHolder>().TryReplace(loaded))
                {
                    await error.WriteLineAsync($"infodeel: the policy set is refused: {loaded.Errors[0]}");
                    return 1;
                }

                var purge = services.GetRequiredService<RetentionPurge>();
                if (parse.GetValue(dryRun))
                {
                    // Planning reads cases and holds only: the key store is not opened, so nothing in it is made.
                    var (due, held) = await purge.PlanAsync(ct);
                    foreach (var item in due)
                    {
                        foreach (var category in item.Categories)
                        {
                            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                                $"would purge {item.Case}  {category.Category}  due {category.DueAt:yyyy-MM-dd}  rule {category.Rule}  art. {category.Article}"));
                        }
                    }

                    await output.WriteLineAsync($"dry run: {due.Count} case(s), {due.Sum(d => d.Categories.Count)} category purge(s) due; {held} case(s) held; nothing destroyed");
                    return 0;
                }

                await services.OpenKeyStoreAsync(CancellationToken.None);
                var gate = new Lock();
                var result = await purge.RunAsync($"operator:{Environment.UserName}", Math.Max(1, parse.GetValue(batch)), item =>
                {
                    // One line per case once its purge has committed, flushed, so that an operator (or a test that
                    // interrupts the run) knows exactly what is done.
                    lock (gate)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"purged {item.Case}  {string.Join(',', item.Categories.Select(c => c.Category))}  {item.PurgedAt:yyyy-MM-dd}  rules {string.Join(',', item.Categories.Select(c => c.Rule))}{(item.Completion ? "  (completed)" : "")}"));
                        output.Flush();
                    }
                }, ct);
                await output.WriteLineAsync($"{result.Purged.Count} case(s) purged, {result.Purged.Sum(p => p.Categories.Count)} category purge(s); {result.Held} case(s) held");
                return 0;
            },
            // The purge is an administrative event: it goes into the hub's access log, signed with its key.
            (collection, settings) => collection.AddAccessLog(AccessLogSettings.Resolve(
                settings.DataDirectory, Environment.GetEnvironmentVariable("AccessLog__SigningKeyPath"), null, Environment.GetEnvironmentVariable("AccessLog__Origin")))));

        return new Command("retention", "Closure and retention: purge what the convenant no longer allows to keep.") { run };
    }
}

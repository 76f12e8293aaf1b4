using System.CommandLine;
using Informatiedeling.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Cli.Database;

/// <summary>
/// <c>infodeel db migrate</c>: apply the schema migrations of the case database and the key store, as the hub does at
/// start-up. The one command that creates what is missing: the data folder, the databases, and (when none is
/// configured) the key-ring certificate in the data folder.
/// </summary>
internal static class DatabaseCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var storage = new StorageOptions(StorageNeeds.Create);
        var migrate = new Command("migrate", "Bring the database schemas up to date.");
        storage.AddTo(migrate);
        migrate.SetAction(async (parse, ct) => await storage.RunAsync(parse, error, async services =>
        {
            var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            foreach (var migration in applied)
            {
                await output.WriteLineAsync($"applied {migration}");
            }

            await output.WriteLineAsync($"{services.GetRequiredService<StorageSettings>().Describe()}: schema current ({applied.Count} migration(s) applied)");
            return 0;
        }));
        return new Command("db", "The hub's databases.") { migrate };
    }
}

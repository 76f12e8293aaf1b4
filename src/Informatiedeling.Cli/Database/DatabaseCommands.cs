using System.CommandLine;
using Informatiedeling.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Informatiedeling.Cli.Database;

/// <summary><c>infodeel db migrate</c>: apply the schema migrations, as the hub does at start-up.</summary>
internal static class DatabaseCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var provider = new Option<string?>("--provider") { Description = "sqlite or postgresql (default: Storage__Provider, else sqlite)." };
        var connection = new Option<string?>("--connection") { Description = "Connection string (default: ConnectionStrings__Hub)." };
        var data = new Option<string?>("--data") { Description = "Data folder for the embedded SQLite file (default: Storage__DataDirectory, else ./data)." };
        var migrate = new Command("migrate", "Bring the database schema up to date.") { provider, connection, data };
        migrate.SetAction(async (parse, ct) =>
        {
            StorageSettings settings;
            try
            {
                settings = StorageSettings.Resolve(
                    parse.GetValue(provider) ?? Environment.GetEnvironmentVariable("Storage__Provider"),
                    parse.GetValue(connection) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Hub"),
                    parse.GetValue(data) ?? Environment.GetEnvironmentVariable("Storage__DataDirectory") ?? "data");
            }
            catch (StorageConfigurationException e)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 2;
            }

            var services = new ServiceCollection()
                .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
                .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
                .AddHubStorage(settings)
                .BuildServiceProvider();
            await using (services)
            {
                try
                {
                    var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
                    foreach (var migration in applied)
                    {
                        await output.WriteLineAsync($"applied {migration}");
                    }

                    await output.WriteLineAsync($"{settings.Describe()}: schema current ({applied.Count} migration(s) applied)");
                    return 0;
                }
                catch (StorageUnavailableException e)
                {
                    await error.WriteLineAsync($"infodeel: {e.Message}");
                    return 1;
                }
            }
        });
        return new Command("db", "The hub's database.") { migrate };
    }
}

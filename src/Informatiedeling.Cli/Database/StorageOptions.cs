using System.CommandLine;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Informatiedeling.Cli.Database;

/// <summary>The options every command that opens the hub's storage takes, with the hub's environment variables as defaults.</summary>
internal sealed class StorageOptions
{
    private readonly Option<string?> _provider = new("--provider") { Description = "sqlite or postgresql (default: Storage__Provider, else sqlite)." };
    private readonly Option<string?> _connection = new("--connection") { Description = "Case database (default: ConnectionStrings__Hub)." };
    private readonly Option<string?> _keys = new("--keys") { Description = "Key store database (default: ConnectionStrings__Keys, else beside the case database)." };
    private readonly Option<string?> _data = new("--data") { Description = "Data folder (default: Storage__DataDirectory, else ./data)." };
    private readonly Option<string?> _certificate = new("--certificate") { Description = "Key-ring certificate (default: Keys__CertificatePath, else in the data folder)." };

    public void AddTo(Command command)
    {
        foreach (var option in new[] { _provider, _connection, _keys, _data, _certificate })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the hub's storage services; configuration and database problems become
    /// one line on <paramref name="error"/> and exit status 2 (configuration) or 1 (database).
    /// </summary>
    public async Task<int> RunAsync(
        ParseResult parse, TextWriter error, Func<IServiceProvider, Task<int>> action, Action<IServiceCollection, StorageSettings>? extra = null)
    {
        var (services, problem) = Build(parse, extra);
        if (services is null)
        {
            await error.WriteLineAsync($"infodeel: {problem}");
            return 2;
        }

        await using (services)
        {
            try
            {
                return await action(services);
            }
            catch (StorageUnavailableException e)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 1;
            }
        }
    }

    /// <summary>The hub's storage services, or a one-line reason they cannot be built.</summary>
    public (ServiceProvider? Services, string? Error) Build(ParseResult parse, Action<IServiceCollection, StorageSettings>? extra = null)
    {
        StorageSettings settings;
        try
        {
            settings = StorageSettings.Resolve(
                parse.GetValue(_provider) ?? Environment.GetEnvironmentVariable("Storage__Provider"),
                parse.GetValue(_connection) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Hub"),
                parse.GetValue(_data) ?? Environment.GetEnvironmentVariable("Storage__DataDirectory") ?? "data",
                parse.GetValue(_keys) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Keys"));
        }
        catch (StorageConfigurationException e)
        {
            return (null, e.Message);
        }

        var certificate = parse.GetValue(_certificate) ?? Environment.GetEnvironmentVariable("Keys__CertificatePath");
        var protection = certificate is null
            ? KeyProtectionSettings.Default(settings.DataDirectory)
            : new KeyProtectionSettings(certificate, Environment.GetEnvironmentVariable("Keys__CertificatePassword"));
        var collection = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        try
        {
            // A certificate named explicitly is the hub's; the tool never makes one in its place.
            collection.AddHubStorage(settings, protection);
            extra?.Invoke(collection, settings);
        }
        catch (StorageConfigurationException e)
        {
            return (null, e.Message);
        }
        catch (FileNotFoundException e)
        {
            return (null, $"{e.Message} Pass the hub's certificate with --certificate (or Keys__CertificatePath).");
        }

        return (collection.BuildServiceProvider(), null);
    }
}

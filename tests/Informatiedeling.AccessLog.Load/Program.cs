using System.Globalization;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: <provider> <connection string> <data folder> <writers>
// Appends until killed; prints "ack <seq>" for every acknowledged record, flushed per line, so that whoever kills
// this process knows exactly which records it was told are durable.
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: <provider> <connection string> <data folder> <writers>");
    return 2;
}

var settings = StorageSettings.Resolve(args[0], args[1], args[2]);
await using (var services = new ServiceCollection()
    .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
    .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
    .AddHubStorage(settings)
    .BuildServiceProvider())
{
    await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
}

var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
var gate = new Lock();
await using var store = new AccessLogStore(settings);
await using var log = new AccessLogWriter(store, TimeProvider.System, NullLogger<AccessLogWriter>.Instance);
PartnerId.TryParse("politie", out var partner);
PurposeId.TryParse("zorgcoordinatie", out var purpose);
await Console.Out.WriteLineAsync("ready");
await Console.Out.FlushAsync();
var writers = int.Parse(args[3], CultureInfo.InvariantCulture);
await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
{
    for (var i = 0; ; i++)
    {
        var seq = await log.AppendAsync(new AccessRecord
        {
            Id = Guid.CreateVersion7(),
            Kind = AccessEventKind.AccessDecision,
            OccurredAt = DateTimeOffset.UtcNow,
            ActorUser = $"load-{w}",
            ActorPartner = partner,
            Purpose = purpose,
            Decision = AccessDecision.Permit,
            Operation = "load",
            Subject = i.ToString(CultureInfo.InvariantCulture),
        }, CancellationToken.None);
        lock (gate)
        {
            output.WriteLine($"ack {seq.ToString(CultureInfo.InvariantCulture)}");
            output.Flush();
        }
    }
})));
return 0;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>A process appending under concurrent load is killed with SIGKILL: nothing it acknowledged is lost, and the log verifies.</summary>
public sealed class CrashTests
{
    [Theory]
    [InlineData("postgresql")]
    [InlineData("sqlite")]
    public async Task Every_acknowledged_record_survives_a_SIGKILL_and_the_log_verifies(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        await hub.Log().AppendManyAsync(1); // migrated, with a record from the hub itself

        var program = Path.Combine(RepositoryPaths.Root, "tests", "Informatiedeling.AccessLog.Load", "bin", RepositoryPaths.Configuration, "net10.0", "Informatiedeling.AccessLog.Load.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { program, engine, hub.ConnectionString, hub.DataDirectory, "32" })
        {
            start.ArgumentList.Add(arg);
        }

        var acknowledged = new ConcurrentBag<long>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "ready")
            {
                ready.TrySetResult();
            }
            else if (e.Data?.StartsWith("ack ", StringComparison.Ordinal) == true)
            {
                acknowledged.Add(long.Parse(e.Data.AsSpan(4), CultureInfo.InvariantCulture));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (acknowledged.Count < 2000 && DateTime.UtcNow < deadline && !process.HasExited)
        {
            await Task.Delay(20);
        }

        Assert.False(process.HasExited, "the load program stopped before it was killed");
        process.Kill(); // SIGKILL on Unix: no chance to flush or finish a transaction
        await process.WaitForExitAsync();
        Assert.True(acknowledged.Count >= 2000, $"only {acknowledged.Count} records were acknowledged before the kill");

        await using var db = await hub.OpenDatabaseAsync();
        var present = new HashSet<long>();
        await using (var read = db.CreateCommand())
        {
            read.CommandText = "SELECT seq FROM access_log";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                present.Add(reader.GetInt64(0));
            }
        }

        var lost = acknowledged.Where(seq => !present.Contains(seq)).Order().Take(10).ToList();
        Assert.True(lost.Count == 0, $"acknowledged but not in the log: {string.Join(", ", lost)}");
        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);

        // The log goes on after the crash, from the head the last committed batch left.
        var next = await hub.Log().AppendAsync(AccessLogs.Decision(), CancellationToken.None);
        Assert.Equal(present.Count, next);
    }
}

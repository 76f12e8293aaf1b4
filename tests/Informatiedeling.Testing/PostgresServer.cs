using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Informatiedeling.Testing;

/// <summary>
/// A real PostgreSQL server for the tests: initdb into a temporary folder, started on a free loopback port,
/// stopped and deleted at the end. Installs Debian's postgresql package when no server is installed and the
/// run has the rights to. Each test gets a database of its own, so tests run in parallel.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static PostgresServer? _shared;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private int _databases;

    private PostgresServer(string bin, string root, int port, bool asPostgresUser)
    {
        BinDirectory = bin;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public string BinDirectory { get; }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>
    /// The server the whole test run shares (fast settings: no fsync). Stopped and removed with the run's folder when
    /// the test process ends, however it ends (<see cref="TestRun"/>).
    /// </summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync(durable: false);
            }

            return _shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Starts a new server. <paramref name="durable"/> keeps fsync and synchronous commit on (for benchmarks and crash tests).</summary>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        var bin = FindOrInstall();
        var asPostgresUser = Environment.UserName == "root";
        var root = TestRun.CreateTempSubdirectory("infodeel-pg-").FullName;
        if (asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", root]);
        }

        var server = new PostgresServer(bin, root, 0, asPostgresUser);
        await server.RunAsPostgresAsync(Path.Combine(bin, "initdb"), ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var settings = durable
                ? "-c fsync=on -c synchronous_commit=on"
                : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            try
            {
                await server.RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), [
                    "-D", server.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start",
                    "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=1000 -c shared_buffers=256MB {settings}"]);
                var started = new PostgresServer(bin, root, port, asPostgresUser);
                return started;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // The port was taken between probing and binding; try another.
            }
        }
    }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            MaxPoolSize = 200,
            Timeout = 30,
            // Every test database is its own pool; idle connections of finished tests go within seconds,
            // not after Npgsql's five minutes, so that a whole suite stays within the server's connections.
            ConnectionIdleLifetime = 5,
            ConnectionPruningInterval = 1,
        }.ConnectionString;

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "t"}_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Runs a tool of this server's installation (pg_dump, psql, …) and returns its standard output.</summary>
    public Task<string> ToolAsync(string tool, params string[] args) => RunAsync(Path.Combine(BinDirectory, tool), args);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder is removed all the same.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<string> RunAsPostgresAsync(string program, IEnumerable<string> args) =>
        _asPostgresUser ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static string FindOrInstall()
    {
        if (Find() is { } bin)
        {
            return bin;
        }

        if (Environment.UserName == "root" && File.Exists("/usr/bin/apt-get"))
        {
            RunAsync("/bin/sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null"]).GetAwaiter().GetResult();
        }

        return Find() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed and could not be installed here. Install it ('sudo apt-get install postgresql') or set PG_BIN to its bin folder.");
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        const string installs = "/usr/lib/postgresql";
        return Directory.Exists(installs)
            ? Directory.EnumerateDirectories(installs)
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}

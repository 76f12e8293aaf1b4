using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Informatiedeling.Testing;

/// <summary>The built hub running as a real process on a free loopback port, as an operator would run it.</summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private readonly string _dataDirectory;

    private HubProcess(Process process, Uri address, string dataDirectory)
    {
        _process = process;
        BaseAddress = address;
        _dataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string Output => string.Join("\n", _output);

    public int ProcessId => _process.Id;

    /// <summary>Starts the hub and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<HubProcess> StartAsync(IDictionary<string, string> environment, TimeSpan timeout)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The hub's own folder, so that it finds its appsettings.json as a deployed hub does.
            WorkingDirectory = Path.GetDirectoryName(RepositoryPaths.Program("Informatiedeling.Hub", "Informatiedeling.Hub"))!,
        };
        var data = TestRun.CreateTempSubdirectory("infodeel-hubproc-").FullName;
        start.Environment["Storage__DataDirectory"] = data;
        start.ArgumentList.Add(RepositoryPaths.Program("Informatiedeling.Hub", "Informatiedeling.Hub"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Policy__Directory"] = RepositoryPaths.Policies;
        start.Environment["Policy__Convenant"] = RepositoryPaths.Convenant;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        ProvideSecrets(start);

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the hub");
        TestRun.Track(process, "Informatiedeling.Hub");
        var hub = new HubProcess(process, new Uri($"http://127.0.0.1:{port}/"), data);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { hub._output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { hub._output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = hub.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the hub exited with {process.ExitCode}: {hub.Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return hub;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        await hub.DisposeAsync();
        throw new TimeoutException($"the hub was not ready within {timeout}: {hub.Output}");
    }

    /// <summary>
    /// Outside Development the hub starts only with both secrets configured. Those not given are made in the data
    /// folder; a signing key beside a given certificate is the one the instances sharing that certificate share.
    /// </summary>
    private static void ProvideSecrets(ProcessStartInfo start)
    {
        if (start.Environment["ASPNETCORE_ENVIRONMENT"] == "Development")
        {
            return;
        }

        var data = start.Environment["Storage__DataDirectory"]!;
        var certificate = start.Environment.TryGetValue("Keys__CertificatePath", out var c) ? c : null;
        if (string.IsNullOrEmpty(start.Environment.TryGetValue("AccessLog__SigningKeyPath", out var k) ? k : null))
        {
            var beside = certificate is null ? null : HubSecrets.SigningKeyPath(Path.GetDirectoryName(certificate)!);
            start.Environment["AccessLog__SigningKeyPath"] = beside is not null && File.Exists(beside) ? beside : HubSecrets.WriteTo(data).SigningKeyPath;
        }

        if (string.IsNullOrEmpty(certificate))
        {
            start.Environment["Keys__CertificatePath"] = HubSecrets.WriteTo(data).CertificatePath;
        }
    }

    /// <summary>Ends the process at once, as a crash or SIGKILL would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Whatever remains goes with the run's folder.
        }

        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;

namespace Informatiedeling.Testing;

/// <summary>
/// One folder per test process for everything the tests leave on disk (databases, PostgreSQL servers, key files,
/// policy copies), and a janitor that removes it when the process ends, after stopping every PostgreSQL server and
/// every tracked process below it.
/// <para>
/// Clean-up code in the test process cannot be relied on: the test platform ends the test host soon after the last
/// test, and kills it on a crash, a stack overflow or a timeout. The janitor is a small shell detached from the test
/// process (its own session, so that neither Ctrl+C nor a kill of the test host's process tree reaches it) that waits
/// for the end of a pipe the test process holds: the kernel closes that pipe however the process ends.
/// </para>
/// </summary>
public static class TestRun
{
    // $1: the run's folder. 'cat' returns when the test process's end of standard input closes.
    private const string Janitor = """
        trap '' INT HUP QUIT
        exec >/dev/null 2>&1
        cat
        for f in "$1"/*/data/postmaster.pid "$1"/processes/*; do
          [ -f "$f" ] || continue
          case "$f" in
            */postmaster.pid) pid=$(head -n 1 "$f"); marker=postgres; signal=QUIT ;;
            *) pid=${f##*/}; marker=$(cat "$f"); signal=KILL ;;
          esac
          # A pid file may be stale and its number reused: signal only the process that it names.
          grep -qF "$marker" "/proc/$pid/cmdline" 2>/dev/null || continue
          kill -s "$signal" "$pid"
          i=0
          while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        done
        rm -rf "$1"
        """;

    private static readonly Lazy<string> LazyRoot = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static Process? _janitor;

    /// <summary>The folder of this test process, <c>infodeel-run-&lt;pid&gt;-…</c> in the system's temporary folder.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A new folder below <see cref="Root"/>, readable by this user only, removed with the run.</summary>
    public static DirectoryInfo CreateTempSubdirectory(string prefix)
    {
        var path = Path.Combine(Root, prefix + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Ends <paramref name="process"/> with the run if it is still running then; <paramref name="marker"/> is a word of its command line.</summary>
    public static void Track(Process process, string marker)
    {
        ArgumentNullException.ThrowIfNull(process);
        var folder = Directory.CreateDirectory(Path.Combine(Root, "processes"));
        File.WriteAllText(Path.Combine(folder.FullName, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), marker);
    }

    private static string Start()
    {
        var root = Directory.CreateTempSubdirectory($"infodeel-run-{Environment.ProcessId}-").FullName;
        if (OperatingSystem.IsWindows())
        {
            // The servers and processes the tests start are Linux's; there is nothing for a janitor to do here.
            return root;
        }

        // Run as root, the tests start PostgreSQL as its own user, which must pass through this folder to its own.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var detached = File.Exists("/usr/bin/setsid");
        var start = new ProcessStartInfo(detached ? "/usr/bin/setsid" : "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var arg in (string[])[.. detached ? ["--fork", "/bin/sh"] : Array.Empty<string>(), "-c", Janitor, "infodeel-janitor", root])
        {
            start.ArgumentList.Add(arg);
        }

        // Held until the process ends: its pipe is what the janitor waits on.
        _janitor = Process.Start(start) ?? throw new InvalidOperationException("cannot start the test run's janitor");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Finish(root);
        return root;
    }

    /// <summary>On a normal exit: let the janitor clean up now, and give it a moment, so the run ends with nothing left.</summary>
    private static void Finish(string root)
    {
        _janitor?.StandardInput.Close();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Directory.Exists(root) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
    }
}

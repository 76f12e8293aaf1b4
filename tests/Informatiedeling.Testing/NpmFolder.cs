using System.Diagnostics;

namespace Informatiedeling.Testing;

/// <summary>
/// The test folders with pinned npm packages (tests/oidc-provider, tests/browser): installed with <c>npm ci</c> on
/// first use in a fresh checkout, exactly as CI installs them.
/// </summary>
public static class NpmFolder
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>A folder below tests/ of this checkout.</summary>
    public static string Path(string name) => System.IO.Path.Combine(RepositoryPaths.Root, "tests", name);

    /// <summary>Runs <c>npm ci</c> in <paramref name="folder"/> unless <paramref name="package"/> is installed there already.</summary>
    public static async Task EnsureInstalledAsync(string folder, string package)
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(System.IO.Path.Combine(folder, "node_modules", package)))
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                start.ArgumentList.Add(arg);
            }

            using var npm = Process.Start(start) ?? throw new InvalidOperationException("cannot start npm");
            var error = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed: {await error}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }
}

extern alias infodeel;
using System.Globalization;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Testing;
using InfodeelApp = infodeel::Informatiedeling.Cli.InfodeelApp;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary><c>infodeel retention run [--dry-run]</c> against the hub's storage, in-process.</summary>
public sealed class RetentionCommandTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_dry_run_lists_case_category_due_date_rule_and_article_and_destroys_nothing_then_a_run_purges(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var closedAt = DateTimeOffset.UtcNow.AddDays(-100);
        var pseudonym = await hub.ClosedCaseAsync(closedAt);
        var size = await hub.SizeAsync();

        var dry = await RunAsync(hub, "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.Error);
        var lines = dry.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains($"would purge {pseudonym}  exceptioneel  due {closedAt.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}  rule bewaar-exceptioneel  art. 8.3", lines);
        Assert.Contains($"would purge {pseudonym}  strafrechtelijk  due {closedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}  rule bewaar-strafrechtelijk  art. 8.2", lines);
        Assert.Contains("dry run: 1 case(s), 3 category purge(s) due; 0 case(s) held; nothing destroyed", lines);
        Assert.DoesNotContain(lines, l => l.Contains("statisch", StringComparison.Ordinal));
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.StoredCategoriesAsync(pseudonym));
        Assert.Empty(await hub.PurgedAsync(pseudonym));
        Assert.Equal(size, await hub.SizeAsync());

        var run = await RunAsync(hub);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"purged {pseudonym}  exceptioneel,strafrechtelijk,melder-identiteit", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 case(s) purged, 3 category purge(s); 0 case(s) held", run.Output, StringComparison.Ordinal);
        Assert.Equal(["exceptioneel", "melder-identiteit", "strafrechtelijk"], await hub.PurgedAsync(pseudonym));
        Assert.Equal(1, (await hub.PurgeRecordsAsync())[pseudonym.Value]);
    }

    private static async Task<ProgramResult> RunAsync(HubFactory hub, params string[] extra)
    {
        var storage = hub.ConnectionString.Length > 0
            ? new[] { "--provider", "postgresql", "--connection", hub.ConnectionString, "--data", hub.DataDirectory }
            : ["--provider", "sqlite", "--data", hub.DataDirectory];
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await InfodeelApp.RunAsync(
            ["retention", "run", .. extra, "--policies", RepositoryPaths.Policies, "--convenant", RepositoryPaths.Convenant, .. storage], TextReader.Null, output, error);
        return new ProgramResult(exit, output.ToString(), error.ToString());
    }
}

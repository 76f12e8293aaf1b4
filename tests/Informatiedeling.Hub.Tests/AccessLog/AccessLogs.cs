extern alias infodeel;

using System.Data.Common;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using infodeel::Informatiedeling.Cli;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>Test helpers: hubs on either engine, sample records, direct database access, and 'infodeel log'.</summary>
internal static class AccessLogs
{
    public static readonly string[] Engines = ["sqlite", "postgresql"];

    public static async Task<HubFactory> HubAsync(string engine, IDictionary<string, string?>? extra = null) =>
        engine == "sqlite" ? HubFactory.OnSqlite(extra) : await HubFactory.OnPostgresAsync(extra: extra);

    public static IAccessLog Log(this HubFactory hub)
    {
        _ = hub.Server;
        return hub.Services.GetRequiredService<IAccessLog>();
    }

    /// <summary>
    /// The size of the log as it stands now, read from its head: right after start-up, the records the hub wrote itself
    /// (the policy set coming into force) and so the seq the next record takes.
    /// </summary>
    public static async Task<long> SizeAsync(this HubFactory hub)
    {
        _ = hub.Server;
        return (await hub.Services.GetRequiredService<AccessLogStore>().ReadHeadAsync(CancellationToken.None)).Size;
    }

    public static AccessRecord Decision(CasePseudonym? pseudonym = null, string user = "agent-17", SealedJustification? justification = null) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = AccessEventKind.AccessDecision,
        OccurredAt = DateTimeOffset.UtcNow,
        TraceId = System.Diagnostics.ActivityTraceId.CreateRandom(),
        SpanId = System.Diagnostics.ActivitySpanId.CreateRandom(),
        ActorUser = user,
        ActorPartner = Partner("politie"),
        Role = "R",
        Case = pseudonym ?? CasePseudonym.New(),
        Purpose = Purpose("acute-veiligheid"),
        LegalGround = "art. 6 lid 1 sub d AVG",
        Operation = "client-file.read",
        CategoriesRequested = ["statisch", "exceptioneel", "strafrechtelijk"],
        CategoriesReleased = ["statisch", "exceptioneel"],
        CategoriesWithheld = ["strafrechtelijk"],
        FieldsReleased = ["persoon.adres", "eerste-weging.dreiging"],
        Decision = AccessDecision.Partial,
        Rule = "doel-acute-veiligheid",
        Article = "3.7",
        PolicySetHash = new string('a', 64),
        Obligations = ["review"],
        Emergency = justification is not null,
        Justification = justification,
        Sensitivity = Sensitivity.Special,
    };

    public static PartnerId Partner(string name) => PartnerId.TryParse(name, out var id) ? id : throw new ArgumentException(name);

    public static PurposeId Purpose(string name) => PurposeId.TryParse(name, out var id) ? id : throw new ArgumentException(name);

    /// <summary>A connection to the hub's case database, as a database administrator would open one.</summary>
    public static async Task<DbConnection> OpenDatabaseAsync(this HubFactory hub)
    {
        DbConnection connection = hub.ConnectionString.Length > 0
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(hub.ConnectionString) { Pooling = false }.ConnectionString)
            : new SqliteConnection($"Data Source={Path.Combine(hub.DataDirectory, "informatiedeling.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The database refuses every further access-log row, as a full disk or a lost server would.</summary>
    public static Task<int> RefuseAccessLogInsertsAsync(this DbConnection connection, string engine) => connection.ExecuteAsync(engine == "postgresql"
        ? "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$; " +
          "CREATE TRIGGER refuse_insert BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_insert();"
        : "CREATE TRIGGER refuse_insert BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'disk full'); END;");

    /// <summary>Undoes <see cref="RefuseAccessLogInsertsAsync"/>.</summary>
    public static Task<int> AllowAccessLogInsertsAsync(this DbConnection connection, string engine) =>
        connection.ExecuteAsync(engine == "postgresql" ? "DROP TRIGGER refuse_insert ON access_log;" : "DROP TRIGGER refuse_insert;");

    /// <summary>Runs <c>infodeel log …</c> in-process against the hub's storage.</summary>
    public static async Task<ProgramResult> InfodeelAsync(this HubFactory hub, params string[] args)
    {
        var storage = hub.ConnectionString.Length > 0
            ? new[] { "--provider", "postgresql", "--connection", hub.ConnectionString, "--data", hub.DataDirectory }
            : ["--provider", "sqlite", "--data", hub.DataDirectory];
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await InfodeelApp.RunAsync(["log", .. args, .. storage], TextReader.Null, output, error);
        return new ProgramResult(exit, output.ToString(), error.ToString());
    }

    public static async Task AppendManyAsync(this IAccessLog log, int count)
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => log.AppendAsync(Decision(), CancellationToken.None)));
    }
}

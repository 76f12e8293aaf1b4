using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// Closure and retention: the durable fact that a category of a case was purged (<c>case_purges</c>), the feed of
/// purge notices partners' systems follow (<c>purge_notices</c>), legal holds that postpone a purge
/// (<c>legal_holds</c>), and the tables of Quartz.NET's ADO job store that schedules the purge.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612010002_Retention")]
public sealed class Retention : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "case_purges",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                category = table.Column<string>(maxLength: 64, nullable: false),
                purged_at = table.Column<DateTimeOffset>(nullable: false),
                rule = table.Column<string>(maxLength: 128, nullable: false),
                article = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_purges", x => new { x.case_pseudonym, x.category });
                table.ForeignKey("fk_case_purges_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "purge_notices",
            columns: table => new
            {
                seq = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                categories = table.Column<string>(maxLength: 1024, nullable: false),
                purged_at = table.Column<DateTimeOffset>(nullable: false),
                rules = table.Column<string>(maxLength: 2048, nullable: false),
                articles = table.Column<string>(maxLength: 1024, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_purge_notices", x => x.seq));
        migrationBuilder.CreateIndex(name: "ix_purge_notices_case", table: "purge_notices", column: "case_pseudonym");

        migrationBuilder.CreateTable(
            name: "legal_holds",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                placed_by_partner = table.Column<string>(maxLength: 64, nullable: false),
                placed_by_user = table.Column<string>(maxLength: 256, nullable: false),
                placed_at = table.Column<DateTimeOffset>(nullable: false),
                until = table.Column<DateTimeOffset>(nullable: false),
                reason_key_version = table.Column<int>(nullable: false),
                reason_ciphertext = table.Column<byte[]>(nullable: false),
                lifted_at = table.Column<DateTimeOffset>(nullable: true),
                lifted_by_partner = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_legal_holds", x => x.id);
                table.ForeignKey("fk_legal_holds_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "ix_legal_holds_case", table: "legal_holds", column: "case_pseudonym");

        // The purge looks for closed cases.
        migrationBuilder.CreateIndex(name: "ix_cases_status_closed_at", table: "cases", columns: ["status", "closed_at"]);

        foreach (var statement in QuartzSchema(migrationBuilder.IsNpgsql() ? "postgres" : "sqlite"))
        {
            migrationBuilder.Sql(statement);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in QuartzTables)
        {
            migrationBuilder.Sql(migrationBuilder.IsNpgsql() ? $"DROP TABLE IF EXISTS qrtz_{table} CASCADE;" : $"DROP TABLE IF EXISTS QRTZ_{table.ToUpperInvariant()};");
        }

        migrationBuilder.DropIndex(name: "ix_cases_status_closed_at", table: "cases");
        migrationBuilder.DropTable(name: "legal_holds");
        migrationBuilder.DropTable(name: "purge_notices");
        migrationBuilder.DropTable(name: "case_purges");
    }

    private static readonly string[] QuartzTables =
    [
        "job_status", "misfire_history", "execution_history", "locks", "scheduler_state", "fired_triggers",
        "paused_job_grps", "paused_trigger_grps", "calendars", "blob_triggers", "simprop_triggers", "cron_triggers",
        "simple_triggers", "triggers", "job_details",
    ];

    /// <summary>The statements of the job store's schema for an engine (embedded beside this migration).</summary>
    private static IEnumerable<string> QuartzSchema(string engine)
    {
        var name = $"Informatiedeling.Storage.Migrations.Quartz.quartz_{engine}.sql";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The job store schema {name} is not embedded in the storage assembly.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().ReplaceLineEndings("\n");
        return script.Split("\n--;;\n")
            .Select(part => string.Join('\n', part.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))).Trim())
            .Where(part => part.Length > 0)
            .ToList();
    }
}

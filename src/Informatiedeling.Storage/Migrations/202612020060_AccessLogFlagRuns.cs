using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The daily run of the privacy officer's flags on the access log: per day (in the Netherlands, yyyy-MM-dd) how many
/// flags of each kind the previous day had, when it was computed, and the seq of the access-log record of the run.
/// Counts only: the flags themselves are computed again from the log on demand.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020060_AccessLogFlagRuns")]
public sealed class AccessLogFlagRuns : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "access_log_flag_runs",
            columns: table => new
            {
                day = table.Column<string>(maxLength: 10, nullable: false),
                denials = table.Column<int>(nullable: false),
                after_closure = table.Column<int>(nullable: false),
                shell_last_day = table.Column<int>(nullable: false),
                bulk = table.Column<int>(nullable: false),
                emergencies = table.Column<int>(nullable: false),
                log_reads = table.Column<int>(nullable: false),
                computed_at = table.Column<DateTimeOffset>(nullable: false),
                record_seq = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_access_log_flag_runs", x => x.day));
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "access_log_flag_runs");
}

using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The integrity checks privacy officers run on the access log (a full verification, or a comparison with a
/// checkpoint a witness kept): outcome, sizes, first bad seq and the verifier's message, when (Unix milliseconds).
/// The latest of each kind is read by the integrity page through the (check, id) index.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020070_AccessLogVerifications")]
public sealed class AccessLogVerifications : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "access_log_verifications",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                check = table.Column<string>(maxLength: 32, nullable: false),
                started_at = table.Column<long>(nullable: false),
                finished_at = table.Column<long>(nullable: false),
                outcome = table.Column<string>(maxLength: 32, nullable: false),
                size = table.Column<long>(nullable: false),
                kept_size = table.Column<long>(nullable: true),
                first_bad_seq = table.Column<long>(nullable: true),
                checkpoints_checked = table.Column<int>(nullable: false),
                message = table.Column<string>(maxLength: 2048, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_access_log_verifications", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_access_log_verifications_check_id", table: "access_log_verifications", columns: ["check", "id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "access_log_verifications");
}

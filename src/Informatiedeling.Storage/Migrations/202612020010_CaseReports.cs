using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// Reports added to an existing file: each its own entry (when, from whom, per field the ciphertext), appended and
/// never merged into the file's fields, so a later report cannot overwrite what others wrote. Purged per category
/// with the file's fields; gone with the case row.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020010_CaseReports")]
public sealed class CaseReports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "case_report_fields",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                report_id = table.Column<Guid>(nullable: false),
                field = table.Column<string>(maxLength: 130, nullable: false),
                category = table.Column<string>(maxLength: 64, nullable: false),
                key_version = table.Column<int>(nullable: false),
                ciphertext = table.Column<byte[]>(nullable: false),
                received_at = table.Column<DateTimeOffset>(nullable: false),
                source_partner = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_report_fields", x => new { x.case_pseudonym, x.report_id, x.field });
                table.ForeignKey("fk_case_report_fields_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "case_report_fields");
}

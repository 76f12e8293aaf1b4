using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>The client file: cases, their encrypted fields, and destruction records.</summary>
[DbContext(typeof(HubDbContext))]
[Migration("202611220003_ClientFile")]
public sealed class ClientFile : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "cases",
            columns: table => new
            {
                pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                step = table.Column<string>(maxLength: 64, nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                closed_at = table.Column<DateTimeOffset>(nullable: true),
                closure_reason = table.Column<string>(maxLength: 64, nullable: true),
                blind_index = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_cases", x => x.pseudonym));
        migrationBuilder.CreateIndex(name: "ix_cases_blind_index", table: "cases", column: "blind_index");

        migrationBuilder.CreateTable(
            name: "case_fields",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                field = table.Column<string>(maxLength: 130, nullable: false),
                category = table.Column<string>(maxLength: 64, nullable: false),
                key_version = table.Column<int>(nullable: false),
                ciphertext = table.Column<byte[]>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_fields", x => new { x.case_pseudonym, x.field });
                table.ForeignKey("fk_case_fields_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "case_shreds",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                category = table.Column<string>(maxLength: 64, nullable: false),
                destroyed_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_shreds", x => new { x.case_pseudonym, x.category });
                table.ForeignKey("fk_case_shreds_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "case_shreds");
        migrationBuilder.DropTable(name: "case_fields");
        migrationBuilder.DropTable(name: "cases");
    }
}

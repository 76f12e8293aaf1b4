using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>Who holds which RASCI role on a case per step, and which shell partners are invited until when.</summary>
[DbContext(typeof(HubDbContext))]
[Migration("202611220005_CaseRoles")]
public sealed class CaseRoles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "case_roles",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                step = table.Column<string>(maxLength: 64, nullable: false),
                partner = table.Column<string>(maxLength: 64, nullable: false),
                role = table.Column<string>(maxLength: 1, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_roles", x => new { x.case_pseudonym, x.step, x.partner });
                table.ForeignKey("fk_case_roles_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "case_invitations",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                partner = table.Column<string>(maxLength: 64, nullable: false),
                invited_until = table.Column<DateTimeOffset>(nullable: false),
                invited_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_invitations", x => new { x.case_pseudonym, x.partner });
                table.ForeignKey("fk_case_invitations_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "case_invitations");
        migrationBuilder.DropTable(name: "case_roles");
    }
}

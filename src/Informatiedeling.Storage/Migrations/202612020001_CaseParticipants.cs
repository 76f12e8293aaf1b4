using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// Who held a role or an invitation on a case, kept after the role or the invitation ends, for the purge notices
/// (<c>case_participants</c>). Filled from the roles and invitations of existing cases; a role or an invitation
/// removed before this migration is not known any more.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020001_CaseParticipants")]
public sealed class CaseParticipants : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "case_participants",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                partner = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_participants", x => new { x.case_pseudonym, x.partner });
                table.ForeignKey("fk_case_participants_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.Sql(
            "INSERT INTO case_participants (case_pseudonym, partner) " +
            "SELECT case_pseudonym, partner FROM case_roles UNION SELECT case_pseudonym, partner FROM case_invitations");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "case_participants");
}

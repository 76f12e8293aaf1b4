using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The sharing rules administered in the database: the proposals of the functional administrator with their
/// validation, diff, impact and the privacy officer's decision; the activations that say which version every instance
/// decides under from which moment; and the policy tests kept with each version. Instants are Unix milliseconds.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020080_PolicyAdministration")]
public sealed class PolicyAdministration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "tests", table: "policy_versions", nullable: true);

        migrationBuilder.CreateTable(
            name: "policy_proposals",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                revision = table.Column<int>(nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                title = table.Column<string>(maxLength: 200, nullable: false),
                author_partner = table.Column<string>(maxLength: 64, nullable: false),
                author_user = table.Column<string>(maxLength: 256, nullable: false),
                base_hash = table.Column<string>(maxLength: 64, nullable: false),
                content_hash = table.Column<string>(maxLength: 64, nullable: false),
                files = table.Column<string>(nullable: false),
                tests_passed = table.Column<int>(nullable: false),
                diff = table.Column<string>(nullable: false),
                widens = table.Column<bool>(nullable: false),
                impact = table.Column<string>(nullable: true),
                impact_revision = table.Column<int>(nullable: true),
                decider_partner = table.Column<string>(maxLength: 64, nullable: true),
                decider_user = table.Column<string>(maxLength: 256, nullable: true),
                approved_revision = table.Column<int>(nullable: true),
                widening_acknowledged = table.Column<bool>(nullable: false),
                reason = table.Column<string>(maxLength: 2000, nullable: true),
                decided_at = table.Column<long>(nullable: true),
                effective_at = table.Column<long>(nullable: true),
                created_at = table.Column<long>(nullable: false),
                updated_at = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_policy_proposals", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_policy_proposals_status_id", table: "policy_proposals", columns: ["status", "id"]);

        migrationBuilder.CreateTable(
            name: "policy_activations",
            columns: table => new
            {
                seq = table.Column<long>(nullable: false),
                content_hash = table.Column<string>(maxLength: 64, nullable: false),
                proposal_id = table.Column<long>(nullable: true),
                effective_at = table.Column<long>(nullable: false),
                recorded_at = table.Column<long>(nullable: false),
                actor_partner = table.Column<string>(maxLength: 64, nullable: false),
                actor_user = table.Column<string>(maxLength: 256, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_policy_activations", x => x.seq));
        migrationBuilder.CreateIndex(name: "ix_policy_activations_effective_seq", table: "policy_activations", columns: ["effective_at", "seq"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "policy_activations");
        migrationBuilder.DropTable(name: "policy_proposals");
        migrationBuilder.DropColumn(name: "tests", table: "policy_versions");
    }
}

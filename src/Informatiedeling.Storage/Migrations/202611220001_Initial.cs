using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>First schema: the versions of the policy set that have been in force.</summary>
[DbContext(typeof(HubDbContext))]
[Migration("202611220001_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "policy_versions",
            columns: table => new
            {
                content_hash = table.Column<string>(maxLength: 64, nullable: false),
                first_loaded_at = table.Column<DateTimeOffset>(nullable: false),
                convenant_version = table.Column<string>(maxLength: 64, nullable: false),
                bundle = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_policy_versions", x => x.content_hash));
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "policy_versions");
}

using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>The key store's schema (a database of its own).</summary>
[DbContext(typeof(KeyStoreDbContext))]
[Migration("202611220002_KeyStore")]
public sealed class KeyStore : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "key_ring",
            columns: table => new
            {
                name = table.Column<string>(maxLength: 200, nullable: false),
                xml = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_key_ring", x => x.name));

        migrationBuilder.CreateTable(
            name: "case_keys",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                category = table.Column<string>(maxLength: 64, nullable: false),
                version = table.Column<int>(nullable: false),
                kek_id = table.Column<string>(maxLength: 64, nullable: false),
                wrapped = table.Column<byte[]>(nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_case_keys", x => new { x.case_pseudonym, x.category, x.version }));
        migrationBuilder.CreateIndex(name: "ix_case_keys_kek_id", table: "case_keys", column: "kek_id");

        migrationBuilder.CreateTable(
            name: "destroyed_keys",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                category = table.Column<string>(maxLength: 64, nullable: false),
                destroyed_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_destroyed_keys", x => new { x.case_pseudonym, x.category }));

        migrationBuilder.CreateTable(
            name: "hub_secrets",
            columns: table => new
            {
                name = table.Column<string>(maxLength: 64, nullable: false),
                kek_id = table.Column<string>(maxLength: 64, nullable: false),
                wrapped = table.Column<byte[]>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_hub_secrets", x => x.name));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "hub_secrets");
        migrationBuilder.DropTable(name: "destroyed_keys");
        migrationBuilder.DropTable(name: "case_keys");
        migrationBuilder.DropTable(name: "key_ring");
    }
}

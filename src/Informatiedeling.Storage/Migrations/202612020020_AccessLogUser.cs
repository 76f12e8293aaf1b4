using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The acting user's id as a query column of the access log, so that an employee's own access history ("mijn
/// inzage", NEN 7513) is read through an index, newest first, instead of decoding every leaf of the partner. The
/// column copies what the leaf already holds; leaves, leaf hashes and the Merkle tree are untouched. Rows written
/// before it keep NULL: the records are append-only in the database itself (the triggers refuse UPDATE), so they are
/// not backfilled. Without a length limit: a user id longer than any limit must never make an append fail.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020020_AccessLogUser")]
public sealed class AccessLogUser : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "user_id", table: "access_log", nullable: true);
        migrationBuilder.CreateIndex(name: "ix_access_log_partner_user_seq", table: "access_log", columns: ["partner", "user_id", "seq"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_access_log_partner_user_seq", table: "access_log");
        migrationBuilder.DropColumn(name: "user_id", table: "access_log");
    }
}

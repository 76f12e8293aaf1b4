using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The privacy officer's searches of the access log (by rule, by emergency; NEN 7513's views per client, employee and
/// day use the columns there are): the rule and whether the release was an emergency as query columns, and a partial
/// index of the few emergency releases (the review queue, the emergency flag). Nothing more: every index costs every
/// append (with indexes on rule and commit time and the other indexes ending in seq, the append benchmark fell to 80 %
/// of its rate), a day is found as a range of seq by binary search on the primary key
/// (<c>AccessLogStore.SeqWindowAsync</c>), and a rule is read walking the newest records back. The columns copy what the
/// leaf holds; leaves, leaf hashes and the tree are untouched, and rows written before this migration keep them empty
/// (NULL): the triggers refuse UPDATE, so they are not backfilled.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020040_AccessLogSearch")]
public sealed class AccessLogSearch : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "rule", table: "access_log", nullable: true);
        migrationBuilder.AddColumn<bool>(name: "emergency", table: "access_log", nullable: true);

        // Emergency releases are few: a partial index holds only them.
        migrationBuilder.CreateIndex(
            name: "ix_access_log_emergency_seq", table: "access_log", column: "seq",
            filter: migrationBuilder.IsNpgsql() ? "emergency" : "emergency = 1");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_access_log_emergency_seq", table: "access_log");
        migrationBuilder.DropColumn(name: "emergency", table: "access_log");
        migrationBuilder.DropColumn(name: "rule", table: "access_log");
    }
}

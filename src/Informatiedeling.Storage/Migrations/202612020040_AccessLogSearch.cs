using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The privacy officer's searches of the access log (NEN 7513: per client, per employee, per day; by rule, by
/// emergency), each newest first: the rule and whether the release was an emergency as query columns beside those
/// there are; every single-column index replaced by one that ends in the sequence number, so that a page of the newest
/// records of a case, partner, purpose or kind is read from the index in order, not sorted; and a partial index of the
/// few emergency releases. No index on the rule or the commit time: every index costs every append, a day is found as
/// a range of seq by binary search on the primary key (<c>AccessLogStore.SeqWindowAsync</c>), and a rule is read
/// walking the newest records back (most rules are common; combine a rare one with a day or a case). The
/// columns copy what the leaf holds; leaves, leaf hashes and the tree are untouched, and rows written before this
/// migration keep the new columns empty (NULL): the triggers refuse UPDATE, so they are not backfilled.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020040_AccessLogSearch")]
public sealed class AccessLogSearch : Migration
{
    private static readonly (string Old, string OldColumn, string New, string[] Columns)[] Replaced =
    [
        ("ix_access_log_case", "case_pseudonym", "ix_access_log_case_seq", ["case_pseudonym", "seq"]),
        ("ix_access_log_partner", "partner", "ix_access_log_partner_seq", ["partner", "seq"]),
        ("ix_access_log_purpose", "purpose", "ix_access_log_purpose_seq", ["purpose", "seq"]),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "rule", table: "access_log", nullable: true);
        migrationBuilder.AddColumn<bool>(name: "emergency", table: "access_log", nullable: true);
        foreach (var (old, _, name, columns) in Replaced)
        {
            migrationBuilder.DropIndex(name: old, table: "access_log");
            migrationBuilder.CreateIndex(name: name, table: "access_log", columns: columns);
        }

        migrationBuilder.DropIndex(name: "ix_access_log_kind_decision", table: "access_log");
        migrationBuilder.CreateIndex(name: "ix_access_log_kind_decision_seq", table: "access_log", columns: ["event_kind", "decision", "seq"]);

        // Emergency releases are few: a partial index holds only them (the review queue, the emergency flag).
        migrationBuilder.CreateIndex(
            name: "ix_access_log_emergency_seq", table: "access_log", column: "seq",
            filter: migrationBuilder.IsNpgsql() ? "emergency" : "emergency = 1");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_access_log_emergency_seq", table: "access_log");
        migrationBuilder.DropIndex(name: "ix_access_log_kind_decision_seq", table: "access_log");
        migrationBuilder.CreateIndex(name: "ix_access_log_kind_decision", table: "access_log", columns: ["event_kind", "decision"]);
        foreach (var (old, column, name, _) in Replaced)
        {
            migrationBuilder.DropIndex(name: name, table: "access_log");
            migrationBuilder.CreateIndex(name: old, table: "access_log", column: column);
        }

        migrationBuilder.DropColumn(name: "emergency", table: "access_log");
        migrationBuilder.DropColumn(name: "rule", table: "access_log");
    }
}

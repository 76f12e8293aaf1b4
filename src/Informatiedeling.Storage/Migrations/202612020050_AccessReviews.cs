using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The privacy officer's dispositions of the releases that carry the review obligation (the emergency releases): one
/// row per reviewed record (its seq the key, so a record is disposed once), the disposition, the note sealed under the
/// case's access-log key, who reviewed and when (Unix milliseconds, comparable in SQL on both engines), and the
/// reviewed record's acting partner so that a partner's own privacy officer's queue is read by index. The disposition
/// is an access-log record as well; this table is what the queue reads beside the log's partial index of emergencies.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020050_AccessReviews")]
public sealed class AccessReviews : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "access_reviews",
            columns: table => new
            {
                record_seq = table.Column<long>(nullable: false),
                record_id = table.Column<string>(maxLength: 32, nullable: false),
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                actor_partner = table.Column<string>(maxLength: 64, nullable: true),
                disposition = table.Column<string>(maxLength: 32, nullable: false),
                note_key_version = table.Column<int>(nullable: false),
                note_ciphertext = table.Column<byte[]>(nullable: false),
                reviewer_partner = table.Column<string>(maxLength: 64, nullable: false),
                reviewer_user = table.Column<string>(maxLength: 256, nullable: false),
                disposed_at = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_access_reviews", x => x.record_seq));
        migrationBuilder.CreateIndex(name: "ix_access_reviews_actor_partner_seq", table: "access_reviews", columns: ["actor_partner", "record_seq"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "access_reviews");
}

using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// Sessions that partners' providers ended by back-channel logout, shared by every hub instance: the provider's
/// issuer and its session id and/or subject, and when (Unix milliseconds, comparable in SQL on both engines). Looked up
/// by (issuer, sid) and (issuer, subject) on every page request of a provider session; removed by age.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612020030_EndedSessions")]
public sealed class EndedSessions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ended_sessions",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                issuer = table.Column<string>(maxLength: 512, nullable: false),
                sid = table.Column<string>(maxLength: 256, nullable: true),
                subject = table.Column<string>(maxLength: 256, nullable: true),
                ended_at = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_ended_sessions", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_ended_sessions_issuer_sid", table: "ended_sessions", columns: ["issuer", "sid"]);
        migrationBuilder.CreateIndex(name: "ix_ended_sessions_issuer_subject", table: "ended_sessions", columns: ["issuer", "subject", "ended_at"]);
        migrationBuilder.CreateIndex(name: "ix_ended_sessions_ended_at", table: "ended_sessions", column: "ended_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "ended_sessions");
}

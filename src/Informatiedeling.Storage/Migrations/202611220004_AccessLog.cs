using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The access log (toegangslog): the records, the head the writer continues from, and the signed checkpoints.
/// The records and checkpoints are append-only in the database itself: triggers refuse every change or removal,
/// and on PostgreSQL nobody but the owner is granted UPDATE, DELETE or TRUNCATE (docs/access-log.md).
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202611220004_AccessLog")]
public sealed class AccessLog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "access_log",
            columns: table => new
            {
                seq = table.Column<long>(nullable: false),
                recorded_at = table.Column<DateTimeOffset>(nullable: false),
                leaf = table.Column<byte[]>(nullable: false),
                leaf_hash = table.Column<byte[]>(nullable: false),
                event_kind = table.Column<string>(maxLength: 32, nullable: false),
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: true),
                partner = table.Column<string>(maxLength: 64, nullable: true),
                purpose = table.Column<string>(maxLength: 64, nullable: true),
                decision = table.Column<string>(maxLength: 16, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_access_log", x => x.seq));
        migrationBuilder.CreateIndex(name: "ix_access_log_case", table: "access_log", column: "case_pseudonym");
        migrationBuilder.CreateIndex(name: "ix_access_log_partner", table: "access_log", column: "partner");
        migrationBuilder.CreateIndex(name: "ix_access_log_purpose", table: "access_log", column: "purpose");
        migrationBuilder.CreateIndex(name: "ix_access_log_kind_decision", table: "access_log", columns: ["event_kind", "decision"]);

        migrationBuilder.CreateTable(
            name: "access_log_head",
            columns: table => new
            {
                id = table.Column<int>(nullable: false),
                size = table.Column<long>(nullable: false),
                subtree_roots = table.Column<byte[]>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_access_log_head", x => x.id));
        // The empty tree: size 0, no subtree roots.
        migrationBuilder.Sql(migrationBuilder.IsNpgsql()
            ? "INSERT INTO access_log_head (id, size, subtree_roots, updated_at) VALUES (1, 0, '\\x'::bytea, '1970-01-01T00:00:00Z');"
            : "INSERT INTO access_log_head (id, size, subtree_roots, updated_at) VALUES (1, 0, X'', '1970-01-01 00:00:00.0000000+00:00');");

        migrationBuilder.CreateTable(
            name: "access_log_checkpoints",
            columns: table => new
            {
                size = table.Column<long>(nullable: false),
                root = table.Column<byte[]>(nullable: false),
                note = table.Column<string>(nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_access_log_checkpoints", x => x.size));

        if (migrationBuilder.IsNpgsql())
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the access log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                """);
            foreach (var table in new[] { "access_log", "access_log_checkpoints" })
            {
                // Statement level, so that even a change that matches no row is refused (and TRUNCATE has no rows).
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
                        FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
                    REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC;
                    """);
            }
        }
        else
        {
            foreach (var table in new[] { "access_log", "access_log_checkpoints" })
            {
                foreach (var operation in new[] { "UPDATE", "DELETE" })
                {
                    migrationBuilder.Sql($"""
                        CREATE TRIGGER {table}_no_{operation.ToLowerInvariant()} BEFORE {operation} ON {table}
                        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: {operation} on {table} is refused'); END;
                        """);
                }
            }
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "access_log_checkpoints");
        migrationBuilder.DropTable(name: "access_log_head");
        migrationBuilder.DropTable(name: "access_log");
        if (migrationBuilder.IsNpgsql())
        {
            migrationBuilder.Sql("DROP FUNCTION access_log_refuse_change();");
        }
    }
}

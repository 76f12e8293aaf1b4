using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Informatiedeling.Storage.Migrations;

/// <summary>
/// The case lifecycle: when a case entered each step, and the anonymous evaluation record written when a case
/// is closed. The evaluation record names its case only while the case exists: purging the case sets the link to
/// null and leaves an anonymous record (enum values and dates, nothing that identifies) for evaluation and monitoring.
/// </summary>
[DbContext(typeof(HubDbContext))]
[Migration("202612010001_Lifecycle")]
public sealed class Lifecycle : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "case_steps",
            columns: table => new
            {
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: false),
                step = table.Column<string>(maxLength: 64, nullable: false),
                entered_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_steps", x => new { x.case_pseudonym, x.step });
                table.ForeignKey("fk_case_steps_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.Cascade);
            });

        // Cases taken in before this migration entered their current step when they were created.
        migrationBuilder.Sql("INSERT INTO case_steps (case_pseudonym, step, entered_at) SELECT pseudonym, step, created_at FROM cases");

        migrationBuilder.CreateTable(
            name: "case_evaluations",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                case_pseudonym = table.Column<string>(maxLength: 40, nullable: true),
                exploitation_type = table.Column<string>(maxLength: 64, nullable: true),
                outcome = table.Column<string>(maxLength: 64, nullable: true),
                closure_reason = table.Column<string>(maxLength: 64, nullable: false),
                closed_on = table.Column<DateOnly>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_evaluations", x => x.id);
                table.ForeignKey("fk_case_evaluations_cases", x => x.case_pseudonym, "cases", "pseudonym", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "ix_case_evaluations_case", table: "case_evaluations", column: "case_pseudonym", unique: true);

        migrationBuilder.CreateTable(
            name: "case_evaluation_steps",
            columns: table => new
            {
                evaluation_id = table.Column<Guid>(nullable: false),
                step = table.Column<string>(maxLength: 64, nullable: false),
                entered_on = table.Column<DateOnly>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_case_evaluation_steps", x => new { x.evaluation_id, x.step });
                table.ForeignKey("fk_case_evaluation_steps_evaluations", x => x.evaluation_id, "case_evaluations", "id", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "case_evaluation_steps");
        migrationBuilder.DropTable(name: "case_evaluations");
        migrationBuilder.DropTable(name: "case_steps");
    }
}

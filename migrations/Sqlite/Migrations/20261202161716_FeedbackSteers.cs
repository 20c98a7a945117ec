using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FeedbackSteers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RoutingNotes",
                table: "WorkItems",
                type: "TEXT",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SteeredAway",
                table: "Assignments",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // What already steered away before the flag existed keeps doing so (decision 0024): a decline, and an attempt a
            // person reassigned to someone they chose.
            migrationBuilder.Sql(
                """
                UPDATE "Assignments" SET "SteeredAway" = 1
                WHERE "Role" = 'Work' AND ("Outcome" = 'Declined' OR ("Outcome" = 'Reassigned' AND EXISTS (
                    SELECT 1 FROM "Assignments" AS next
                    WHERE next."WorkItemId" = "Assignments"."WorkItemId" AND next."Role" = 'Work'
                      AND next."Id" <> "Assignments"."Id" AND next."ChosenByUserId" IS NOT NULL AND next."OfferedAt" >= "Assignments"."EndedAt")));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RoutingNotes",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "SteeredAway",
                table: "Assignments");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IndexesThatDoNotMove : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkItems_State_ProgressAt",
                table: "WorkItems");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_Outcome_LeaseExpiresAt",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Agents_Status_LastHeartbeatAt",
                table: "Agents");

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "TrailEvents",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "DeliveryAttempts",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkItems_State",
                table: "WorkItems",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments",
                columns: new[] { "UserId", "Outcome" },
                filter: "\"UserId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Agents_Status",
                table: "Agents",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkItems_State",
                table: "WorkItems");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Agents_Status",
                table: "Agents");

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "TrailEvents",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "DeliveryAttempts",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkItems_State_ProgressAt",
                table: "WorkItems",
                columns: new[] { "State", "ProgressAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_Outcome_LeaseExpiresAt",
                table: "Assignments",
                columns: new[] { "Outcome", "LeaseExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments",
                columns: new[] { "UserId", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_Agents_Status_LastHeartbeatAt",
                table: "Agents",
                columns: new[] { "Status", "LastHeartbeatAt" });
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class GoalsAndPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DroppedAt",
                table: "WorkItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "WorkItems",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "Task");

            migrationBuilder.AddColumn<string>(
                name: "PendingPlanJson",
                table: "WorkItems",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxPlanItems",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RequirePlanApproval",
                table: "Groups",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DroppedAt",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "PendingPlanJson",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "MaxPlanItems",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "RequirePlanApproval",
                table: "Groups");
        }
    }
}

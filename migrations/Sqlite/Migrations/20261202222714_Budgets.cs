using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Budgets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BouncesClearedAt",
                table: "WorkItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PausedReason",
                table: "WorkItems",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Budgets_MonthlyTokens",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Budgets_MonthlyUsd",
                table: "Groups",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Budgets_PerAgentDailyTokens",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Budgets_PerAgentDailyUsd",
                table: "Groups",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Budgets_PerItemTokens",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Budgets_PerItemUsd",
                table: "Groups",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BudgetAlerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BudgetAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BudgetAlerts_Groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "Groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BudgetAlerts_GroupId_Key_Level",
                table: "BudgetAlerts",
                columns: new[] { "GroupId", "Key", "Level" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BudgetAlerts");

            migrationBuilder.DropColumn(
                name: "BouncesClearedAt",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "PausedReason",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "Budgets_MonthlyTokens",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "Budgets_MonthlyUsd",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "Budgets_PerAgentDailyTokens",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "Budgets_PerAgentDailyUsd",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "Budgets_PerItemTokens",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "Budgets_PerItemUsd",
                table: "Groups");
        }
    }
}

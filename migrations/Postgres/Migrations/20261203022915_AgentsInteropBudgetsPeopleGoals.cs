using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentsInteropBudgetsPeopleGoals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AskedAssigneeKind",
                table: "WorkItems",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BouncesClearedAt",
                table: "WorkItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DroppedAt",
                table: "WorkItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "WorkItems",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Task");

            migrationBuilder.AddColumn<string>(
                name: "PausedReason",
                table: "WorkItems",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingPlanJson",
                table: "WorkItems",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Question",
                table: "WorkItems",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QuestionAskedAt",
                table: "WorkItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "A2aEnabled",
                table: "Groups",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "Budgets_MonthlyTokens",
                table: "Groups",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Budgets_MonthlyUsd",
                table: "Groups",
                type: "numeric",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Budgets_PerAgentDailyTokens",
                table: "Groups",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Budgets_PerAgentDailyUsd",
                table: "Groups",
                type: "numeric",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Budgets_PerItemTokens",
                table: "Groups",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Budgets_PerItemUsd",
                table: "Groups",
                type: "numeric",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxPlanItems",
                table: "Groups",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RequirePlanApproval",
                table: "Groups",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "AcceptsWork",
                table: "GroupMembers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Capacity",
                table: "GroupMembers",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ProfileUpdatedAt",
                table: "GroupMembers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SkillsJson",
                table: "GroupMembers",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "A2aContextId",
                table: "Assignments",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aLastUpdate",
                table: "Assignments",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aPushTokenHash",
                table: "Assignments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aTaskId",
                table: "Assignments",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Pace",
                table: "Assignments",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SkillArea",
                table: "Assignments",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastApiCallAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aCallbackBaseUrl",
                table: "Agents",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aCardUrl",
                table: "Agents",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aEndpointUrl",
                table: "Agents",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "A2aPushNotifications",
                table: "Agents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "BudgetAlerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Level = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "AskedAssigneeKind",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "BouncesClearedAt",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "DroppedAt",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "PausedReason",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "PendingPlanJson",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "Question",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "QuestionAskedAt",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "A2aEnabled",
                table: "Groups");

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

            migrationBuilder.DropColumn(
                name: "MaxPlanItems",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "RequirePlanApproval",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "AcceptsWork",
                table: "GroupMembers");

            migrationBuilder.DropColumn(
                name: "Capacity",
                table: "GroupMembers");

            migrationBuilder.DropColumn(
                name: "ProfileUpdatedAt",
                table: "GroupMembers");

            migrationBuilder.DropColumn(
                name: "SkillsJson",
                table: "GroupMembers");

            migrationBuilder.DropColumn(
                name: "A2aContextId",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aLastUpdate",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aPushTokenHash",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aTaskId",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Pace",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "SkillArea",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "LastApiCallAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "A2aCallbackBaseUrl",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "A2aCardUrl",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "A2aEndpointUrl",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "A2aPushNotifications",
                table: "Agents");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentEndingsByTime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Assignments_AgentId_Outcome",
                table: "Assignments");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_AgentId_Outcome_EndedAt",
                table: "Assignments",
                columns: new[] { "AgentId", "Outcome", "EndedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Assignments_AgentId_Outcome_EndedAt",
                table: "Assignments");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_AgentId_Outcome",
                table: "Assignments",
                columns: new[] { "AgentId", "Outcome" });
        }
    }
}

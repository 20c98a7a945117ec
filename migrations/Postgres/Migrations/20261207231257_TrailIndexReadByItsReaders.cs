using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TrailIndexReadByItsReaders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TrailEvents_AgentId_Id",
                table: "TrailEvents");

            migrationBuilder.DropIndex(
                name: "IX_TrailEvents_GroupId_Id",
                table: "TrailEvents");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_TrailEvents_AgentId_Id",
                table: "TrailEvents",
                columns: new[] { "AgentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TrailEvents_GroupId_Id",
                table: "TrailEvents",
                columns: new[] { "GroupId", "Id" });
        }
    }
}

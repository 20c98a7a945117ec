using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentSkillReadings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgentSkillReadings",
                columns: table => new
                {
                    AgentId = table.Column<Guid>(type: "uuid", nullable: false),
                    SkillId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReadingVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReadingVector = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentSkillReadings", x => new { x.AgentId, x.SkillId });
                    table.ForeignKey(
                        name: "FK_AgentSkillReadings_AgentSkills_AgentId_SkillId",
                        columns: x => new { x.AgentId, x.SkillId },
                        principalTable: "AgentSkills",
                        principalColumns: new[] { "AgentId", "SkillId" },
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentSkillReadings");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SkillTuning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "GroupSkillTunings",
                columns: table => new
                {
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Head = table.Column<byte[]>(type: "BLOB", nullable: true),
                    TunedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ThroughEndedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Examples = table.Column<int>(type: "INTEGER", nullable: false),
                    Members = table.Column<int>(type: "INTEGER", nullable: false),
                    GroupAccuracyBefore = table.Column<double>(type: "REAL", nullable: false),
                    GroupAccuracyAfter = table.Column<double>(type: "REAL", nullable: false),
                    BaseAccuracyBefore = table.Column<double>(type: "REAL", nullable: false),
                    BaseAccuracyAfter = table.Column<double>(type: "REAL", nullable: false),
                    DurationErrorBefore = table.Column<double>(type: "REAL", nullable: true),
                    DurationErrorAfter = table.Column<double>(type: "REAL", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GroupSkillTunings", x => x.GroupId);
                    table.ForeignKey(
                        name: "FK_GroupSkillTunings_Groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "Groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_GroupId_EndedAt",
                table: "Assignments",
                columns: new[] { "GroupId", "EndedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GroupSkillTunings");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_GroupId_EndedAt",
                table: "Assignments");
        }
    }
}

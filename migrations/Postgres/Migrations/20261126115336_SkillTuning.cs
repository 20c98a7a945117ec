using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
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
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    Head = table.Column<byte[]>(type: "bytea", nullable: true),
                    TunedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ThroughEndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Examples = table.Column<int>(type: "integer", nullable: false),
                    Members = table.Column<int>(type: "integer", nullable: false),
                    GroupAccuracyBefore = table.Column<double>(type: "double precision", nullable: false),
                    GroupAccuracyAfter = table.Column<double>(type: "double precision", nullable: false),
                    BaseAccuracyBefore = table.Column<double>(type: "double precision", nullable: false),
                    BaseAccuracyAfter = table.Column<double>(type: "double precision", nullable: false),
                    DurationErrorBefore = table.Column<double>(type: "double precision", nullable: true),
                    DurationErrorAfter = table.Column<double>(type: "double precision", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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

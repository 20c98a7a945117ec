using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PeopleAsAssignees : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AskedAssigneeKind",
                table: "WorkItems",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AcceptsWork",
                table: "GroupMembers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Capacity",
                table: "GroupMembers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "ProfileUpdatedAt",
                table: "GroupMembers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SkillsJson",
                table: "GroupMembers",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<double>(
                name: "Pace",
                table: "Assignments",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SkillArea",
                table: "Assignments",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastApiCallAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AskedAssigneeKind",
                table: "WorkItems");

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
                name: "Pace",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "SkillArea",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "LastApiCallAt",
                table: "AspNetUsers");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
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
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

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

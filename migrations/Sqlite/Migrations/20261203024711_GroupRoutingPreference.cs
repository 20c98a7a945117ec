using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class GroupRoutingPreference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PreferAgentsFor",
                table: "Groups",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "PreferPeopleFor",
                table: "Groups",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PreferAgentsFor",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "PreferPeopleFor",
                table: "Groups");
        }
    }
}

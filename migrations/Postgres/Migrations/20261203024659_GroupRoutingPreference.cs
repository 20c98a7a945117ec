using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class GroupRoutingPreference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing groups prefer nothing: an empty list, not a column the table's rows could not fill.
            migrationBuilder.AddColumn<List<string>>(
                name: "PreferAgentsFor",
                table: "Groups",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "PreferPeopleFor",
                table: "Groups",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");
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

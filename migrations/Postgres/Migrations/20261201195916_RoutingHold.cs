using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RoutingHold : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RoutingCandidatesJson",
                table: "WorkItems",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RoutingConfidence",
                table: "WorkItems",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RoutingHeldAt",
                table: "WorkItems",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RoutingCandidatesJson",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "RoutingConfidence",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "RoutingHeldAt",
                table: "WorkItems");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RoutingConfidence",
                table: "WorkItems",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RoutingHeldAt",
                table: "WorkItems",
                type: "INTEGER",
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

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ItemReadings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "ReadingVector",
                table: "WorkItems",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReadingVersion",
                table: "WorkItems",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReadingVector",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "ReadingVersion",
                table: "WorkItems");
        }
    }
}

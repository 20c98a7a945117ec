using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LeaseEndsNotStored : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite drops a column in place since 3.35 (no index, key or constraint names this one). EF's DropColumn would
            // rebuild the table instead, outside the migration's transaction and with foreign keys off (decision 0051).
            migrationBuilder.Sql("""ALTER TABLE "Assignments" DROP COLUMN "LeaseExpiresAt";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LeaseExpiresAt",
                table: "Assignments",
                type: "INTEGER",
                nullable: true);
        }
    }
}

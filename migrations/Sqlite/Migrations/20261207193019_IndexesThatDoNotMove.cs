using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IndexesThatDoNotMove : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkItems_State_ProgressAt",
                table: "WorkItems");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_Outcome_LeaseExpiresAt",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Agents_Status_LastHeartbeatAt",
                table: "Agents");

            migrationBuilder.CreateIndex(
                name: "IX_WorkItems_State",
                table: "WorkItems",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments",
                columns: new[] { "UserId", "Outcome" },
                filter: "\"UserId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Agents_Status",
                table: "Agents",
                column: "Status");

            // The trail and the delivery attempts keyed by plain rowids (decision 0051). EF's own rebuild of a table turns the
            // foreign keys off between transactions of its own, which a crash between them leaves half done; these tables are
            // referenced by no foreign key, so they are rebuilt with the checks on, in the migration's one transaction.
            RebuildKeyed(migrationBuilder, autoincrement: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkItems_State",
                table: "WorkItems");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Agents_Status",
                table: "Agents");

            migrationBuilder.CreateIndex(
                name: "IX_WorkItems_State_ProgressAt",
                table: "WorkItems",
                columns: new[] { "State", "ProgressAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_Outcome_LeaseExpiresAt",
                table: "Assignments",
                columns: new[] { "Outcome", "LeaseExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_UserId_Outcome",
                table: "Assignments",
                columns: new[] { "UserId", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_Agents_Status_LastHeartbeatAt",
                table: "Agents",
                columns: new[] { "Status", "LastHeartbeatAt" });

            RebuildKeyed(migrationBuilder, autoincrement: true);
        }

        /// <summary>
        /// Rebuilds TrailEvents and DeliveryAttempts with or without AUTOINCREMENT on their keys, their rows and ids kept, and
        /// their indexes made again.
        /// </summary>
        private static void RebuildKeyed(MigrationBuilder migrationBuilder, bool autoincrement)
        {
            var key = autoincrement ? "PRIMARY KEY AUTOINCREMENT" : "PRIMARY KEY";
            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_TrailEvents" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_TrailEvents" {key},
                    "ActorId" TEXT NULL,
                    "ActorKind" TEXT NOT NULL,
                    "AgentId" TEXT NULL,
                    "At" INTEGER NOT NULL,
                    "DataJson" TEXT NOT NULL,
                    "GroupId" TEXT NOT NULL,
                    "Type" TEXT NOT NULL,
                    "WorkItemId" TEXT NULL
                );
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_TrailEvents" ("Id", "ActorId", "ActorKind", "AgentId", "At", "DataJson", "GroupId", "Type", "WorkItemId")
                SELECT "Id", "ActorId", "ActorKind", "AgentId", "At", "DataJson", "GroupId", "Type", "WorkItemId" FROM "TrailEvents";
                """);
            migrationBuilder.Sql("""DROP TABLE "TrailEvents";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_TrailEvents" RENAME TO "TrailEvents";""");
            migrationBuilder.CreateIndex(name: "IX_TrailEvents_AgentId_Id", table: "TrailEvents", columns: new[] { "AgentId", "Id" });
            migrationBuilder.CreateIndex(name: "IX_TrailEvents_GroupId_Id", table: "TrailEvents", columns: new[] { "GroupId", "Id" });
            migrationBuilder.CreateIndex(name: "IX_TrailEvents_WorkItemId_Id", table: "TrailEvents", columns: new[] { "WorkItemId", "Id" });

            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_DeliveryAttempts" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_DeliveryAttempts" {key},
                    "At" INTEGER NOT NULL,
                    "DurationMs" INTEGER NOT NULL,
                    "Error" TEXT NULL,
                    "OutboxMessageId" TEXT NOT NULL,
                    "StatusCode" INTEGER NULL,
                    CONSTRAINT "FK_DeliveryAttempts_OutboxMessages_OutboxMessageId" FOREIGN KEY ("OutboxMessageId") REFERENCES "OutboxMessages" ("Id") ON DELETE CASCADE
                );
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_DeliveryAttempts" ("Id", "At", "DurationMs", "Error", "OutboxMessageId", "StatusCode")
                SELECT "Id", "At", "DurationMs", "Error", "OutboxMessageId", "StatusCode" FROM "DeliveryAttempts";
                """);
            migrationBuilder.Sql("""DROP TABLE "DeliveryAttempts";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_DeliveryAttempts" RENAME TO "DeliveryAttempts";""");
            migrationBuilder.CreateIndex(name: "IX_DeliveryAttempts_OutboxMessageId", table: "DeliveryAttempts", column: "OutboxMessageId");
        }
    }
}

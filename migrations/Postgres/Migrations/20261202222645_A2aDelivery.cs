using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClawGroups.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class A2aDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Question",
                table: "WorkItems",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QuestionAskedAt",
                table: "WorkItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aContextId",
                table: "Assignments",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aLastUpdate",
                table: "Assignments",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aPushTokenHash",
                table: "Assignments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aTaskId",
                table: "Assignments",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aCallbackBaseUrl",
                table: "Agents",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aCardUrl",
                table: "Agents",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "A2aEndpointUrl",
                table: "Agents",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "A2aPushNotifications",
                table: "Agents",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Question",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "QuestionAskedAt",
                table: "WorkItems");

            migrationBuilder.DropColumn(
                name: "A2aContextId",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aLastUpdate",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aPushTokenHash",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aTaskId",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "A2aCallbackBaseUrl",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "A2aCardUrl",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "A2aEndpointUrl",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "A2aPushNotifications",
                table: "Agents");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using ClawGroups.Data.Database;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Hosting;

/// <summary>
/// With <c>Database:CountCommands</c> on, every answer says what it cost in a <c>Server-Timing</c> header (the W3C header
/// browsers' developer tools show): <c>db;desc="7";dur=1.9, app;dur=4.2, alloc;desc="183112", turns;desc="2"</c> — the number
/// of database commands the request ran, the time they took to answer, the request's time on the server until its answer
/// started, the bytes the whole process allocated meanwhile, and on SQLite the turns the request took at the one writer
/// (<see cref="SqliteWriteGate"/>; 0 on PostgreSQL). Bytes and turns are figures of the work done that a loaded machine does
/// not change, where times and CPU seconds do; in a serial benchmark little else runs. Off, nothing is added.
/// </summary>
internal static class DatabaseServerTiming
{
    public const string HeaderName = "Server-Timing";

    public static IApplicationBuilder UseDatabaseServerTiming(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value.CountCommands)
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var tally = DatabaseCommandTally.Begin();
            context.Response.OnStarting(() =>
            {
                var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                context.Response.Headers[HeaderName] = string.Create(CultureInfo.InvariantCulture,
                    $"db;desc=\"{tally.Commands}\";dur={tally.Elapsed.TotalMilliseconds:0.000}, app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.000}, alloc;desc=\"{bytes}\", turns;desc=\"{tally.WriteTurns}\"");
                return Task.CompletedTask;
            });
            // Awaited, so that the counting scope ends with the request instead of staying on the connection's flow.
            await next(context);
        });
    }
}

namespace ClawGroups.Web.Components.Board;

/// <summary>Durations and ages the way people read them on a board: "12 s", "4 min", "3 h", "2 d".</summary>
public static class RelativeTime
{
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
    }

    /// <summary>"12 s ago", or "never" when there is no time.</summary>
    public static string Ago(DateTimeOffset? at, DateTimeOffset now) => at is { } value ? $"{Span(now - value)} ago" : "never";
}

using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// Saves numbered full-page screenshots of a test under the test output, to look at after a run; when a step fails, also what
/// each page showed then and, given the app's <paramref name="serverLog"/>, its latest lines in the test's output.
/// </summary>
public sealed class Screenshots(string testName, ITestOutputHelper? output = null, ServerLog? serverLog = null)
{
    private int _count;

    public string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", testName);

    public async Task TakeAsync(IPage page, string step)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.IsClosed)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        _count++;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, $"{_count:00}-{step}.png"), FullPage = true });
    }

    /// <summary>Runs a test's steps; when one fails, saves what each page showed at that moment, then fails.</summary>
    public async Task RunAsync(Func<Task> steps, params IPage[] pages)
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch
        {
            foreach (var (page, index) in pages.Select((page, index) => (page, index)))
            {
                await TakeAsync(page, $"failure-page{index + 1}");
            }

            if (output is not null && serverLog is not null)
            {
                output.WriteLine("The app's latest log lines:");
                output.WriteLine(serverLog.Text());
            }

            throw;
        }
    }
}

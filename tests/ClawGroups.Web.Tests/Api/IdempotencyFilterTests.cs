using System.Security.Claims;
using System.Text;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

public sealed class IdempotencyFilterTests
{
    [Fact]
    public async Task A_request_that_fails_keeps_its_failure_as_the_keys_answer_and_does_not_run_again()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var filter = new IdempotencyFilter(new Factory(database), TimeProvider.System);
        var caller = Guid.NewGuid();
        var runs = 0;

        var failure = await Record.ExceptionAsync(async () => await filter.InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            throw new InvalidOperationException("the database went away after the commit");
        }));
        var repeat = await filter.InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Equal(1, runs);
        var replay = Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat);
        Assert.Equal(StatusCodes.Status500InternalServerError, replay.StatusCode);
        await using var context = database.NewContext();
        var stored = await context.IdempotencyRecords.SingleAsync();
        Assert.Contains("Outcome unknown", stored.ResponseBody, StringComparison.Ordinal);
    }

    private static DefaultEndpointFilterInvocationContext Invocation(Guid caller)
    {
        var http = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, caller.ToString())], "test")),
        };
        http.Request.Method = HttpMethods.Post;
        http.Request.Path = "/api/v1/work-items/x/progress";
        http.Request.Headers[IdempotencyFilter.HeaderName] = "key-1";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"fraction":0.5}"""));
        return new DefaultEndpointFilterInvocationContext(http);
    }

    private sealed class Factory(TestDatabase database) : IDbContextFactory<ClawDbContext>
    {
        public ClawDbContext CreateDbContext() => database.NewContext();
    }
}

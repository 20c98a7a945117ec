using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.WorkItems;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Accounts;

/// <summary>People with accounts on a running app, and the app's own services called as them (one scope per call, as a page does).</summary>
internal static class AccountsScenario
{
    /// <summary>The bootstrap owner, as the coordinator sees it.</summary>
    public static Caller Owner { get; } = new(MemberKind.Human, ClawUser.BootstrapOwnerId, "Owner", IsInstanceOwner: true);

    /// <summary>A person with an account (added directly: these tests are about what the account can do, not signing up).</summary>
    public static async Task<Caller> CreatePersonAsync(this ClawAppFactory app, string displayName)
    {
        var user = new ClawUser
        {
            Id = Guid.CreateVersion7(),
            UserName = $"{displayName.ToUpperInvariant()}-{Guid.NewGuid():N}@example.com",
            DisplayName = displayName,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var context = app.Database.NewContext();
        context.Users.Add(user);
        await context.SaveChangesAsync();
        return new Caller(MemberKind.Human, user.Id, displayName);
    }

    public static async Task<Outcome<T>> RunAsync<TService, T>(this ClawAppFactory app, Func<TService, Task<Outcome<T>>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}

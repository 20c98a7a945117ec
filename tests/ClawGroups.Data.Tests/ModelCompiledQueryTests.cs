using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Tests;

public sealed class ModelCompiledQueryTests
{
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<WorkItem?>>> ItemById = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid id, CancellationToken _) => context.WorkItems.FirstOrDefault(w => w.Id == id)));

    /// <summary>A bare compiled query would throw on the second provider: it serves only the model it first ran against.</summary>
    [Fact]
    public async Task One_compiled_query_serves_the_PostgreSQL_and_the_SQLite_model_in_one_process()
    {
        foreach (var provider in (DatabaseProvider[])[DatabaseProvider.Postgres, DatabaseProvider.Sqlite])
        {
            using var database = await TestDatabase.CreateMigratedAsync(provider);
            var graph = SampleGraph.Create();
            await using (var setup = database.NewContext())
            {
                setup.Users.Add(graph.User);
                setup.Groups.Add(graph.Group);
                setup.WorkItems.Add(graph.Design);
                await setup.SaveChangesAsync();
            }

            await using var context = database.NewContext();
            var found = await ItemById.For(context)(context, graph.Design.Id, CancellationToken.None);

            Assert.Equal(graph.Design.Title, found?.Title);
        }
    }
}

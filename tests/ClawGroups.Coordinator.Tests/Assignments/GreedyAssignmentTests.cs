namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class GreedyAssignmentTests
{
    [Fact]
    public void Greedy_gives_each_item_at_most_one_agent_and_each_agent_at_most_its_spare_capacity()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var problem = AssignmentCase.Random(seed, positiveOnly: false);

            var chosen = problem.Greedy();

            Assert.True(problem.Feasible(chosen), $"seed {seed}");
        }
    }

    [Fact]
    public void Greedy_takes_the_best_pair_first_even_when_that_strands_another_item()
    {
        var problem = OptimalAssignmentTests.Myopic;

        var chosen = problem.Greedy();

        Assert.Equal([0], chosen);
    }
}

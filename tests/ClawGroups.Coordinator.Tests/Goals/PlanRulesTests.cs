using ClawGroups.Coordinator.Goals;

namespace ClawGroups.Coordinator.Tests.Goals;

public sealed class PlanRulesTests
{
    private static PlanItemRequest Item(string key, params string[] dependsOn) => new(key, $"Do {key}", DependsOn: dependsOn);

    [Fact]
    public void A_valid_plan_comes_back_dependencies_first()
    {
        var plan = new PlanRequest([Item("report", "data", "charts"), Item("charts", "data"), Item("data"), Item("outline")]);

        var (errors, order) = PlanRules.Check(plan, maxItems: 50);

        Assert.Empty(errors);
        var keys = order.Select(i => i.Key).ToList();
        Assert.Equal(["data", "outline", "charts", "report"], keys);
    }

    [Fact]
    public void A_cycle_is_refused_and_named()
    {
        var plan = new PlanRequest([Item("a", "c"), Item("b", "a"), Item("c", "b"), Item("d")]);

        var (errors, order) = PlanRules.Check(plan, maxItems: 50);

        Assert.Empty(order);
        var message = Assert.Single(errors["items"]);
        Assert.Contains("cycle", message, StringComparison.Ordinal);
        Assert.Contains("a → c → b → a", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_that_waits_on_a_cycle_is_not_blamed_for_it()
    {
        var plan = new PlanRequest([Item("late", "x"), Item("x", "y"), Item("y", "x")]);

        var (errors, _) = PlanRules.Check(plan, maxItems: 50);

        Assert.Contains("x → y → x", Assert.Single(errors["items"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_on_an_unknown_key_is_refused_at_its_item()
    {
        var plan = new PlanRequest([Item("a"), Item("b", "a", "nope")]);

        var (errors, order) = PlanRules.Check(plan, maxItems: 50);

        Assert.Empty(order);
        Assert.Contains("'nope'", Assert.Single(errors["items[1].dependsOn"]), StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_depending_on_itself_is_refused()
    {
        var (errors, _) = PlanRules.Check(new PlanRequest([Item("a", "a")]), maxItems: 50);

        Assert.True(errors.ContainsKey("items[0].dependsOn"));
    }

    [Fact]
    public void More_items_than_the_group_allows_are_refused_with_both_numbers()
    {
        var plan = new PlanRequest(Enumerable.Range(0, 6).Select(i => Item($"k{i}")).ToList());

        var (errors, order) = PlanRules.Check(plan, maxItems: 5);

        Assert.Empty(order);
        var message = Assert.Single(errors["items"]);
        Assert.Contains("at most 5", message, StringComparison.Ordinal);
        Assert.Contains("has 6", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_the_maximum_is_accepted()
    {
        var plan = new PlanRequest(Enumerable.Range(0, 5).Select(i => Item($"k{i}")).ToList());

        Assert.Empty(PlanRules.Check(plan, maxItems: 5).Errors);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void A_plan_without_items_is_refused(int? count)
    {
        var plan = new PlanRequest(count is null ? null : []);

        Assert.True(PlanRules.Check(plan, maxItems: 50).Errors.ContainsKey("items"));
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        var (errors, _) = PlanRules.Check(new PlanRequest([Item("a"), Item("a")]), maxItems: 50);

        Assert.Contains("more than one", Assert.Single(errors["items[1].key"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_or_title_and_oversized_fields_are_refused_per_item()
    {
        var plan = new PlanRequest(
        [
            new PlanItemRequest(null, "No key"),
            new PlanItemRequest("b", "  "),
            new PlanItemRequest("c", "Long", new string('x', 20_001)),
            new PlanItemRequest("d", "Skills", RequiredSkills: [""]),
        ]);

        var (errors, _) = PlanRules.Check(plan, maxItems: 50);

        Assert.True(errors.ContainsKey("items[0].key"));
        Assert.True(errors.ContainsKey("items[1].title"));
        Assert.True(errors.ContainsKey("items[2].description"));
        Assert.True(errors.ContainsKey("items[3].requiredSkills"));
    }
}

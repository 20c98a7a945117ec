using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// What makes a plan acceptable, checked whole before anything is created: at least one item and at most the group's
/// maximum, each with a unique key and fields a person could have written, dependencies that name other keys of the plan,
/// and no cycle among them. The order it returns is one the sub-items can be created in: dependencies first.
/// </summary>
public static class PlanRules
{
    public const int MaxKeyLength = 100;

    /// <summary>Every problem of the plan by field (<c>items[2].dependsOn</c>), empty when it may be created; and, when it may, its items dependencies first.</summary>
    public static (Dictionary<string, string[]> Errors, IReadOnlyList<PlanItemRequest> Order) Check(PlanRequest? plan, int maxItems)
    {
        var errors = new Dictionary<string, string[]>();
        var items = plan?.Items;
        if (items is null || items.Count == 0)
        {
            errors["items"] = ["items is required: the plan's sub-items, at least one."];
            return (errors, []);
        }

        if (items.Count > maxItems)
        {
            errors["items"] = [$"A plan has at most {maxItems} items in this group (maxPlanItems); this one has {items.Count}."];
            return (errors, []);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors[$"items[{i}]"] = ["A plan item is an object with a key and a title."];
                continue;
            }

            var key = item.Key?.Trim();
            if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
            {
                errors[$"items[{i}].key"] = [$"key is required and at most {MaxKeyLength} characters long."];
            }
            else if (!keys.Add(key))
            {
                errors[$"items[{i}].key"] = [$"The key '{key}' is used by more than one item of the plan."];
            }

            var fieldErrors = new Dictionary<string, string[]>();
            WorkItemFields.Check(item.Title?.Trim(), item.Description, item.RequiredSkills, priority: null, fieldErrors);
            foreach (var (field, messages) in fieldErrors)
            {
                errors[$"items[{i}].{field}"] = messages;
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            var dependsOn = items[i]?.DependsOn ?? [];
            var unknown = dependsOn.Where(d => d is null || !keys.Contains(d.Trim())).ToList();
            if (unknown.Count > 0)
            {
                errors[$"items[{i}].dependsOn"] = [$"dependsOn names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which no item of the plan has as its key."];
            }
            else if (dependsOn.Any(d => d.Trim() == items[i]!.Key?.Trim()))
            {
                errors[$"items[{i}].dependsOn"] = [$"The item '{items[i]!.Key}' cannot depend on itself."];
            }
        }

        if (errors.Count > 0)
        {
            return (errors, []);
        }

        var (order, cycle) = DependenciesFirst(items);
        if (cycle.Count > 0)
        {
            errors["items"] = [$"The plan's dependencies form a cycle ({string.Join(" → ", cycle)}); a plan must be a DAG."];
            return (errors, []);
        }

        return (errors, order);
    }

    /// <summary>Kahn's order of a plan whose keys and dependencies are valid; where items are left over, a cycle among them.</summary>
    private static (List<PlanItemRequest> Order, List<string> Cycle) DependenciesFirst(IReadOnlyList<PlanItemRequest> items)
    {
        var byKey = items.ToDictionary(i => i.Key!.Trim(), StringComparer.Ordinal);
        var waiting = items.ToDictionary(i => i.Key!.Trim(), i => (i.DependsOn ?? []).Select(d => d.Trim()).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var order = new List<PlanItemRequest>(items.Count);
        // Plan order among the items that are free at once, so the sub-items are created as the planner listed them.
        var ready = new Queue<string>(items.Select(i => i.Key!.Trim()).Where(k => waiting[k].Count == 0));
        while (ready.TryDequeue(out var key))
        {
            order.Add(byKey[key]);
            waiting.Remove(key);
            foreach (var other in waiting.Where(w => w.Value.Remove(key) && w.Value.Count == 0).Select(w => w.Key).ToList())
            {
                ready.Enqueue(other);
            }
        }

        return (order, waiting.Count == 0 ? [] : CycleAmong(waiting));
    }

    /// <summary>One cycle among the items left over, by walking dependencies until a key repeats; every left-over item depends on another left over.</summary>
    private static List<string> CycleAmong(Dictionary<string, HashSet<string>> leftOver)
    {
        var path = new List<string>();
        var key = leftOver.Keys.Order(StringComparer.Ordinal).First();
        while (!path.Contains(key))
        {
            path.Add(key);
            key = leftOver[key].Where(leftOver.ContainsKey).Order(StringComparer.Ordinal).First();
        }

        return [.. path.Skip(path.IndexOf(key)), key];
    }
}

using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Mcp;

/// <summary>A tool's answer about one work item: <c>{ "workItem": … }</c>, null when next_work found nothing.</summary>
public sealed record WorkItemAnswer(WorkItemView? WorkItem);

/// <summary>list_work_items' answer: <c>{ "workItems": [...] }</c>, as the REST list.</summary>
public sealed record WorkItemsAnswer(IReadOnlyList<WorkItemView> WorkItems);

/// <summary>list_groups' answer: <c>{ "groups": [...] }</c>, as the REST list.</summary>
public sealed record GroupsAnswer(IReadOnlyList<GroupSummaryView> Groups);

/// <summary>set_budgets' answer: <c>{ "group": … }</c>, the group as REST's PATCH answers it.</summary>
public sealed record GroupAnswer(GroupView Group);

/// <summary>get_usage's answer: <c>{ "usage": … }</c>, as <c>GET /api/v1/groups/{groupId}/usage</c>.</summary>
public sealed record UsageAnswer(ClawGroups.Coordinator.UsageTotals.GroupUsageView Usage);

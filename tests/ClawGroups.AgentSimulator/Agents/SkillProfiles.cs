using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.AgentSimulator.Agents;

/// <summary>Ready-made agent cards, one per kind of agent; the simulator fills in name, url and delivery.</summary>
public static class SkillProfiles
{
    public static AgentCard Frontend { get; } = Card(
        "frontend", "Front-end agent: React and Blazor UI, accessibility, CSS.", "claude-opus-4.6", 2,
        Skill("react", "React UI", "Components, hooks, state management and tests for React apps.", ["frontend", "react", "typescript"], ["Build a settings page", "Fix the layout of the dashboard on mobile"], 0.9),
        Skill("css", "CSS and layout", "Responsive layouts, design tokens, theming.", ["frontend", "css", "design"], ["Make the header sticky"], 0.8),
        Skill("accessibility", "Accessibility", "WCAG audits and fixes: labels, focus order, contrast.", ["frontend", "a11y"], ["Audit the sign-up form"], 0.7));

    public static AgentCard Backend { get; } = Card(
        "backend", "Back-end agent: APIs, databases, background jobs.", "gpt-5", 2,
        Skill("api", "HTTP APIs", "REST endpoints, validation, authentication, OpenAPI.", ["backend", "api", "csharp"], ["Add an endpoint to export invoices"], 0.9),
        Skill("sql", "SQL and migrations", "Schema design, migrations, query tuning on PostgreSQL.", ["backend", "database", "postgres"], ["Add an index for the slow report query"], 0.85),
        Skill("jobs", "Background jobs", "Queues, retries, idempotent jobs.", ["backend", "jobs"], ["Retry failed e-mails with backoff"], 0.7));

    public static AgentCard Data { get; } = Card(
        "data", "Data agent: pipelines, analysis, dashboards.", "qwen3-72b", 2,
        Skill("etl", "Data pipelines", "Extract, clean and load data; scheduled pipelines.", ["data", "etl", "python"], ["Load the CRM export into the warehouse"], 0.85),
        Skill("analysis", "Data analysis", "Exploratory analysis, statistics, charts.", ["data", "analysis", "statistics"], ["Which customers churned last quarter, and why?"], 0.8),
        Skill("dashboards", "Dashboards", "KPI dashboards and reports.", ["data", "bi"], ["A weekly revenue dashboard"], 0.6));

    public static AgentCard Accounting { get; } = Card(
        "accounting", "Accounting agent: bookkeeping, reconciliations, invoices.", "claude-sonnet-4.5", 3,
        Skill("bookkeeping", "Bookkeeping", "Categorise transactions, post journal entries.", ["accounting", "bookkeeping"], ["Categorise last month's card transactions"], 0.9),
        Skill("reconciliation", "Bank reconciliation", "Match bank statements to the ledger and explain differences.", ["accounting", "reconciliation"], ["Reconcile the March bank statement"], 0.85),
        Skill("invoicing", "Invoicing", "Draft invoices and chase overdue ones.", ["accounting", "invoices"], ["Send reminders for invoices 30 days overdue"], 0.75));

    public static AgentCard Research { get; } = Card(
        "research", "Research agent: desk research, summaries, competitive analysis.", "gemini-2.5-pro", 2,
        Skill("desk-research", "Desk research", "Find and compare sources; cite them.", ["research", "web"], ["Compare the three leading vector databases"], 0.9),
        Skill("summaries", "Summaries", "Summarise long documents into briefs.", ["research", "writing"], ["Summarise this 40-page report in one page"], 0.85),
        Skill("market", "Market analysis", "Competitors, pricing, market size.", ["research", "market"], ["Estimate the market for bookkeeping software in Germany"], 0.7));

    public static AgentCard Reviewer { get; } = Card(
        "reviewer", "Reviewer agent: reviews others' results before a human signs off.", "claude-opus-4.6", 4,
        Skill("review", "Review", "Reviews code, documents and analyses for correctness and completeness; writes actionable feedback.", ["review", "quality"], ["Review this pull request", "Check this reconciliation for mistakes"], 0.9),
        Skill("testing", "Testing", "Writes and runs tests to check a change.", ["review", "testing"], ["Add tests for the invoice export"], 0.75));

    /// <summary>A planner: goals go to it (they require <c>planning</c>), and it answers them with a plan.</summary>
    public static AgentCard Planner { get; } = Card(
        "planner", "Planner agent: splits goals into plans of sub-items with their dependencies.", "claude-opus-4.6", 2,
        Skill("planning", "Planning", "Breaks a goal into tasks, orders them by dependency, names the skills each needs.", ["planning", "project-management"], ["Plan the launch of the new pricing page"], 0.9));

    private static readonly Dictionary<string, AgentCard> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["frontend"] = Frontend,
        ["backend"] = Backend,
        ["data"] = Data,
        ["accounting"] = Accounting,
        ["research"] = Research,
        ["reviewer"] = Reviewer,
        ["planner"] = Planner,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryGet(string name, out AgentCard card) => ByName.TryGetValue(name, out card!);

    private static AgentCard Card(string profile, string description, string model, int capacity, params AgentSkill[] skills) => new()
    {
        Name = profile,
        Description = description,
        Version = "1.0",
        Model = model,
        Device = "simulator",
        Capacity = capacity,
        Skills = skills,
    };

    private static AgentSkill Skill(string id, string name, string description, string[] tags, string[] examples, double level) => new()
    {
        Id = id,
        Name = name,
        Description = description,
        Tags = tags,
        Examples = examples,
        Level = level,
    };
}

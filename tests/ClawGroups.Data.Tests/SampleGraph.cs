using ClawGroups.Data.Accounts;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Idempotency;
using ClawGroups.Data.Trail;
using ClawGroups.Data.Webhooks;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Data.Tests;

/// <summary>One instance of every entity, linked as the product links them, with every column set.</summary>
internal sealed class SampleGraph
{
    // PostgreSQL keeps microseconds; whole seconds compare equal on both providers.
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 30, 15, TimeSpan.Zero);

    public ClawUser User { get; } = new()
    {
        Id = Guid.CreateVersion7(), UserName = "ada@example.com", NormalizedUserName = "ADA@EXAMPLE.COM",
        Email = "ada@example.com", DisplayName = "Ada", IsInstanceOwner = true, CreatedAt = Now,
    };

    public PersonalAccessToken Token { get; private set; } = null!;

    public Group Group { get; private set; } = null!;

    public JoinToken JoinToken { get; private set; } = null!;

    public Agent Agent { get; private set; } = null!;

    public WorkItem Design { get; private set; } = null!;

    public WorkItem Build { get; private set; } = null!;

    public Assignment Assignment { get; private set; } = null!;

    public TrailEvent Event { get; private set; } = null!;

    public OutboxMessage Outbox { get; private set; } = null!;

    public IdempotencyRecord Idempotency { get; private set; } = null!;

    /// <summary>Adds every entity of the graph to <paramref name="context"/>, to be saved together.</summary>
    public void AddTo(ClawDbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Users.Add(User);
        context.PersonalAccessTokens.Add(Token);
        context.Groups.Add(Group);
        context.JoinTokens.Add(JoinToken);
        context.Agents.Add(Agent);
        context.WorkItems.AddRange(Design, Build);
        context.TrailEvents.Add(Event);
        context.OutboxMessages.Add(Outbox);
        context.IdempotencyRecords.Add(Idempotency);
    }

    public static SampleGraph Create()
    {
        var graph = new SampleGraph();
        graph.Token = new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(), UserId = graph.User.Id, Name = "laptop", Prefix = "cg_pat_abcd",
            TokenHash = new string('a', 64), CreatedAt = Now, ExpiresAt = Now.AddDays(30),
        };
        graph.Group = new Group
        {
            Id = Guid.CreateVersion7(), Name = "Web shop", Description = "Storefront team", RequireReview = false,
            MaxAttempts = 4, CreatedByUserId = graph.User.Id, CreatedAt = Now,
            Thresholds = new StallThresholds { HeartbeatTimeoutSeconds = 90, ProgressTimeoutSeconds = 600, StartGraceSeconds = 30, OverrunFactor = 3.5 },
        };
        graph.Group.Members.Add(new GroupMember { UserId = graph.User.Id, Role = GroupRole.Owner, JoinedAt = Now });
        graph.JoinToken = new JoinToken
        {
            Id = Guid.CreateVersion7(), GroupId = graph.Group.Id, Audience = JoinTokenAudience.Agent, Prefix = "cg_join_wxyz",
            TokenHash = new string('b', 64), CreatedAt = Now, CreatedByUserId = graph.User.Id, ExpiresAt = Now.AddHours(1), MaxUses = 10, Uses = 1,
        };
        graph.Agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = graph.Group.Id, Name = "pixel", Description = "front-end agent", CardVersion = "1.0",
            Model = "claude-opus-4.6", Device = "laptop", CardJson = """{"name":"pixel","provider":{"organization":"Example"}}""",
            Capacity = 2, Delivery = DeliveryMode.Webhook, WebhookUrl = "https://agent.example/claw-webhook",
            ApiKeyPrefix = "cg_agent_1234", ApiKeyHash = new string('c', 64), WebhookSecretProtected = "CfDJ8…protected",
            Status = AgentStatus.Busy, RegisteredAt = Now, LastHeartbeatAt = Now.AddSeconds(5), LastHeartbeatNote = "compiling",
            Thresholds = new StallThresholds { HeartbeatTimeoutSeconds = 3600 }, ConsecutiveDeliveryFailures = 2, JoinTokenId = graph.JoinToken.Id,
        };
        graph.Agent.Skills.Add(new AgentSkill
        {
            SkillId = "react", Name = "React UI", Description = "Builds React components", Tags = ["frontend", "react"],
            Examples = ["Build a settings page"], Level = 0.9,
        });
        graph.Design = NewWorkItem(graph, "Design the checkout", WorkItemState.Done);
        graph.Build = NewWorkItem(graph, "Build the checkout", WorkItemState.InProgress);
        graph.Build.ParentId = graph.Design.Id;
        graph.Build.DependsOn.Add(new WorkItemDependency { DependsOnId = graph.Design.Id });
        graph.Build.AssigneeKind = MemberKind.Agent;
        graph.Build.AssigneeAgentId = graph.Agent.Id;
        graph.Assignment = new Assignment
        {
            Id = Guid.CreateVersion7(), GroupId = graph.Group.Id, MemberKind = MemberKind.Agent, AgentId = graph.Agent.Id, Attempt = 1,
            Role = AssignmentRole.Work, Score = 0.87, Reason = "matched skills: react; load 1/2", OfferedAt = Now, AcceptedAt = Now.AddSeconds(2),
            LastProgressAt = Now.AddSeconds(30), PingedAt = Now.AddSeconds(40), Outcome = AssignmentOutcome.Stalled,
            StallReason = StallReason.NoProgress, Usage = { InputTokens = 1200, OutputTokens = 300, CostUsd = 0.0425m },
            LateResultJson = """{"summary":"late"}""", Feedback = "tighten the spacing", EndedAt = Now.AddMinutes(3),
        };
        graph.Build.Assignments.Add(graph.Assignment);
        graph.Build.CurrentAssignmentId = graph.Assignment.Id;
        graph.Build.Artifacts.Add(new Artifact
        {
            Id = Guid.CreateVersion7(), AssignmentId = graph.Assignment.Id, Name = "notes.md", MediaType = "text/markdown",
            Content = "# Notes", SizeBytes = 7, AuthorKind = MemberKind.Agent, AuthorId = graph.Agent.Id, CreatedAt = Now,
        });
        graph.Event = new TrailEvent
        {
            GroupId = graph.Group.Id, WorkItemId = graph.Build.Id, AgentId = graph.Agent.Id, At = Now, ActorKind = MemberKind.Coordinator,
            Type = "work.assigned", DataJson = """{"score":0.87}""",
        };
        graph.Outbox = new OutboxMessage
        {
            Id = Guid.CreateVersion7(), GroupId = graph.Group.Id, AgentId = graph.Agent.Id, WorkItemId = graph.Build.Id, Type = "work.assigned",
            BodyJson = """{"id":"x","type":"work.assigned"}""", CreatedAt = Now, DueAt = Now.AddSeconds(4), Attempts = 1,
            LastError = "503 Service Unavailable", LockedUntil = Now.AddSeconds(10),
        };
        graph.Outbox.DeliveryAttempts.Add(new DeliveryAttempt { At = Now, StatusCode = 503, Error = "Service Unavailable", DurationMs = 120 });
        graph.Idempotency = new IdempotencyRecord
        {
            CallerId = graph.Agent.Id, Key = "progress-17", Method = "POST", Path = "/api/v1/work-items/x/progress",
            RequestHash = new string('d', 64), StatusCode = 200, ContentType = "application/json", ResponseBody = "{}", CreatedAt = Now,
        };
        return graph;
    }

    private static WorkItem NewWorkItem(SampleGraph graph, string title, WorkItemState state) => new()
    {
        Id = Guid.CreateVersion7(), GroupId = graph.Group.Id, Title = title, Description = "Make paying easy on phones",
        RequiredSkills = ["react", "css"], Priority = 2, State = state, StateChangedAt = Now, Attempts = 1, ProgressFraction = 0.4,
        ProgressMessage = "layout done", ProgressAt = Now, ResultSummary = state == WorkItemState.Done ? "done" : null,
        ExpectedDurationSeconds = 1800, PausedAt = null, Usage = { InputTokens = 10, OutputTokens = 20, CostUsd = 1.5m },
        CreatedByKind = MemberKind.Human, CreatedById = graph.User.Id, CreatedAt = Now, UpdatedAt = Now,
    };
}

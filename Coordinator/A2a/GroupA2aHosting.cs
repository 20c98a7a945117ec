using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Coordinator.A2a;

/// <summary>Registers "a group as an A2A agent": the card, the task ↔ work item moves, the watch and the pushes.</summary>
public static class GroupA2aHosting
{
    public static IServiceCollection AddGroupA2a(this IServiceCollection services)
    {
        services.AddScoped<GroupAgentCards>();
        services.AddScoped<GroupTasks>();
        services.AddSingleton<GroupTaskWatch>();
        services.AddSingleton<GroupTaskPushSender>();
        services.AddSingleton<GroupTaskPushes>();
        return services;
    }
}

using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>Who sent a message: the client (user) or the agent.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Role>))]
public enum Role
{
    [JsonStringEnumMemberName("ROLE_UNSPECIFIED")]
    Unspecified = 0,

    [JsonStringEnumMemberName("ROLE_USER")]
    User = 1,

    [JsonStringEnumMemberName("ROLE_AGENT")]
    Agent = 2,
}

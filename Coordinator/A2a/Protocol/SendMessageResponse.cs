namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The result of <c>SendMessage</c>: <c>{ "task": … }</c> or <c>{ "message": … }</c>, never both.</summary>
public sealed record SendMessageResponse
{
    public A2aTask? Task { get; init; }

    public Message? Message { get; init; }
}

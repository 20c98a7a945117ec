namespace ClawGroups.Data.WorkItems;

/// <summary>
/// Tokens and cost an agent reported, cumulative for one attempt or summed over many. Held by its entity, which stores it in
/// three plain columns (<see cref="IHasUsage"/>).
/// </summary>
public class Usage
{
    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public decimal CostUsd { get; set; }
}

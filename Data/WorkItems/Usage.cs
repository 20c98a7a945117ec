namespace ClawGroups.Data.WorkItems;

/// <summary>Tokens and cost an agent reported, cumulative for one attempt or summed over many.</summary>
public class Usage
{
    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public decimal CostUsd { get; set; }
}

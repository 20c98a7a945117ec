namespace ClawGroups.Inference.Moe;

/// <summary>A token sequence whose pieces fall into groups (an item's words): <see cref="GroupOfPiece"/> holds each piece's group, -1 for none.</summary>
public sealed record GroupedText(int[] Ids, int[] GroupOfPiece, int Groups);

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// What a <see cref="TextPromptDialog"/> was told: the text, and for a move that sends the item on whether the member it came
/// from may have it again (true), or nothing said (null: the note decides, decision 0024).
/// </summary>
public sealed record PromptAnswer(string Text, bool? SameMember);

/// <summary>What a <see cref="MemberPickerDialog"/> was told: the member, and an optional note on what was missing.</summary>
public sealed record ReassignChoice(Guid MemberId, string? Note);

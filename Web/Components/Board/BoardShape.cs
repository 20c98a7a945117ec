using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// What a board shows around its cards' own content: which cards stand in which column in what order, each goal's counts,
/// how many finished cards are left out, what is offered to the person, and the group itself. A live update that leaves
/// the shape as it was changed only what some cards say (a progress report, mostly), so the board hands those cards their
/// new views and renders nothing else: with hundreds of boards open, re-rendering each page for every report is what the
/// server could not keep up with (issue 17).
/// </summary>
public sealed class BoardShape
{
    private readonly (Guid Id, string Column, GoalSummary? Goal)[] _cards;
    private readonly int _hiddenFinished;
    private readonly WorkItemView[] _offers;
    private readonly GroupView? _group;

    private BoardShape((Guid, string, GoalSummary?)[] cards, int hiddenFinished, WorkItemView[] offers, GroupView? group)
        => (_cards, _hiddenFinished, _offers, _group) = (cards, hiddenFinished, offers, group);

    /// <param name="cards">The cards shown, in board order.</param>
    /// <param name="hiddenFinished">Finished cards left out.</param>
    /// <param name="goalOf">A card's goal counts; null for an item that is not a goal.</param>
    /// <param name="offers">The items offered to the person, as the board shows them (an offer's text is in the shape).</param>
    /// <param name="group">The group as the board has it (its name and settings).</param>
    public static BoardShape Of(IReadOnlyList<WorkItemView> cards, int hiddenFinished, Func<WorkItemView, GoalSummary?> goalOf,
        IEnumerable<WorkItemView> offers, GroupView? group)
    {
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(goalOf);
        ArgumentNullException.ThrowIfNull(offers);
        var shape = new (Guid, string, GoalSummary?)[cards.Count];
        for (var index = 0; index < cards.Count; index++)
        {
            var card = cards[index];
            shape[index] = (card.Id, BoardColumns.ColumnOf(card), goalOf(card));
        }

        return new BoardShape(shape, hiddenFinished, [.. offers], group);
    }

    /// <summary>Whether the board around the cards would render as it did for <paramref name="other"/>.</summary>
    public bool Matches(BoardShape? other)
        => other is not null
           && _hiddenFinished == other._hiddenFinished
           && ReferenceEquals(_group, other._group)
           && _cards.AsSpan().SequenceEqual(other._cards)
           && _offers.Length == other._offers.Length
           && _offers.Zip(other._offers).All(pair => ReferenceEquals(pair.First, pair.Second));
}

using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// The cards a board has on the page, so that a live update that changed only what some cards say reaches those cards
/// without re-rendering the board around them (<see cref="BoardShape"/>). Cards join when they start and leave when they go.
/// </summary>
public sealed class BoardCards
{
    private readonly HashSet<WorkItemCard> _cards = [];

    public void Add(WorkItemCard card) => _cards.Add(card);

    public void Remove(WorkItemCard card) => _cards.Remove(card);

    /// <summary>Hands every card the newest view of its item; a card renders again only if its view changed.</summary>
    public void Show(IReadOnlyDictionary<Guid, WorkItemView> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        // A copy: a card's render could, in principle, start or end another component while the set is read.
        foreach (var card in _cards.ToArray())
        {
            if (items.TryGetValue(card.ItemId, out var view))
            {
                card.Show(view);
            }
        }
    }
}

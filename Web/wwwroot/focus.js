// Puts keyboard focus back where a person was after a drawer or dialog over the board closes.
window.clawFocus = {
    card(itemId) {
        document.querySelector(`[data-testid="work-item-card"][data-item-id="${CSS.escape(itemId)}"]`)?.focus();
    },
};

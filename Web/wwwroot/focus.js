// Puts keyboard focus back where a person was after a drawer or dialog over the board closes.
window.clawFocus = {
    card(itemId) {
        document.querySelector(`[data-testid="work-item-card"][data-item-id="${CSS.escape(itemId)}"]`)?.focus();
    },
};

// Keeps the keyboard inside an open modal (the work item drawer, a dialog) in the browser itself.
// MudFocusTrap wraps Tab with sentinels whose focus handlers run on the server: until that round trip ends, a second Tab
// walks on past the sentinel and off the page, which a fast typist or a slow connection does. And the board re-renders
// the drawer whenever its item changes (someone else cancels it, an agent reports progress), so the control that had
// focus can vanish and leave it on <body>, from where the next Tab walks the board behind the modal.
(() => {
    const modalSelector = '[aria-modal="true"]';
    const candidates = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';
    // MudFocusTrap's sentinels: this code does their job, so Tab never needs to land on them.
    const sentinel = '.mud-focus-trap > .fixed.pointer-events-none';
    let last = null;

    const isShown = element => element.getClientRects().length > 0;
    const isTabbable = element => element.tabIndex >= 0 && !element.matches(':disabled') && !element.closest('[inert]')
        && !element.matches(sentinel) && isShown(element);
    const tabbablesIn = modal => [...modal.querySelectorAll(candidates)].filter(isTabbable);
    const isGone = element => !element.isConnected || !isShown(element) || element.matches(':disabled');
    const focusWithoutScroll = element => element?.focus({ preventScroll: true });

    // The modal a person is in: the one holding focus, else the one that held it last, else the last one open.
    const currentModal = () => document.activeElement?.closest?.(modalSelector)
        ?? (last?.modal.isConnected ? last.modal : null)
        ?? [...document.querySelectorAll(modalSelector)].filter(isShown).pop()
        ?? null;

    // Where Tab must go that the browser would not take it, or null to leave the step between two controls to the browser
    // (which knows, say, that a radio group is one stop).
    const wrapTarget = (modal, tabbables, backwards) => {
        const first = tabbables[0];
        const final = tabbables[tabbables.length - 1];
        const active = document.activeElement;
        if (!active || !modal.contains(active)) {
            return backwards ? final : first;
        }

        const at = tabbables.indexOf(active);
        if (at >= 0) {
            return backwards ? (at === 0 ? final : null) : (at === tabbables.length - 1 ? first : null);
        }

        // Focus on something inside that Tab would not stop at (the trap's own frame): the nearest control that way.
        const follows = element => active.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING;
        return backwards
            ? tabbables.findLast(element => !follows(element)) ?? final
            : tabbables.find(follows) ?? first;
    };

    const testIdOf = element => element.closest?.('[data-testid]')?.dataset.testid;

    const itemIdOf = element => element.closest?.('[data-item-id]')?.dataset.itemId;

    document.addEventListener('focusin', event => {
        const modal = event.target.closest?.(modalSelector);
        last = modal ? { modal, element: event.target, testId: testIdOf(event.target) } : null;
    });

    // A press on the modal's text moves focus to <body> on purpose; that is not a control taken away.
    document.addEventListener('mousedown', () => { last = null; }, true);

    // Tab from the last control goes to the first, Shift+Tab from the first to the last, and from anywhere outside the
    // modal (<body> after a control vanished) into it.
    document.addEventListener('keydown', event => {
        if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }

        const modal = currentModal();
        const tabbables = modal ? tabbablesIn(modal) : [];
        if (tabbables.length === 0) {
            return;
        }

        const target = wrapTarget(modal, tabbables, event.shiftKey);
        if (target) {
            // Scrolled into view, as the browser's own Tab does: a person wrapping to the top must see where they are.
            event.preventDefault();
            target.focus();
        }
    }, true);

    // Right after a render removes or hides the focused control, focus the control that took its place (same test id)
    // or else the modal's first, without scrolling: the person did not move, so the drawer should not jump. A
    // MutationObserver's callback runs before anything else can read or move focus.
    const regain = () => {
        if (!last || !last.modal.isConnected || (document.activeElement && document.activeElement !== document.body) || !isGone(last.element)) {
            return;
        }

        const tabbables = tabbablesIn(last.modal);
        const same = last.testId
            ? tabbables.find(element => element.closest('[data-testid]')?.dataset.testid === last.testId)
            : undefined;
        focusWithoutScroll(same ?? tabbables[0]);
    };

    // When the last modal goes and leaves focus on <body>, focus the control that had it when the first one opened (or the
    // one that took its place), without scrolling. MudBlazor's focus trap gives focus back itself, to what it saved on a
    // server round trip after the modal rendered; a CI run (2026-12-05) once saw focus not come back after Escape closed a
    // dialog all the same, and from <body> the next Tab starts at the top of the page. The opener is read when this
    // observer first sees a modal, before any round trip could move focus; where the trap did its job, focus is not on
    // <body> and this does nothing.
    let opened = null;
    let modalWasOpen = false;
    const giveBack = () => {
        // Modals here leave the page when they close (MudBlazor's dialogs, the board's drawer); asking for their layout on
        // every change of a live board would cost more.
        const modalOpen = document.querySelector(modalSelector) !== null;
        if (modalOpen && !modalWasOpen) {
            const active = document.activeElement;
            opened = active && active !== document.body && !active.closest(modalSelector)
                ? { element: active, testId: testIdOf(active), itemId: itemIdOf(active), path: location.pathname }
                : null;
        }

        const closed = modalWasOpen && !modalOpen;
        modalWasOpen = modalOpen;
        if (!closed) {
            return;
        }

        const opener = opened;
        opened = null;
        // A modal that closed because the page changed under it leaves focus to the new page (FocusOnNavigate).
        if (opener && opener.path === location.pathname && (!document.activeElement || document.activeElement === document.body)) {
            focusWithoutScroll(stillThere(opener));
        }
    };

    // The opener itself, else the one control on the page now that took its place: the same test id, on the same item
    // where it was on one (every card has the same test id), and only where exactly one matches.
    const stillThere = opener => {
        if (opener.element.isConnected && isTabbable(opener.element)) {
            return opener.element;
        }

        const matches = opener.testId
            ? [...document.querySelectorAll(`[data-testid="${CSS.escape(opener.testId)}"]`)]
                .filter(element => isTabbable(element) && itemIdOf(element) === opener.itemId)
            : [];
        return matches.length === 1 ? matches[0] : null;
    };

    const observed = () => {
        regain();
        giveBack();
    };

    const observe = () => new MutationObserver(observed).observe(document.body,
        { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'class', 'style', 'hidden'] });
    if (document.body) {
        observe();
    } else {
        document.addEventListener('DOMContentLoaded', observe);
    }
})();

// On a phone the board shows a column or two at a time: it opens scrolled sideways to the first column that holds a card,
// not on empty Ready and Assigned columns. Once per opening; should the first card arrive after this is called, it waits for
// it (briefly) instead of looking once.
export function openOnWork(selector) {
    const board = document.querySelector(selector);
    if (!board) {
        return;
    }

    const scroll = () => {
        const column = [...board.querySelectorAll(".board-column")].find(c => c.querySelector(".work-card"));
        if (!column) {
            return false;
        }

        if (board.scrollWidth > board.clientWidth) {
            board.scrollLeft += column.getBoundingClientRect().left - board.getBoundingClientRect().left;
        }
        return true;
    };

    if (scroll()) {
        return;
    }

    const cards = new MutationObserver(() => {
        if (scroll()) {
            cards.disconnect();
        }
    });
    cards.observe(board, { childList: true, subtree: true });
    setTimeout(() => cards.disconnect(), 5000);
}

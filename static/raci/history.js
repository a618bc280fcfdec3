// Undo and redo from the keyboard (Ctrl+Z and Ctrl+Shift+Z, Cmd on macOS) and
// a cell's history ("h" on a cell, or the picker's link). The buttons and the
// link work without this script: it only presses them, or points the link at
// the cell being edited.
(() => {
  "use strict";

  // Where Ctrl+Z belongs to the text being typed, not to the matrix.
  const TYPING =
    'textarea, select, [contenteditable]:not([contenteditable="false"]), ' +
    'input:not([type="checkbox"]):not([type="radio"]):not([type="submit"]):not([type="button"])';

  function press(id) {
    const button = document.getElementById(id);
    if (button && !button.disabled) button.form.requestSubmit(button);
  }

  // cells/ACTIVITY/ROLE/history/ for the cell around `element`, relative to
  // the page's <base> (the team's address).
  function cellHistoryUrl(element) {
    const cell = element.closest && element.closest("td.raci-cell");
    const match = cell && /^cell-(\d+)-(\d+)$/.exec(cell.id);
    return match ? `cells/${match[1]}/${match[2]}/history/` : null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || (event.target.closest && event.target.closest(TYPING))) return;
    const key = event.key.toLowerCase();
    if (key === "z" && (event.ctrlKey || event.metaKey) && !event.altKey) {
      event.preventDefault();
      press(event.shiftKey ? "redo-button" : "undo-button");
    } else if (key === "h" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const url = cellHistoryUrl(event.target);
      if (!url) return;
      event.preventDefault();
      window.location.assign(new URL(url, document.baseURI));
    }
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("#cell-picker .cell-history-link");
    const url = link && cellHistoryUrl(link);
    if (url) link.setAttribute("href", url);
  });
})();

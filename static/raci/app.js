// The matrix editor's keyboard and picker behaviour. Every write still goes
// through the cell's own <form>, which htmx posts; this file only moves focus,
// toggles checkboxes and keeps the picker open across swaps.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  const LETTERS = { r: "R", a: "A", c: "C", i: "I" };
  const ARROWS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function cellButtons() {
    return Array.from(document.querySelectorAll("#matrix .activity-row:not([hidden]) .cell-button"));
  }

  // Roving tabindex: the grid is one tab stop, arrow keys move inside it.
  function setActive(button, focus) {
    cellButtons().forEach((other) => other.setAttribute("tabindex", "-1"));
    button.setAttribute("tabindex", "0");
    if (focus) button.focus();
  }

  function initGrid() {
    const buttons = cellButtons();
    if (!buttons.length) return;
    const current = buttons.find((b) => b.getAttribute("tabindex") === "0") || buttons[0];
    setActive(current, false);
  }

  // Rows are grouped by category, so the order on screen is not the order of
  // the activities' positions: move through the visible rows as shown.
  function move(button, [dRow, dCol]) {
    const rows = Array.from(document.querySelectorAll("#matrix .activity-row:not([hidden])"));
    const row = rows[rows.indexOf(button.closest("tr")) + dRow];
    const col = Number(button.closest("td").dataset.col) + dCol;
    const target = row && row.querySelector(`td.raci-cell[data-col="${col}"] .cell-button`);
    if (target) setActive(target, true);
  }

  // An edit made while its row is saving would carry the version the pending
  // response is about to replace, and be refused as stale (or, sent from
  // another cell of the row, land in a row that is gone). It waits here, as
  // cell id -> wanted letters, and is sent once the row is back.
  const waiting = new Map();

  function checkedLetters(cell) {
    return Array.from(cell.querySelectorAll("input[type=checkbox]:checked"), (box) => box.value);
  }

  function rowIsSaving(cell) {
    return Boolean(cell.closest("tr").querySelector("td.is-saving"));
  }

  function submitCell(cell) {
    const form = cell.querySelector(".picker-form");
    if (!form) return;
    if (rowIsSaving(cell)) {
      waiting.set(cell.id, checkedLetters(cell));
      return;
    }
    form.querySelector("input[type=checkbox]").dispatchEvent(new Event("change", { bubbles: true }));
  }

  function sendWaiting() {
    for (const [cellId, wanted] of waiting) {
      const cell = document.getElementById(cellId);
      if (cell && rowIsSaving(cell)) continue;
      waiting.delete(cellId);
      // A refused edit shows a colleague's value: what was typed on top of it goes too.
      if (!cell || cell.classList.contains("is-stale")) continue;
      const saved = checkedLetters(cell).join();
      cell.querySelectorAll("input[type=checkbox]").forEach((box) => {
        box.checked = wanted.includes(box.value);
      });
      if (checkedLetters(cell).join() !== saved) submitCell(cell);
    }
  }

  // A letter ticked with the mouse while the row is saving waits as well.
  document.addEventListener(
    "change",
    (event) => {
      const cell = event.target.closest && event.target.closest("td.raci-cell");
      if (!cell || !event.target.matches("input[type=checkbox]") || !rowIsSaving(cell)) return;
      event.stopPropagation();
      waiting.set(cell.id, checkedLetters(cell));
    },
    true,
  );

  document.addEventListener("keydown", (event) => {
    const cell = event.target.closest && event.target.closest("td.raci-cell");
    if (!cell || event.ctrlKey || event.metaKey || event.altKey) return;
    const picker = cell.querySelector("details.picker");
    const key = event.key;
    if (key in ARROWS && event.target.matches(".cell-button")) {
      event.preventDefault();
      move(event.target, ARROWS[key]);
    } else if (LETTERS[key.toLowerCase()]) {
      event.preventDefault();
      const box = cell.querySelector(`input[value="${LETTERS[key.toLowerCase()]}"]`);
      box.checked = !box.checked;
      submitCell(cell);
    } else if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      cell.querySelectorAll("input[type=checkbox]").forEach((box) => (box.checked = false));
      submitCell(cell);
    } else if (key === "Escape" && picker && picker.open) {
      event.preventDefault();
      picker.open = false;
      cell.querySelector(".cell-button").focus();
    }
  });

  // One picker open at a time.
  document.addEventListener(
    "toggle",
    (event) => {
      const opened = event.target;
      if (!opened.matches || !opened.matches("details.picker") || !opened.open) return;
      document.querySelectorAll("details.picker[open]").forEach((other) => {
        if (other !== opened) other.open = false;
      });
      setActive(opened.querySelector(".cell-button"), false);
      // Near the bottom of the grid the picker opens below the visible area.
      opened.querySelector(".picker-form").scrollIntoView({ block: "nearest" });
    },
    true,
  );

  // After the whole editor is re-rendered (a fix, a move, a new activity),
  // focus goes to what the form names in data-focus instead of the page top.
  let focusAfterSwap = null;

  function focusWithin(id) {
    const element = document.getElementById(id);
    if (!element) return;
    const focusable = element.matches("input, button, summary, a")
      ? element
      : element.querySelector(".cell-button, summary, button, input");
    if (!focusable) return;
    if (focusable.matches(".cell-button")) setActive(focusable, true);
    else focusable.focus();
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const cell = event.target.closest && event.target.closest("td.raci-cell");
    if (cell) cell.classList.add("is-saving");
    if (event.target.dataset && event.target.dataset.focus) focusAfterSwap = event.target.dataset.focus;
  });

  // The row is re-rendered after each edit: reopen its pickers and put the
  // focus back where it is when the answer arrives, so that several letters
  // can be set in a row and the keyboard user keeps their place.
  let kept = [];
  document.addEventListener("htmx:beforeSwap", (event) => {
    const row = event.detail.target;
    if (!row || !row.matches || !row.matches("tr.activity-row")) return;
    const focused = document.activeElement;
    const cell = focused && row.contains(focused) ? focused.closest("td.raci-cell") : null;
    kept.push({
      open: Array.from(row.querySelectorAll("details.picker[open]"), (picker) => picker.closest("td").id),
      cellId: cell ? cell.id : null,
      letter: cell && focused.matches("input[type=checkbox]") ? focused.value : null,
    });
  });

  // htmx fires afterSettle on each swapped element (the row and the panels
  // out of band); every swap is done by the first of them.
  document.addEventListener("htmx:afterSettle", () => {
    initGrid();
    for (const { open, cellId, letter } of kept) {
      open.forEach((id) => {
        const picker = document.querySelector(`#${id} details.picker`);
        if (picker) picker.open = true;
      });
      const cell = cellId && document.getElementById(cellId);
      if (!cell) continue;
      if (letter) cell.querySelector(`input[value="${letter}"]`).focus();
      else setActive(cell.querySelector(".cell-button"), true);
    }
    kept = [];
    sendWaiting();
    if (focusAfterSwap) {
      focusWithin(focusAfterSwap);
      focusAfterSwap = null;
    }
    // A new row or column is shown where the user can see it.
    const added = document.querySelector("[data-added]");
    if (added) {
      added.removeAttribute("data-added");
      added.classList.add("is-highlighted");
      added.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  function saveFailed(event) {
    waiting.clear();
    document.querySelectorAll("td.is-saving").forEach((cell) => cell.classList.remove("is-saving"));
    const flash = document.getElementById("flash");
    if (!flash) return;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    const reason =
      status === 404
        ? "That activity or role is no longer in this matrix: a colleague may have removed it."
        : status === 403
          ? "You are not allowed to change this matrix."
          : "That change could not be saved.";
    flash.innerHTML = "";
    const alert = document.createElement("div");
    alert.className = "alert alert-danger py-2 mb-2";
    alert.setAttribute("role", "alert");
    alert.append(`${reason} Nothing was changed. `);
    const reload = document.createElement("a");
    reload.href = location.pathname;
    reload.textContent = "Reload the matrix";
    alert.append(reload);
    flash.appendChild(alert);
    flash.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:responseError", saveFailed);
  document.addEventListener("htmx:sendError", saveFailed);

  // Collapsible categories.
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".group-toggle");
    if (toggle) {
      const expanded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!expanded));
      document.querySelectorAll(`#${toggle.dataset.group} .activity-row`).forEach((row) => {
        row.hidden = expanded;
      });
      initGrid();
      return;
    }
    // A finding points to its cell, row or column: highlight it.
    const link = event.target.closest(".finding-link");
    if (link) {
      const target = document.getElementById(link.dataset.target);
      if (!target) return;
      event.preventDefault();
      const row = target.closest("tr");
      if (row && row.hidden) {
        const group = row.closest("tbody");
        const groupToggle = document.querySelector(`.group-toggle[data-group="${group.id}"]`);
        if (groupToggle) groupToggle.click();
      }
      document.querySelectorAll(".is-highlighted").forEach((el) => el.classList.remove("is-highlighted"));
      target.classList.add("is-highlighted");
      target.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
      const button = target.querySelector(".cell-button");
      if (button) setActive(button, true);
      history.replaceState(null, "", `#${link.dataset.target}`);
    }
  });

  document.addEventListener("DOMContentLoaded", initGrid);
})();

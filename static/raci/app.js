// The matrix editor's keyboard and picker behaviour.
//
// Each cell is a link to its own edit page (which is what happens without
// JavaScript). Here a click or a key opens the page's one letter picker in the
// cell instead, and each change is posted with htmx: the server answers with
// the re-rendered row, and the findings panel out of band.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  const LETTERS = { r: "R", a: "A", c: "C", i: "I" };
  const ORDER = ["A", "R", "C", "I"];
  const ARROWS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  const JUMPS = ["Home", "End", "PageUp", "PageDown"];
  // Letters typed on a cell within this many milliseconds of each other
  // make one entry (A then R gives AR); a pause starts a new one.
  const TYPING_PAUSE_MS = 1000;
  // What the grid's arrows reach besides the cells: a row's name, a
  // category's toggle, a column's menu.
  const GRID_CONTROLS = "#matrix a.activity-name, #matrix .group-toggle, #matrix .column-menu > summary";

  let picker = null; // #cell-picker, found once: it is never swapped out.
  let rowMenu = null; // #row-menu, the page's one row menu, moved from row to row.
  let active = null; // The cell button that is the grid's one tab stop.

  function cellOf(element) {
    return element && element.closest ? element.closest("td.raci-cell") : null;
  }

  // A cell carries no label of its own (a large matrix has thousands): it is
  // named from its row and column headers when it becomes the active one.
  function cellLabel(cell) {
    const row = cell.closest("tr").querySelector(".activity-name");
    const head = document.querySelectorAll("#column-headers th")[cell.cellIndex];
    const role = head ? head.querySelector(".role-name").textContent : "";
    const letters = savedLetters(cell).join("") || "not involved";
    const severity = ["error", "warning", "info"].find((s) => cell.classList.contains(`has-${s}`));
    return `${role} on ${row ? row.textContent : ""}: ${letters}${severity ? `, has a ${severity}` : ""}`;
  }

  // Roving tabindex: the grid is one tab stop, arrow keys move inside it.
  function setActive(button, focus) {
    if (active && active !== button) active.setAttribute("tabindex", "-1");
    active = button;
    button.setAttribute("tabindex", "0");
    button.setAttribute("aria-label", cellLabel(cellOf(button)));
    if (focus) button.focus();
  }

  // Cells that arrived (the page, a row, the rest of a large matrix) leave
  // the tab order; the active cell, or the first one shown, stays in it.
  function initGrid() {
    document.querySelectorAll(`#matrix .cell-button:not([tabindex]), ${GRID_CONTROLS}`).forEach((control) => {
      if (!control.hasAttribute("tabindex")) control.setAttribute("tabindex", "-1");
    });
    if (canMoveRows()) {
      document.querySelectorAll("#matrix th.activity-cell:not([draggable])").forEach((header) => {
        header.draggable = true;
      });
    }
    const current = active && document.getElementById(active.id);
    const usable = current && !current.closest("tr").hidden ? current : null;
    const first = usable || document.querySelector("#matrix .activity-row:not([hidden]) .cell-button");
    if (first) setActive(first, false);
  }

  // Rows are grouped by category, so move through the visible rows as shown;
  // in the names' column the categories' toggles are stops too, and above
  // the first row are the columns' menus.
  function shownRows(withGroups) {
    const rows = withGroups ? "#matrix tr.activity-row:not([hidden]), #matrix tr.group-header" : "#matrix tr.activity-row:not([hidden])";
    return Array.from(document.querySelectorAll(rows));
  }

  function columnOf(element) {
    return element.closest("td, th").cellIndex;
  }

  // Focus what sits in column `index` of `row`: its cell, its name, a
  // category's toggle or a column's menu. False if there is nothing there.
  function goTo(row, index) {
    const place = row && row.cells[index];
    const target = place && place.querySelector(".cell-button, a.activity-name, .group-toggle, .column-menu > summary");
    if (!target) return false;
    if (target.matches(".cell-button")) setActive(target, true);
    else target.focus();
    return true;
  }

  function move(from, [dRow, dCol]) {
    const index = columnOf(from) + dCol;
    const rows = shownRows(index === 0);
    const row = from.closest("tr");
    const position = row.id === "column-headers" ? -1 : rows.indexOf(row);
    if (position + dRow === -1) return goTo(document.getElementById("column-headers"), index);
    return goTo(rows[position + dRow], index);
  }

  // Home and End: the row's first and last cell (with Ctrl, the grid's);
  // PageUp and PageDown: a screenful of rows.
  function jump(from, key, toCorner) {
    const rows = shownRows(false);
    const row = from.closest("tr");
    let position = Math.max(rows.indexOf(row), 0);
    let index = Math.max(columnOf(from), 1);
    if (key === "Home") {
      index = 1;
      if (toCorner) position = 0;
    } else if (key === "End") {
      index = rows[0].cells.length - 1;
      if (toCorner) position = rows.length - 1;
    } else {
      const box = document.querySelector(".grid-scroll");
      const screenful = Math.max(1, Math.floor(box.clientHeight / rows[0].offsetHeight) - 2);
      position += key === "PageDown" ? screenful : -screenful;
      position = Math.min(Math.max(position, 0), rows.length - 1);
    }
    goTo(rows[position], index);
  }

  // Tab and Shift+Tab move along the row, and leave the grid at its ends
  // for the control before or after it.
  function tab(from, back) {
    const index = columnOf(from) + (back ? -1 : 1);
    if (index >= 1 && goTo(from.closest("tr.activity-row"), index)) return;
    const grid = document.getElementById("matrix");
    const outside = Array.from(
      document.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, summary"),
    ).filter((control) => !grid.contains(control) && control.tabIndex >= 0 && control.checkVisibility());
    const after = (control) => grid.compareDocumentPosition(control) & Node.DOCUMENT_POSITION_FOLLOWING;
    const next = back ? outside.filter((control) => !after(control)).pop() : outside.find(after);
    if (next) next.focus();
  }

  // --- The row menu ----------------------------------------------------------------------

  // The rows of a category in order (a large matrix's rest can continue a
  // category in a <tbody> of its own).
  function rowsOfGroup(row) {
    const group = row.closest("tbody").dataset.group;
    return Array.from(document.querySelectorAll(`#matrix tbody[data-group="${group}"] .activity-row`));
  }

  // Brings the row menu to `row` and points its links and forms at it.
  function placeRowMenu(row) {
    if (!rowMenu || !row) return;
    const header = row.querySelector("th.activity-cell");
    if (rowMenu.parentElement === header) return;
    rowMenu.open = false;
    const id = row.id.slice("row-".length);
    const name = row.querySelector(".activity-name").textContent;
    rowMenu.querySelector("summary").setAttribute("aria-label", `Actions and catalogue key of ${name}`);
    const keyLine = rowMenu.querySelector(".row-menu-key");
    const key = row.dataset.key || "";
    keyLine.hidden = !key;
    const keyLink = keyLine.querySelector("a");
    keyLink.textContent = key;
    keyLink.href = `${keyLink.dataset.base}#${key}`;
    const rename = rowMenu.querySelector(".rename-link");
    if (rename) {
      rename.href = `activities/${id}/`;
      rename.setAttribute("aria-label", `Rename or describe ${name}`);
      const siblings = rowsOfGroup(row);
      const move = rowMenu.querySelector(".move-form");
      move.action = `activities/${id}/move/`;
      move.setAttribute("hx-post", `activities/${id}/move/`);
      move.dataset.focus = row.id;
      const [up, down] = move.querySelectorAll("button");
      up.disabled = siblings[0] === row;
      down.disabled = siblings[siblings.length - 1] === row;
      up.setAttribute("aria-label", `Move ${name} up within its category`);
      down.setAttribute("aria-label", `Move ${name} down within its category`);
      // Not an htmx form: its buttons put a new row to name in the grid (startInsert).
      rowMenu.querySelector(".insert-form").setAttribute("action", `activities/${id}/insert/`);
      const place = rowMenu.querySelector(".place-form");
      place.setAttribute("action", `activities/${id}/place/`);
      place.setAttribute("hx-post", `activities/${id}/place/`);
      place.dataset.focus = row.id;
      const category = row.closest("tbody").dataset.group.slice("group-".length);
      place.querySelector("select").value = category === "other" ? "" : category;
      const remove = rowMenu.querySelector(".delete-form");
      remove.action = `activities/${id}/delete/`;
      remove.setAttribute("hx-post", `activities/${id}/delete/`);
      remove.setAttribute("hx-confirm", `Delete “${name}” and its cells?`);
      remove.querySelector("button").setAttribute("aria-label", `Delete ${name}`);
      // htmx reads hx-post when it processes an element: again, for this row.
      htmx.process(rowMenu);
    }
    header.appendChild(rowMenu);
    rowMenu.hidden = false;
  }

  // Back home before a swap replaces the row it sits in.
  function parkRowMenu() {
    if (!rowMenu || !rowMenu.closest("#workspace")) return;
    rowMenu.open = false;
    rowMenu.hidden = true;
    document.getElementById("row-menu-home").appendChild(rowMenu);
  }

  document.addEventListener("mouseover", (event) => {
    const row = event.target.closest && event.target.closest("#matrix tr.activity-row");
    if (row && rowMenu && !rowMenu.open) placeRowMenu(row);
  });

  document.addEventListener("focusin", (event) => {
    const row = event.target.closest && event.target.closest("#matrix tr.activity-row");
    if (row && !(rowMenu && rowMenu.contains(event.target))) placeRowMenu(row);
    // However a cell got the focus, it is the one the keys act on.
    if (row && event.target.matches(".cell-button") && event.target !== active) setActive(event.target, false);
  });

  // --- The picker ------------------------------------------------------------------------

  function pickerCell() {
    return picker && !picker.hidden ? cellOf(picker) : null;
  }

  function openPicker(cell, letters) {
    const button = cell.querySelector(".cell-button");
    closePicker();
    picker.querySelector("#cell-picker-label").textContent = `Letters of ${cellLabel(cell)}`;
    picker.querySelectorAll("input").forEach((box) => {
      box.checked = letters.includes(box.value);
    });
    cell.appendChild(picker);
    picker.hidden = false;
    button.setAttribute("aria-expanded", "true");
    setActive(button, false);
    // Near the bottom of the grid the picker opens below the visible area.
    picker.scrollIntoView({ block: "nearest" });
  }

  function closePicker() {
    const cell = pickerCell();
    if (!cell) return;
    picker.hidden = true;
    const button = cell.querySelector(".cell-button");
    if (button) button.setAttribute("aria-expanded", "false");
  }

  // --- Saving ----------------------------------------------------------------------------

  // An edit made while its row is saving would carry the version the pending
  // answer is about to replace, and be refused as stale. It waits here, as
  // cell id -> wanted letters, and is sent once the row is back.
  const waiting = new Map();

  function savedLetters(cell) {
    return Array.from(cell.dataset.letters || "");
  }

  // What the user last asked for: waiting, or on its way (the cell element is
  // replaced when the answer arrives, which forgets data-sending), or saved.
  function wantedLetters(cell) {
    if (waiting.has(cell.id)) return waiting.get(cell.id);
    if (cell.dataset.sending !== undefined) return Array.from(cell.dataset.sending);
    return savedLetters(cell);
  }

  function rowIsSaving(cell) {
    return Boolean(cell.closest("tr").querySelector("td.is-saving"));
  }

  function save(cell, letters) {
    staleNotes.delete(cell.id);
    letters = ORDER.filter((letter) => letters.includes(letter));
    if (rowIsSaving(cell)) {
      waiting.set(cell.id, letters);
      return;
    }
    if (letters.join("") === savedLetters(cell).join("")) return;
    cell.classList.add("is-saving");
    cell.dataset.sending = letters.join("");
    htmx.ajax("POST", cell.querySelector(".cell-button").getAttribute("href"), {
      source: cell,
      target: `#${cell.closest("tr").id}`,
      swap: "outerHTML",
      values: {
        letters: letters,
        version: cell.dataset.version || 0,
        // What the page shows of the findings: the answer leaves them out if unchanged.
        digest: document.getElementById("findings").dataset.digest,
      },
    });
  }

  function toggle(cell, letter) {
    const letters = wantedLetters(cell);
    const next = letters.includes(letter) ? letters.filter((l) => l !== letter) : [...letters, letter];
    if (pickerCell() === cell) {
      picker.querySelector(`input[value="${letter}"]`).checked = next.includes(letter);
    }
    save(cell, next);
  }

  // A letter typed on a cell replaces what it holds; letters typed in quick
  // succession on the same cell add up.
  let typed = null; // { cellId, letters, at }

  function type(cell, letter) {
    const now = Date.now();
    const adding = typed && typed.cellId === cell.id && now - typed.at < TYPING_PAUSE_MS;
    const letters = adding ? [...typed.letters.filter((l) => l !== letter), letter] : [letter];
    typed = { cellId: cell.id, letters, at: now };
    save(cell, letters);
  }

  function sendWaiting() {
    for (const [cellId, letters] of waiting) {
      const cell = document.getElementById(cellId);
      if (cell && rowIsSaving(cell)) continue;
      waiting.delete(cellId);
      // A refused edit shows a colleague's value: what was typed on top of it goes too.
      if (cell && !cell.classList.contains("is-stale")) save(cell, letters);
    }
  }

  // --- Selection, copy, paste, fill ------------------------------------------------------

  // A rectangle of cells, by the ids of the cell it started on and the cell
  // it reaches; null when one cell (the active one) is all there is.
  let selection = null;
  let dragFrom = null; // The cell a mouse drag started on.
  let dragged = false; // The drag reached another cell: its click opens no picker.
  let refocus = null; // The cell to put the focus back on when a block's answer is in.
  // Where a block's first cell was on the screen and how far the grid was
  // scrolled when it was sent: the answer (its message above the grid
  // included) must not move what the user is looking at.
  let keptView = null; // { cellId, top, scrollTop, scrollLeft }

  function allRows() {
    return Array.from(document.querySelectorAll("#matrix tr.activity-row"));
  }

  // The cells between two corners, row by row, in the order the page has
  // them (rows of a collapsed category included, as the server places blocks).
  function rectangle(fromId, toId) {
    const from = document.getElementById(fromId);
    const to = document.getElementById(toId);
    if (!from || !to) return [];
    const rows = allRows();
    const [top, bottom] = [rows.indexOf(from.closest("tr")), rows.indexOf(to.closest("tr"))].sort((a, b) => a - b);
    const [left, right] = [from.cellIndex, to.cellIndex].sort((a, b) => a - b);
    return rows.slice(top, bottom + 1).map((row) => Array.from(row.cells).slice(left, right + 1));
  }

  // The selected rectangle, or the active cell alone.
  function selectedBlock() {
    if (selection) return rectangle(selection.from, selection.to);
    const cell = active && cellOf(active);
    return cell ? [[cell]] : [];
  }

  function showSelection() {
    document.querySelectorAll("#matrix td.is-selected").forEach((cell) => cell.classList.remove("is-selected"));
    const cells = selection ? rectangle(selection.from, selection.to).flat() : [];
    if (selection && !cells.length) selection = null; // a corner was removed
    cells.forEach((cell) => cell.classList.add("is-selected"));
  }

  function select(fromCell, toCell) {
    selection = fromCell === toCell ? null : { from: fromCell.id, to: toCell.id };
    showSelection();
  }

  function clearSelection() {
    if (!selection) return;
    selection = null;
    showSelection();
  }

  // Sends a block of tab-separated text to be written from `topLeft` on, with
  // the version of every cell the page shows: the server checks the whole
  // block before writing any of it, and answers with the rows it changed.
  function writeBlock(action, topLeft, text) {
    // Blocks are placed on every row in the page's order: one that would
    // cover rows the filter or a collapsed category hides is not sent.
    const rows = allRows();
    const start = rows.indexOf(topLeft.closest("tr"));
    const height = text.replace(/\r?\n$/, "").split(/\r?\n/).length;
    if (rows.slice(start, start + height).some((row) => row.hidden)) {
      tell("That block would reach rows hidden by the filter or a collapsed category: show them first. Nothing was changed.");
      return;
    }
    const [activity, role] = topLeft.id.slice("cell-".length).split("-");
    const versions = Array.from(
      document.querySelectorAll("#matrix td.raci-cell"),
      (cell) => `${cell.id.slice("cell-".length)}-${cell.dataset.version || 0}`,
    ).join(" ");
    closePicker();
    const box = document.querySelector(".grid-scroll");
    keptView = { cellId: topLeft.id, top: topLeft.getBoundingClientRect().top, scrollTop: box.scrollTop, scrollLeft: box.scrollLeft };
    // A paste moves the cursor and the selection only once it is written
    // (raci:block-placed, below): a refused one leaves them as they are.
    refocus = active ? cellOf(active).id : null;
    htmx.ajax("POST", "cells/", {
      source: document.getElementById("matrix"),
      swap: "none",
      values: { action, activity, role, text, versions },
    });
  }

  // As spreadsheets write a block: each line ended by a line break, so that
  // a last line of empty cells (a clear, a column's empty cell) is kept.
  function asText(block, letters) {
    return block.map((cells, row) => `${cells.map((cell, column) => letters(cell, column, row)).join("\t")}\n`).join("");
  }

  // A pasted block smaller than the selection whose size divides it is
  // repeated across it, as spreadsheets do: one value fills every selected
  // cell, a row of two fills a selection two columns wide. The text sent is
  // then the whole selection, so the server checks and writes each cell of
  // it as for any block. Any other block goes once at the selection's first
  // cell; so does one with a quote in it, which only the server's reader
  // splits into cells rightly.
  function tiled(text, block) {
    const lines = text.replace(/\r?\n$/, "").split(/\r?\n/).map((line) => line.split("\t"));
    const [height, width] = [lines.length, lines[0].length];
    if (text.includes('"') || lines.some((cells) => cells.length !== width)) return text;
    if (block.length % height || block[0].length % width) return text;
    return asText(block, (_cell, column, row) => lines[row % height][column % width]);
  }

  function clearBlock() {
    const block = selectedBlock();
    if (block.length) writeBlock("clear", block[0][0], asText(block, () => ""));
  }

  // Each selected row takes the letters of the first; a single row takes
  // those of the row shown above it, as in a spreadsheet.
  function fillDown() {
    let block = selectedBlock();
    if (!block.length) return;
    let source = block[0];
    if (block.length === 1) {
      const shown = allRows().filter((row) => !row.hidden);
      const above = shown[shown.indexOf(block[0][0].closest("tr")) - 1];
      if (!above) return;
      source = block[0].map((cell) => above.cells[cell.cellIndex]);
    } else {
      block = block.slice(1);
    }
    writeBlock("fill", block[0][0], asText(block, (_cell, column) => source[column].dataset.letters || ""));
  }

  // Copied as spreadsheets copy: tab-separated, a line per row.
  document.addEventListener("copy", (event) => {
    if (!cellOf(document.activeElement) || !event.clipboardData) return;
    const block = selectedBlock();
    if (!block.length) return;
    event.preventDefault();
    event.clipboardData.setData("text/plain", asText(block, (cell) => cell.dataset.letters || ""));
  });

  document.addEventListener("paste", (event) => {
    const cell = cellOf(document.activeElement);
    if (!cell || !event.clipboardData) return;
    const text = event.clipboardData.getData("text/plain");
    if (!text) return;
    event.preventDefault();
    const block = selectedBlock();
    writeBlock("paste", block[0][0], tiled(text, block));
  });

  // A paste was written: as a spreadsheet pastes, the cursor goes on the
  // block's first cell and the block is selected, as the server placed it
  // (without the names' column of rows copied with their names, see
  // raci/blocks.py). The rows are swapped after this; their cells keep their ids.
  document.addEventListener("raci:block-placed", (event) => {
    const [from, to] = [document.getElementById(event.detail.from), document.getElementById(event.detail.to)];
    if (!from || !to) return;
    const button = from.querySelector(".cell-button");
    setActive(button, false);
    button.focus({ preventScroll: true });
    refocus = from.id;
    select(from, to);
  });

  // A drag selects cells, not the page's text; Shift+click reaches from the
  // active cell (or the selection's first corner) to the clicked one.
  document.addEventListener("mousedown", (event) => {
    const button = event.target.closest && event.target.closest("#matrix .cell-button");
    if (!button || !picker || event.button !== 0 || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const cell = cellOf(button);
    if (event.shiftKey) {
      const from = (selection && document.getElementById(selection.from)) || (active && cellOf(active)) || cell;
      setActive(button, true);
      select(from, cell);
      return;
    }
    dragFrom = cell;
    dragged = false;
    setActive(button, true);
  });

  document.addEventListener("mouseover", (event) => {
    if (!dragFrom || !(event.buttons & 1)) return;
    const cell = cellOf(event.target);
    if (!cell || !cell.closest("#matrix")) return;
    if (cell !== dragFrom) dragged = true;
    if (dragged) select(dragFrom, cell);
  });

  document.addEventListener("mouseup", () => {
    dragFrom = null;
  });

  // --- Events ----------------------------------------------------------------------------

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".cell-button");
    // Shift+click and the end of a drag select cells (on mousedown, above).
    if (button && picker && (event.shiftKey || dragged)) {
      event.preventDefault();
      dragged = false;
      return;
    }
    // A click with Ctrl or Cmd opens the cell's own page, in a new tab or window.
    const modified = event.ctrlKey || event.metaKey || event.button !== 0;
    if (button && picker && !modified) {
      clearSelection();
      event.preventDefault();
      const cell = cellOf(button);
      if (pickerCell() === cell) closePicker();
      else openPicker(cell, wantedLetters(cell));
      return;
    }
    if (pickerCell() && !event.target.closest("#cell-picker")) closePicker();
  });

  // Tabbing out of the cell closes its picker (a click elsewhere does too).
  document.addEventListener("focusout", (event) => {
    const cell = pickerCell();
    if (cell && event.relatedTarget && !cell.contains(event.relatedTarget)) closePicker();
  });

  document.addEventListener("change", (event) => {
    if (!event.target.matches("#cell-picker input")) return;
    const letters = Array.from(picker.querySelectorAll("input:checked"), (box) => box.value);
    save(pickerCell(), letters);
  });

  // Keys the whole grid shares: moving, jumping, tabbing, the row menu.
  // True if the key was one of them.
  function gridKey(event) {
    const key = event.key;
    const from = event.target;
    if ((key === "ArrowUp" || key === "ArrowDown") && event.altKey && canMoveRows() && from.closest("tr.activity-row")) {
      event.preventDefault();
      moveRow(from, key === "ArrowUp" ? "up" : "down");
    } else if (key in ARROWS && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      closePicker();
      typed = null;
      const corner = (selection && document.getElementById(selection.from)) || cellOf(from);
      move(from, ARROWS[key]);
      if (event.shiftKey && corner && cellOf(document.activeElement)) select(corner, cellOf(active));
      else clearSelection();
    } else if (JUMPS.includes(key) && !event.altKey && !event.shiftKey) {
      event.preventDefault();
      closePicker();
      clearSelection();
      jump(from, key, event.ctrlKey || event.metaKey);
    } else if (key === "Tab" && !event.ctrlKey && !event.altKey && from.closest("tr.activity-row")) {
      event.preventDefault();
      closePicker();
      clearSelection();
      tab(from, event.shiftKey);
    } else if ((key === "ContextMenu" || (key === "F10" && event.shiftKey)) && rowMenu && from.closest("tr.activity-row")) {
      event.preventDefault();
      placeRowMenu(from.closest("tr.activity-row"));
      rowMenu.open = true;
      rowMenu.querySelector("summary").focus();
    } else {
      return false;
    }
    return true;
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!target.matches) return;
    if (event.key === "?" && !target.matches("input, textarea, select")) {
      event.preventDefault();
      showKeys();
      return;
    }
    if (target.matches(".rename-form input[name=name]")) {
      if (event.key === "Escape") {
        event.preventDefault();
        endRename(target.form, false);
      }
      return;
    }
    if (target.matches(GRID_CONTROLS)) {
      if (gridKey(event)) return;
      if ((event.key === "F2" || event.key === "Enter") && target.matches("a.activity-name") && picker) {
        event.preventDefault();
        startRename(target);
      }
      return;
    }
    const cell = cellOf(target);
    if (!cell || !picker) return;
    const key = event.key;
    const onButton = target.matches(".cell-button");
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && key.toLowerCase() === "d") {
      event.preventDefault(); // the browser's bookmark
      fillDown();
      return;
    }
    // With the picker open, Tab goes through its letters.
    if (onButton && pickerCell() !== cell && gridKey(event)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if ((key === "Delete" || key === "Backspace") && selection) {
      event.preventDefault();
      clearBlock();
    } else if (key === "Escape" && selection) {
      event.preventDefault();
      clearSelection();
    } else if (LETTERS[key.toLowerCase()]) {
      event.preventDefault();
      const letter = LETTERS[key.toLowerCase()];
      // The open picker toggles; otherwise what is typed replaces the cell.
      if (pickerCell() === cell) toggle(cell, letter);
      else type(cell, letter);
    } else if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      typed = null;
      if (pickerCell() === cell) picker.querySelectorAll("input").forEach((box) => (box.checked = false));
      save(cell, []);
    } else if (key === " " && onButton) {
      event.preventDefault();
      target.click();
    } else if (key === "Escape" && pickerCell() === cell) {
      event.preventDefault();
      closePicker();
      cell.querySelector(".cell-button").focus();
    }
  });

  // --- Moving rows -----------------------------------------------------------------------

  function canMoveRows() {
    return Boolean(rowMenu && rowMenu.querySelector(".move-form"));
  }

  // Alt+Up and Alt+Down move the row within its category; the focus stays
  // in the same column of the moved row.
  function moveRow(from, direction) {
    const row = from.closest("tr.activity-row");
    focusAfterSwap = { id: row.id, selector: null, column: columnOf(from) };
    htmx.ajax("POST", `activities/${row.id.slice("row-".length)}/move/`, {
      source: row,
      target: "#workspace",
      swap: "outerHTML",
      values: { direction },
    });
  }

  // A row dragged by its name goes before the row it is dropped on, or last
  // in the category whose heading it is dropped on.
  let draggedRow = null;

  function dropPlace(event) {
    if (!draggedRow || !event.target.closest) return null;
    return event.target.closest("#matrix tr.activity-row, #matrix tr.group-header");
  }

  document.addEventListener("dragstart", (event) => {
    const header = event.target.closest && event.target.closest("#matrix th.activity-cell");
    if (!header || !canMoveRows()) return;
    draggedRow = header.closest("tr");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", draggedRow.querySelector(".activity-name").textContent);
    draggedRow.classList.add("is-dragged");
  });

  document.addEventListener("dragover", (event) => {
    const place = dropPlace(event);
    if (!place || place === draggedRow) return;
    event.preventDefault();
    document.querySelectorAll(".is-drop-target").forEach((row) => row.classList.remove("is-drop-target"));
    place.classList.add("is-drop-target");
  });

  document.addEventListener("drop", (event) => {
    const place = dropPlace(event);
    if (!place || place === draggedRow) return;
    event.preventDefault();
    const group = place.closest("tbody").dataset.group.slice("group-".length);
    const values = { category: group === "other" ? "" : group };
    if (place.matches(".activity-row")) values.before = place.id.slice("row-".length);
    focusAfterSwap = { id: draggedRow.id, selector: null, column: 1 };
    htmx.ajax("POST", `activities/${draggedRow.id.slice("row-".length)}/place/`, {
      source: draggedRow,
      target: "#workspace",
      swap: "outerHTML",
      values,
    });
  });

  document.addEventListener("dragend", () => {
    document.querySelectorAll(".is-drop-target, .is-dragged").forEach((row) => row.classList.remove("is-drop-target", "is-dragged"));
    draggedRow = null;
  });

  // --- Renaming in place -----------------------------------------------------------------

  // F2 or Enter on a row's name puts a field in its place: Enter saves,
  // Escape gives up, leaving the field saves what was typed.
  function startRename(link) {
    const row = link.closest("tr");
    const form = document.getElementById("rename-template").content.firstElementChild.cloneNode(true);
    const url = `activities/${row.id.slice("row-".length)}/rename/`;
    form.setAttribute("action", url);
    form.setAttribute("hx-post", url);
    form.dataset.focus = row.id;
    const input = form.querySelector("input[name=name]");
    input.value = link.textContent;
    input.defaultValue = link.textContent;
    input.setAttribute("aria-label", `New name for ${link.textContent}`);
    link.hidden = true;
    link.after(form);
    htmx.process(form);
    input.focus();
    input.select();
  }

  function endRename(form, keep) {
    if (!form.isConnected || form.dataset.ended) return;
    form.dataset.ended = "true";
    const input = form.querySelector("input[name=name]");
    if (keep && input.value.trim() && input.value !== input.defaultValue) {
      form.requestSubmit();
      return;
    }
    const draft = form.closest("tr.draft-row");
    if (draft) {
      endInsert(draft, !keep);
      return;
    }
    const link = form.previousElementSibling;
    form.remove();
    link.hidden = false;
    link.focus();
  }

  document.addEventListener("focusout", (event) => {
    if (event.target.matches && event.target.matches(".rename-form input[name=name]")) endRename(event.target.form, true);
  });

  // --- Inserting a row -------------------------------------------------------------------

  // Insert above or below puts a row with a name field in the grid, and
  // nothing on the server: Enter (or leaving the field) adds the activity
  // under the name typed, one change that one undo takes back; Escape, or
  // leaving it empty, takes the row away with nothing written, as a
  // spreadsheet cancels an entry. The renaming keys above drive its field.
  let inserting = null; // { besideId, where, name }: a new row's name on its way.

  function startInsert(besideRow, where, name) {
    const draft = document.getElementById("insert-template").content.firstElementChild.cloneNode(true);
    const form = draft.querySelector("form");
    const url = `activities/${besideRow.id.slice("row-".length)}/insert/`;
    form.setAttribute("action", url);
    form.setAttribute("hx-post", url);
    form.querySelector("input[name=where]").value = where;
    draft.dataset.beside = besideRow.id;
    draft.dataset.where = where;
    // Escape goes back to the cell the menu was opened from, or the row's name.
    draft.dataset.back = active && besideRow.contains(active) ? active.id : "";
    draft.cells[1].colSpan = besideRow.cells.length - 1;
    if (rowMenu) rowMenu.open = false;
    besideRow[where === "above" ? "before" : "after"](draft);
    htmx.process(form);
    const input = form.querySelector("input[name=name]");
    input.value = name || "";
    input.focus();
    input.select();
  }

  function endInsert(draft, refocus) {
    const beside = document.getElementById(draft.dataset.beside);
    const back = document.getElementById(draft.dataset.back);
    draft.remove();
    if (!refocus || !beside) return;
    if (back) setActive(back, true);
    else beside.querySelector("a.activity-name").focus();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches(".insert-form") || !picker) return;
    event.preventDefault();
    const row = form.closest("tr.activity-row");
    if (row) startInsert(row, event.submitter && event.submitter.value === "above" ? "above" : "below", "");
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches(".insert-name-form")) return;
    const draft = form.closest("tr.draft-row");
    inserting = { besideId: draft.dataset.beside, where: draft.dataset.where, name: form.querySelector("input[name=name]").value };
  });

  // --- The keys' overlay -----------------------------------------------------------------

  function showKeys() {
    const dialog = document.getElementById("keys-help");
    if (dialog && !dialog.open) dialog.showModal();
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest(".keys-button")) showKeys();
  });

  // After the whole editor is re-rendered (a fix, a move, a new activity),
  // focus goes to what the form names in data-focus instead of the page top.
  let focusAfterSwap = null;

  // The button that submitted a form, for the move buttons' focus.
  let submitter = null;
  document.addEventListener(
    "submit",
    (event) => {
      submitter = event.submitter;
      // A rename on its way: the field leaving the page with the swap must not send it again.
      if (event.target.matches(".rename-form")) event.target.dataset.ended = "true";
    },
    true,
  );

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.target;
    if (!form.dataset || !form.dataset.focus) return;
    const direction = submitter && submitter.name === "direction" ? submitter.value : null;
    focusAfterSwap = {
      id: form.dataset.focus,
      selector: direction
        ? `button[name="direction"][value="${direction}"]`
        : form.matches(".rename-form")
          ? "a.activity-name"
          : null,
    };
  });

  // An undo or redo pressed from the grid (Ctrl+Z on a cell) re-renders the
  // whole editor: as in a spreadsheet, the focus goes back to the place it was
  // in, or the nearest one if the undo took that cell or row away. Where the
  // focus was outside the grid (the Undo button itself), it is left there.
  // The flash says what was undone through its aria-live, without the focus.
  let gridPlace = null; // { cellId, rowId, column, position }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!event.detail.shouldSwap || !form || !form.matches || !form.matches("[data-keep-place]")) return;
    const focused = document.activeElement;
    const grid = document.getElementById("matrix");
    if (!grid || !focused || !grid.contains(focused)) return;
    const row = focused.closest("tr");
    const cell = cellOf(focused);
    gridPlace = {
      cellId: cell ? cell.id : null,
      rowId: row.id,
      column: columnOf(focused),
      position: Math.max(shownRows(false).indexOf(row), 0),
    };
  });

  function backToPlace({ cellId, rowId, column, position }) {
    const cell = cellId && document.getElementById(cellId);
    if (cell) reveal(cell);
    if (cell && !cell.closest("tr").hidden) return setActive(cell.querySelector(".cell-button"), true);
    const same = document.getElementById(rowId);
    if (same) reveal(same);
    const rows = shownRows(false);
    const row = same && !same.hidden ? same : rows[Math.min(position, rows.length - 1)];
    if (row) goTo(row, Math.min(column, row.cells.length - 1));
  }

  // The row is re-rendered after each edit: put the picker and the focus back
  // where they are when the answer arrives, so that several letters can be set
  // in a row and the keyboard user keeps their place.
  let kept = [];
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.shouldSwap) parkRowMenu();
    const row = event.detail.target;
    if (!row || !row.matches || !row.matches("tr.activity-row")) return;
    const focused = document.activeElement;
    const focusedCell = focused && row.contains(focused) ? cellOf(focused) : null;
    const open = pickerCell();
    kept.push({
      pickerCellId: open && row.contains(open) ? open.id : null,
      cellId: focusedCell ? focusedCell.id : null,
      letter: focusedCell && focused.matches("#cell-picker input") ? focused.value : null,
    });
  });

  // Open the collapsed category an element sits in.
  function reveal(element) {
    const group = element.closest("tbody.activity-group");
    if (group && collapsed.has(group.dataset.group)) {
      collapsed.delete(group.dataset.group);
      setCollapsed(group.dataset.group, false);
    }
  }

  function focusWithin(id, selector) {
    const element = document.getElementById(id);
    if (!element) return;
    reveal(element);
    const inRow = selector && element.matches("tr.activity-row") && element.querySelector(selector);
    if (inRow) return inRow.focus(); // a rename: back on the name
    if (selector && element.matches("tr.activity-row")) {
      // A move: reopen the row's menu on the same button, for the next move.
      placeRowMenu(element);
      rowMenu.open = true;
      const same = rowMenu.querySelector(selector);
      if (same && !same.disabled) return same.focus();
    }
    const focusable = element.matches("input, button, summary, a, [tabindex]")
      ? element
      : element.querySelector(".cell-button") || element.querySelector("summary, button, input, a");
    if (!focusable) return;
    if (focusable.matches(".cell-button")) setActive(focusable, true);
    else focusable.focus();
  }

  // htmx fires afterSettle on each new element (the row, and the panels out
  // of band); the first of them finds every swap done. The settle delay is 0
  // (see base.html), so this runs right after the swap, before the browser
  // handles another key: cell buttons keep their ids, so htmx has already put
  // the focus back on the same cell; the picker and its focus are restored here.
  document.addEventListener("htmx:afterSettle", (event) => {
    initGrid();
    showSelection();
    const written = refocus && document.getElementById(refocus);
    refocus = null;
    if (written && !cellOf(document.activeElement)) {
      const button = written.querySelector(".cell-button");
      setActive(button, false);
      button.focus({ preventScroll: true });
    }
    if (keptView && event.detail.pathInfo && /(^|\/)cells\/$/.test(event.detail.pathInfo.requestPath)) keepView();
    // Categories the user collapsed stay collapsed when the editor is
    // re-rendered; the filter keeps narrowing the rows that came.
    collapsed.forEach((groupId) => setCollapsed(groupId, true));
    showRows();
    keepStaleNotes();
    for (const { pickerCellId, cellId, letter } of kept) {
      const pickerCell = pickerCellId && document.getElementById(pickerCellId);
      if (pickerCell) openPicker(pickerCell, wantedLetters(pickerCell));
      const cell = cellId && document.getElementById(cellId);
      if (!cell) continue;
      if (letter && pickerCell === cell) picker.querySelector(`input[value="${letter}"]`).focus();
      else setActive(cell.querySelector(".cell-button"), true);
    }
    kept = [];
    sendWaiting();
    // A new row or column is shown where the user can see it.
    const added = document.querySelector("[data-added]");
    if (added) {
      added.removeAttribute("data-added");
      reveal(added);
      added.classList.add("is-highlighted");
      added.scrollIntoView({ block: "nearest", inline: "nearest" });
      // A row named as it was inserted: the focus is on its name.
      const name = inserting && added.querySelector("a.activity-name");
      if (name) name.focus();
      inserting = null;
    } else if (inserting && document.querySelector("#flash .alert-danger")) {
      // Refused (the name is taken, says the flash): the new row is open again to correct.
      const beside = document.getElementById(inserting.besideId);
      if (beside) startInsert(beside, inserting.where, inserting.name);
      inserting = null;
    } else if (!document.querySelector(".grid-rest")) {
      // Unless the new row is in the rest of a large matrix, still to come.
      inserting = null;
    }
    // What to focus may be in the rows of a large matrix that come next.
    if (focusAfterSwap && (document.getElementById(focusAfterSwap.id) || !document.querySelector(".grid-rest"))) {
      const row = document.getElementById(focusAfterSwap.id);
      if (focusAfterSwap.column !== undefined && row) {
        reveal(row);
        goTo(row, focusAfterSwap.column);
      } else focusWithin(focusAfterSwap.id, focusAfterSwap.selector);
      focusAfterSwap = null;
    }
    if (gridPlace && (document.getElementById(gridPlace.rowId) || !document.querySelector(".grid-rest"))) {
      backToPlace(gridPlace);
      gridPlace = null;
    }
    // Whatever was re-rendered, the keyboard user is never left on the page itself.
    const flash = document.getElementById("flash");
    if (document.activeElement === document.body) {
      if (flash && flash.textContent.trim()) flash.focus();
    } else if (flash && flash !== spokenFlash && flash.textContent.trim()) {
      announce(flash);
    }
    spokenFlash = flash;
  });

  // A swap brings a new #flash with its message already inside, and screen
  // readers announce what arrives in a live region, not a region that
  // arrives: once the region is in the page, its message is put in again.
  let spokenFlash = null;
  const ANNOUNCE_DELAY_MS = 100;

  function announce(flash) {
    const said = Array.from(flash.childNodes);
    setTimeout(() => {
      // Unless the page has written something else there meanwhile.
      const same = flash.isConnected && flash.childNodes.length === said.length && said.every((node) => node.parentNode === flash);
      if (same) flash.replaceChildren(...said.map((node) => node.cloneNode(true)));
    }, ANNOUNCE_DELAY_MS);
  }

  // The grid scrolled as it was, and the page scrolled by as much as the
  // answer moved the block's first cell (a message appeared above the grid).
  function keepView() {
    const { cellId, top, scrollTop, scrollLeft } = keptView;
    keptView = null;
    const box = document.querySelector(".grid-scroll");
    const cell = document.getElementById(cellId);
    if (!box || !cell) return;
    // At once: the page's smooth scrolling would show the jump it undoes.
    box.scrollTo({ top: scrollTop, left: scrollLeft, behavior: "instant" });
    window.scrollBy({ top: cell.getBoundingClientRect().top - top, behavior: "instant" });
  }

  // A "changed by someone else" note stays on its cell until that cell is
  // edited again, even when another edit re-renders the row.
  const staleNotes = new Map(); // cell id -> the note element

  function keepStaleNotes() {
    document.querySelectorAll("td.is-stale").forEach((cell) => {
      staleNotes.set(cell.id, cell.querySelector(".stale-note"));
    });
    for (const [cellId, note] of staleNotes) {
      const cell = document.getElementById(cellId);
      if (!cell) staleNotes.delete(cellId);
      else if (!cell.classList.contains("is-stale") && note) {
        cell.classList.add("is-stale");
        cell.appendChild(note);
      }
    }
  }

  // A word in the flash area, from the page itself.
  function tell(text) {
    const flash = document.getElementById("flash");
    if (!flash) return;
    flash.innerHTML = "";
    const alert = document.createElement("div");
    alert.className = "alert alert-warning py-2 mb-2";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    flash.appendChild(alert);
  }

  function saveFailed(event) {
    waiting.clear();
    keptView = null; // the error is shown where it is (see below)
    inserting = null;
    document.querySelectorAll("td.is-saving").forEach((cell) => {
      cell.classList.remove("is-saving");
      delete cell.dataset.sending;
    });
    const flash = document.getElementById("flash");
    if (!flash) return;
    const open = pickerCell();
    if (open) openPicker(open, savedLetters(open));
    const xhr = event.detail.xhr;
    const status = xhr ? xhr.status : 0;
    const signedOut = xhr && xhr.getResponseHeader("X-Raci-Error") === "csrf";
    // The session changed under the page: the edit is kept for the reload.
    const kept = signedOut ? keepEdit(event.detail) : null;
    // A 503 (the database is away for a moment) carries its own short wording.
    const reason =
      status === 503
        ? xhr.responseText
        : xhr && xhr.getResponseHeader("X-Raci-Error") === "csrf"
          ? "Your session changed (you signed out or in again elsewhere), so this page is out of date."
          : status === 404
            ? "That is no longer there: a colleague may have removed it, or the whole team."
            : status === 403
              ? "You are not allowed to change this matrix."
              : "That change could not be saved.";
    flash.innerHTML = "";
    const alert = document.createElement("div");
    alert.className = "alert alert-danger py-2 mb-2";
    alert.setAttribute("role", "alert");
    alert.append(
      status === 503
        ? `${reason} `
        : kept
          ? `${reason} ${kept} was not saved yet: it is kept in this tab and sent again when you reload. `
          : `${reason} Nothing was changed. `,
    );
    const reload = document.createElement("a");
    reload.href = location.pathname;
    reload.textContent = "Reload the matrix";
    alert.append(reload);
    flash.appendChild(alert);
    flash.scrollIntoView({ block: "nearest" });
  }

  // --- Edits kept across a sign-in -------------------------------------------------------

  // An edit sent after the session ended (signed out elsewhere, or idle too
  // long) is answered by a trip to the sign-in page, which would lose it.
  // It is kept in this tab's sessionStorage instead, and sent again when the
  // matrix is back; compare-and-set still refuses it if a colleague changed
  // the cell meanwhile, and says so.
  const UNSAVED = "raci:unsaved-edits";

  function describeEdit(path, values) {
    const cellPath = path.match(/cells\/(\d+)\/(\d+)\/$/);
    const cellId = cellPath ? `cell-${cellPath[1]}-${cellPath[2]}` : `cell-${values.activity}-${values.role}`;
    const cell = document.getElementById(cellId);
    const where = cell ? cellLabel(cell).replace(/: [^:]*$/, "") : "a cell";
    if (cellPath) return `“${(values.letters || []).join("") || "not involved"}” for ${where}`;
    return `your ${values.action} of a block at ${where}`;
  }

  // Keeps the edit a failed request carried; returns how to name it, or null.
  function keepEdit(detail) {
    const config = detail.requestConfig;
    if (!config || config.verb !== "post" || !/cells\//.test(config.path)) return null;
    const values = {};
    for (const [name, value] of config.formData.entries()) {
      if (name === "csrfmiddlewaretoken" || name === "digest") continue;
      if (name === "letters") (values.letters = values.letters || []).push(value);
      else values[name] = value;
    }
    const path = new URL(config.path, document.baseURI).pathname;
    const edit = { path, values, description: describeEdit(config.path, values) };
    const stored = JSON.parse(sessionStorage.getItem(UNSAVED) || "null");
    const edits = stored && stored.page === location.pathname ? stored.edits : [];
    edits.push(edit);
    sessionStorage.setItem(UNSAVED, JSON.stringify({ page: location.pathname, edits }));
    return edit.description;
  }

  // The session ended: the answer sends the browser to sign in (HX-Redirect).
  document.addEventListener("htmx:beforeOnLoad", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Redirect") && /\/login\//.test(xhr.getResponseHeader("HX-Redirect"))) {
      keepEdit(event.detail);
    }
  });

  // Back on the matrix: the kept edits go again, one after the other.
  function replayEdits() {
    const stored = JSON.parse(sessionStorage.getItem(UNSAVED) || "null");
    if (!stored || stored.page !== location.pathname || !picker) return;
    sessionStorage.removeItem(UNSAVED);
    const sent = [];
    const next = () => {
      const edit = stored.edits.shift();
      if (!edit) {
        const flash = document.getElementById("flash");
        const note = document.createElement("div");
        note.className = "alert alert-info py-2 mb-2";
        note.setAttribute("role", "status");
        note.textContent = `Sent again after signing in: ${sent.join("; ")}. What the matrix shows now is what was saved.`;
        flash.prepend(note);
        return;
      }
      sent.push(edit.description);
      const single = edit.path.match(/cells\/(\d+)\/\d+\/$/);
      const row = single && document.getElementById(`row-${single[1]}`);
      htmx
        .ajax("POST", edit.path, {
          source: row || document.getElementById("matrix"),
          target: row || undefined,
          swap: row ? "outerHTML" : "none",
          values: edit.values,
        })
        .then(next, next);
    };
    next();
  }

  document.addEventListener("htmx:responseError", saveFailed);
  document.addEventListener("htmx:sendError", saveFailed);

  // Collapsible categories, and findings that point to their cell, row or column.
  const collapsed = new Set();

  function setCollapsed(groupId, collapse) {
    const toggleButton = document.querySelector(`.group-toggle[data-group="${groupId}"]`);
    if (!toggleButton) return;
    toggleButton.setAttribute("aria-expanded", String(!collapse));
    showRows();
  }

  // --- Finding rows: the filter ----------------------------------------------------------

  // What the filter box and the quick filters ask for.
  const rowFilter = { text: "", findings: false, roleId: "" };

  function categoryOf(row) {
    const toggleButton = document.querySelector(`.group-toggle[data-group="${row.closest("tbody").dataset.group}"]`);
    return toggleButton ? toggleButton.textContent : "";
  }

  function passesFilter(row) {
    if (rowFilter.findings && !/\bhas-(error|warning|info)\b/.test(row.className)) return false;
    const head = rowFilter.roleId && document.getElementById(`col-${rowFilter.roleId}`);
    if (head && !row.cells[head.cellIndex].querySelector(".letters b")) return false;
    if (!rowFilter.text) return true;
    const words = `${row.querySelector(".activity-name").textContent} ${categoryOf(row)}`.toLowerCase();
    return words.includes(rowFilter.text);
  }

  // A row shows unless its category is collapsed or the filter leaves it out
  // (a large matrix's rest can continue a category in a <tbody> of its own).
  function showRows() {
    let filtered = 0;
    allRows().forEach((row) => {
      const passes = passesFilter(row);
      if (!passes) filtered += 1;
      row.hidden = collapsed.has(row.closest("tbody").dataset.group) || !passes;
    });
    const count = document.getElementById("filter-count");
    if (count) count.textContent = filtered ? `${filtered} of ${allRows().length} rows hidden by the filter` : "";
    if (pickerCell() && pickerCell().closest("tr").hidden) closePicker();
  }

  function readFilter() {
    rowFilter.text = document.getElementById("row-filter").value.trim().toLowerCase();
    rowFilter.findings = document.getElementById("filter-findings").checked;
    rowFilter.roleId = document.getElementById("filter-role").value;
    showRows();
    initGrid();
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches("#row-filter, #filter-findings, #filter-role")) readFilter();
  });

  document.addEventListener("click", (event) => {
    const toggleButton = event.target.closest(".group-toggle");
    if (toggleButton) {
      const groupId = toggleButton.dataset.group;
      const collapse = toggleButton.getAttribute("aria-expanded") === "true";
      if (collapse) collapsed.add(groupId);
      else collapsed.delete(groupId);
      setCollapsed(groupId, collapse);
      initGrid();
      // Kept for this user and team, for the next visit.
      htmx.ajax("POST", "collapsed/", {
        source: toggleButton,
        swap: "none",
        values: { category: groupId.slice("group-".length), collapsed: collapse ? "1" : "0" },
      });
      return;
    }
    const link = event.target.closest(".finding-link");
    if (link) {
      const target = document.getElementById(link.dataset.target);
      if (!target) return;
      event.preventDefault();
      const row = target.closest("tr");
      if (row && row.hidden) {
        const group = row.closest("tbody");
        const groupToggle = document.querySelector(`.group-toggle[data-group="${group.dataset.group}"]`);
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

  document.addEventListener("click", (event) => {
    if (event.target.closest(".print-button")) window.print();
  });

  // --- Layout preferences ----------------------------------------------------------------

  // The density and the findings panel change at once; the form's POST keeps
  // the choice for the user (its answer is empty).
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form.preference-form")) return;
    const workspace = document.getElementById("workspace");
    const button = submitter && form.contains(submitter) ? submitter : null;
    if (!workspace || !button) return;
    if (button.name === "density") {
      const next = button.value;
      workspace.classList.remove("density-compact", "density-comfortable");
      workspace.classList.add(`density-${next}`);
      button.value = next === "compact" ? "comfortable" : "compact";
      button.textContent = next === "compact" ? "Comfortable rows" : "Compact rows";
    } else if (button.name === "findings_collapsed") {
      keptCollapsed = button.value === "1";
      showFindings(keptCollapsed);
    }
  });

  function showFindings(collapse) {
    const workspace = document.getElementById("workspace");
    const button = document.querySelector(".findings-toggle");
    if (!workspace || !button) return;
    workspace.classList.toggle("findings-collapsed", collapse);
    button.value = collapse ? "0" : "1";
    button.textContent = collapse ? "Show" : "Hide";
    button.setAttribute("aria-expanded", String(!collapse));
  }

  // On a phone the findings drawer would cover the whole grid: there the
  // grid comes first and the findings are a bar of counts until opened, for
  // this page only. The user's kept choice (EditorPreferences) is for wider
  // screens and is neither used nor changed here. The width is app.css's
  // phone width (767.98px), where tables become cards.
  const PHONE = window.matchMedia("(max-width: 767.98px)");
  let phoneFindingsOpen = false;
  let keptCollapsed = null; // The kept choice, as the server last rendered it.

  function fitFindings() {
    const button = document.querySelector(".findings-toggle");
    if (!button) return;
    // A button fresh from the server says the kept choice; one this script
    // set for a phone does not.
    if (!button.dataset.phone) keptCollapsed = button.value === "0";
    showFindings(PHONE.matches ? !phoneFindingsOpen : keptCollapsed);
    if (PHONE.matches) button.dataset.phone = "true";
    else delete button.dataset.phone;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".findings-toggle");
    if (!button || !PHONE.matches) return;
    // Not sent: a phone's choice is not the one kept for the user.
    event.preventDefault();
    phoneFindingsOpen = button.value === "0";
    fitFindings();
  });

  PHONE.addEventListener("change", fitFindings);
  document.addEventListener("htmx:afterSettle", fitFindings);

  document.addEventListener("DOMContentLoaded", () => {
    rowMenu = document.getElementById("row-menu");
    picker = document.getElementById("cell-picker");
    replayEdits();
    // The categories this user keeps collapsed in this team.
    const grid = document.getElementById("matrix");
    (grid ? grid.dataset.collapsed.split(" ").filter(Boolean) : []).forEach((groupId) => {
      collapsed.add(groupId);
      setCollapsed(groupId, true);
    });
    initGrid();
    fitFindings();
    spokenFlash = document.getElementById("flash");
  });
})();

// Live awareness on the matrix page: the #live element polls the server
// every 3 s (hx-trigger in matrix.html); the server answers 204 when nothing
// changed, or swaps in colleagues' rows, or a notice with the cells to mark.
// Here: no polling while the tab is hidden, the server told when an edit is
// under way (a row must not be swapped under it), the focus kept, the marks set.
(function () {
  "use strict";

  let focusedId = null; // the element focused before a poll's answer was swapped in

  function isPoll(event) {
    return event.detail.elt && event.detail.elt.id === "live";
  }

  function editing() {
    const picker = document.getElementById("cell-picker");
    if (picker && !picker.hidden) return true;
    if (document.querySelector("#workspace td.is-saving")) return true;
    const active = document.activeElement;
    return Boolean(active && active.matches("input, textarea, select") && active.closest("#workspace form"));
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (isPoll(event) && document.hidden) event.preventDefault();
  });

  document.addEventListener("htmx:configRequest", (event) => {
    if (isPoll(event) && editing()) event.detail.parameters.editing = "1";
    // A cell edit says which revision the page shows: colleagues' rows changed
    // since then come back with its answer, in step with the findings.
    const live = document.getElementById("live");
    if (live && event.detail.verb === "post" && /cells\/\d+\/\d+\/$/.test(event.detail.path)) {
      event.detail.parameters.seen = live.dataset.revision;
    }
  });

  // Back on the tab: ask at once rather than at the next tick.
  document.addEventListener("visibilitychange", () => {
    const live = document.getElementById("live");
    if (!document.hidden && live) htmx.trigger(live, "live-poll");
  });

  // A failed poll is not a failed edit: kept from the editor's error handling
  // (app.js, listening on the document as the event bubbles). A team gone
  // (trashed, or another organization's now) stops the polling with a word;
  // a network blip or a 503 is simply tried again at the next tick.
  function pollFailed(event) {
    if (!isPoll(event)) return;
    event.stopPropagation();
    const xhr = event.detail.xhr;
    if (!xhr || ![403, 404].includes(xhr.status)) return;
    const notice = document.createElement("div");
    notice.id = "live";
    notice.className = "alert alert-warning py-2 mb-2";
    notice.setAttribute("role", "status");
    notice.textContent = "This team is no longer here: it may have been deleted. Changes made meanwhile are not shown.";
    event.detail.elt.replaceWith(notice);
  }
  document.addEventListener("htmx:responseError", pollFailed, true);
  document.addEventListener("htmx:sendError", pollFailed, true);

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (isPoll(event)) focusedId = document.activeElement && document.activeElement.id;
  });

  document.addEventListener("htmx:afterSettle", () => {
    const live = document.getElementById("live");
    if (!live) return;
    for (const id of (live.dataset.marked || "").split(" ").filter(Boolean)) {
      const element = document.getElementById(id);
      if (element) element.classList.add("is-changed-remotely");
    }
    // A swapped row takes the focus with it: put it back on the same cell.
    if (focusedId && document.activeElement === document.body) {
      const element = document.getElementById(focusedId);
      if (element) element.focus();
    }
    focusedId = null;
  });
})();

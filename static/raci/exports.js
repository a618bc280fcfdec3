// "Copy as Markdown" on the matrix page: fetches the Markdown export and puts it
// on the clipboard; the button says how it went, in words a screen reader reads.
(function () {
  "use strict";

  async function copyMarkdown(button) {
    const label = button.textContent;
    try {
      const response = await fetch(button.dataset.url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await navigator.clipboard.writeText(await response.text());
      button.textContent = "Copied";
    } catch (error) {
      button.textContent = "Copy failed: use Export, Markdown";
    }
    button.setAttribute("aria-live", "polite");
    setTimeout(() => {
      button.textContent = label;
    }, 2500);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".copy-markdown");
    if (button) copyMarkdown(button);
  });
})();

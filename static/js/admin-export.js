// The export page's "Select all" box, bound here rather than by the inline handler the site's CSP blocks.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".select-toggle");
  if (!toggle) {
    return;
  }
  toggle.addEventListener("change", () => {
    for (const box of document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]')) {
      box.checked = toggle.checked;
    }
  });
});

// The page's few conveniences; the page works without them (every action is a plain form post).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "Add a row": a copy of the section's blank row, numbered after the rows shown.
  for (const button of document.querySelectorAll("button.add-row")) {
    button.addEventListener("click", () => {
      const section = button.dataset.section;
      const rows = document.querySelector(`#section-${section} .rows`);
      const index = rows.querySelectorAll("fieldset.row").length;
      const html = document.getElementById(`row-${section}`).innerHTML
        .replaceAll("999999", String(index)).replaceAll("1000000", String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
    });
  }
  // A chosen file is read into the paste box (never run: the server parses it as YAML or JSON).
  const file = document.getElementById("profile_file");
  if (file) {
    file.addEventListener("change", async () => {
      if (file.files.length) document.getElementById("profile_text").value = await file.files[0].text();
    });
  }
  // After an action, show its answer.
  const target = document.getElementById("tree") || document.getElementById("comparison")
    || document.querySelector(".error-summary");
  if (target) target.scrollIntoView({block: "start"});
});

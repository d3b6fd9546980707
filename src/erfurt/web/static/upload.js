// Uploads files (or a whole folder) one at a time with PUT /api/v1/documents, showing
// progress and each file's outcome; failures are listed and the rest go on.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const dropped = [];
  const zone = document.getElementById("drop-zone");
  zone.addEventListener("dragover", (event) => event.preventDefault());
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    for (const file of event.dataTransfer.files) dropped.push(file);
    zone.textContent = `${dropped.length} ✓`;
  });

  function row(name, outcome, failed) {
    const tr = document.createElement("tr");
    const cells = [name, outcome].map((text) => {
      const td = document.createElement("td");
      td.textContent = text;
      return td;
    });
    if (failed) tr.className = "error";
    tr.append(...cells);
    document.getElementById("upload-results").append(tr);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const collection = document.getElementById("upload-collection").value;
    const files = [
      ...document.getElementById("upload-files").files,
      ...document.getElementById("upload-folder").files,
      ...dropped,
    ];
    const progress = document.getElementById("upload-progress");
    let done = 0;
    for (const file of files) {
      const name = file.webkitRelativePath || file.name;
      progress.textContent = `${done} / ${files.length}: ${name}`;
      const url = `/api/v1/documents?${new URLSearchParams({ name, collection })}`;
      try {
        const answer = await fetch(url, {
          method: "PUT",
          body: file,
          headers: { "x-csrf-token": form.dataset.csrf },
          credentials: "same-origin",
        });
        const body = await answer.json();
        if (answer.ok) row(name, `${body.outcome} #${body.record}`, false);
        else row(name, `${form.dataset.failed}: ${body.error}`, true);
      } catch (error) {
        row(name, `${form.dataset.failed}: ${error.message}`, true);
      }
      done += 1;
    }
    progress.textContent = `${done} / ${files.length}`;
  });
});

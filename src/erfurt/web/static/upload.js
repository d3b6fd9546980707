// Uploads files (or a whole folder) one at a time, showing progress and each file's
// outcome; failures are listed and the rest go on. A file larger than one piece
// (data-piece bytes) goes through the resumable API in pieces: after a dropped
// connection it asks how much arrived and sends the rest from there.
"use strict";

const RETRIES = 5;

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

  const headers = { "x-csrf-token": form.dataset.csrf };

  async function whole(file, name, collection) {
    const url = `/api/v1/documents?${new URLSearchParams({ name, collection })}`;
    return fetch(url, { method: "PUT", body: file, headers, credentials: "same-origin" });
  }

  async function inPieces(file, name, collection, show) {
    const size = String(file.size);
    const opened = await fetch(`/api/v1/uploads?${new URLSearchParams({ name, collection, size })}`,
      { method: "POST", headers, credentials: "same-origin" });
    if (!opened.ok) return opened;
    const { id } = await opened.json();
    const piece = Number(form.dataset.piece);
    let offset = 0;
    let failures = 0;
    for (;;) {
      try {
        const answer = await fetch(`/api/v1/uploads/${id}`, {
          method: "PATCH",
          body: file.slice(offset, offset + piece),
          headers: { ...headers, "upload-offset": String(offset) },
          credentials: "same-origin",
        });
        if (answer.status !== 200) return answer;  // 201: preserved; anything else: refused
        const reached = (await answer.json()).offset;
        if (reached <= offset) throw new Error(`no progress at byte ${offset}`);
        offset = reached;
        show(offset);
      } catch (error) {
        failures += 1;
        if (failures > RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * failures));
        const status = await fetch(`/api/v1/uploads/${id}`, { credentials: "same-origin" });
        offset = (await status.json()).offset;  // what arrived before the connection dropped
      }
    }
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
      const show = (sent) => {
        progress.textContent = `${done} / ${files.length}: ${name} ${sent} / ${file.size}`;
      };
      try {
        const piece = Number(form.dataset.piece);
        const answer = piece > 0 && file.size > piece
          ? await inPieces(file, name, collection, show)
          : await whole(file, name, collection);
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

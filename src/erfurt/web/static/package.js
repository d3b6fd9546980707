// Sends an evidence package (a zip) to the server's verifier and shows its verdict.
"use strict";
(function () {
  const form = document.getElementById("package-form");
  const out = document.getElementById("package-result");

  function show(ok, heading, lines) {
    out.textContent = "";
    const title = document.createElement("p");
    title.className = ok ? "verified" : "error";
    title.textContent = heading;
    out.appendChild(title);
    if (lines.length) {
      const list = document.createElement("ul");
      for (const line of lines) {
        const item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      }
      out.appendChild(list);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const file = document.getElementById("package-file").files[0];
    if (!file) return;
    show(true, "…", []);
    let answer;
    try {
      const response = await fetch("/api/v1/packages/verify", { method: "POST", body: file });
      answer = await response.json();
    } catch (error) {
      show(false, form.dataset.failed + ": " + error, []);
      return;
    }
    if (answer.verified) {
      show(true, form.dataset.ok + " " + answer.index + " (" + answer.kind + ")", answer.proved);
    } else {
      show(false, form.dataset.failed + ": " + answer.error, answer.hint ? [answer.hint] : []);
    }
  });
})();

// Spreadsheet import page: after "Import", poll the job's JSON and move the progress bar until it ends.
(function () {
  "use strict";
  const panel = document.getElementById("job");
  if (!panel) return;
  const url = panel.dataset.statusUrl;
  const box = panel.querySelector(".job-progress");
  const bar = document.getElementById("job-progress-bar");
  const text = document.getElementById("job-progress-text");
  const links = panel.querySelector(".job-done-links");

  function show(status) {
    box.hidden = false;
    bar.max = Math.max(status.total, 1);
    bar.value = status.done;
    bar.textContent = status.percent + "%";
    if (status.status === "done") {
      const skipped = status.skipped || 0;
      const unchanged = status.total - status.created - status.updated - skipped;
      text.textContent = "Done: " + status.created + " created, " + status.updated + " updated, " + unchanged + " unchanged" +
        (skipped ? ", " + skipped + " skipped (reload the page to see why)." : ".");
    } else if (status.status === "failed") {
      text.textContent = status.message || "The import stopped.";
    } else {
      text.textContent = status.done + " of " + status.total + " rows imported…";
    }
    if (links) links.hidden = !(status.status === "done" || status.status === "failed");
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) { text.textContent = "Progress unavailable (" + response.status + "). Reload the page."; return; }
      const status = await response.json();
      show(status);
      if (status.status === "running") window.setTimeout(poll, 700);
    } catch (error) {
      text.textContent = "Connection lost; retrying…";
      window.setTimeout(poll, 2000);
    }
  }

  if (panel.dataset.status === "running") poll();
  const form = document.getElementById("start-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      const token = document.querySelector('meta[name="csrf-token"]').content;
      const response = await fetch(form.action, {
        method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        body: new FormData(form),
      });
      if (!response.ok) {
        let message = "The import could not start (" + response.status + ").";
        try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
        box.hidden = false; text.textContent = message; button.disabled = false;
        return;
      }
      form.hidden = true;
      show(await response.json());
      poll();
    });
  }
})();

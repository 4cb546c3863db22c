// Directory pages: live capacity. When any provider changes beds, the server emits `capacity_updated`
// on /live; live.js re-dispatches it as the DOM event `taskforce:capacity_updated`, which we listen
// to here (so this works even if live.js loads after us). Every badge and capacity control updates.
(function () {
  "use strict";

  function updateBadge(badge, detail) {
    const available = badge.querySelector("[data-capacity-available]");
    const total = badge.querySelector("[data-capacity-total]");
    if (available && total) {
      available.textContent = String(detail.available);
      total.textContent = String(detail.total);
    } else {
      badge.textContent = "";
      const a = document.createElement("span");
      a.setAttribute("data-capacity-available", "");
      a.textContent = String(detail.available);
      const t = document.createElement("span");
      t.setAttribute("data-capacity-total", "");
      t.textContent = String(detail.total);
      badge.append(a, " of ", t, " free");
    }
    badge.classList.remove("is-unknown");
    badge.classList.toggle("is-full", detail.available === 0);
    badge.classList.add("just-updated");
    window.setTimeout(() => badge.classList.remove("just-updated"), 2000);
  }

  // The − / + forms post a fixed change (delta -1 / 1) that the server adds in SQL, so two colleagues
  // pressing at once both count; here only the buttons' enabled state follows the live numbers.
  function updateControls(controls, detail) {
    controls.querySelectorAll("input[data-step]").forEach((input) => {
      const step = Number(input.getAttribute("data-step"));
      const button = input.form.querySelector("button");
      if (button) button.disabled = step < 0 ? detail.available <= 0 : detail.available >= detail.total;
    });
    const set = controls.querySelector(".capacity-set");
    if (set && !set.contains(document.activeElement)) {
      set.querySelector("input[name=available]").value = String(detail.available);
      set.querySelector("input[name=total]").value = String(detail.total);
    }
  }

  // Filters: short, shareable URLs (empty fields left out); the language picker applies at once.
  const search = document.querySelector("form.directory-search");
  if (search) {
    const go = () => {
      const params = new URLSearchParams();
      new FormData(search).forEach((value, key) => { if (String(value).trim() !== "") params.append(key, value); });
      const query = params.toString();
      window.location.assign(search.getAttribute("action") + (query ? "?" + query : ""));
    };
    search.addEventListener("submit", (event) => { event.preventDefault(); go(); });
    search.querySelectorAll("[data-auto-filter]").forEach((select) => select.addEventListener("change", go));
  }

  document.addEventListener("taskforce:capacity_updated", (event) => {
    const detail = event.detail || {};
    const id = Number(detail.service_id);
    if (!Number.isInteger(id) || !Number.isInteger(detail.available) || !Number.isInteger(detail.total)) return;
    document.querySelectorAll(`[data-capacity-for="${id}"]`).forEach((badge) => updateBadge(badge, detail));
    document.querySelectorAll(`[data-capacity-controls="${id}"]`).forEach((c) => updateControls(c, detail));
    document.querySelectorAll(`.service-page[data-service-id="${id}"] [data-capacity-updated]`).forEach((time) => {
      time.textContent = "just now";
      if (detail.updated_at) time.setAttribute("datetime", detail.updated_at);
    });
  });
})();

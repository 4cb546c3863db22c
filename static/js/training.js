// Training pages: tell the server the browser's time zone (the `tz` cookie; times are rendered in it), copy
// the calendar link, confirm destructive buttons, and refresh a training page when its seats change live.
(function () {
  "use strict";
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
  const note = document.getElementById("tz-note");
  const shown = note ? note.dataset.tz : null;
  const cookie = (document.cookie.match(/(?:^|; )tz=([^;]*)/) || [])[1];
  if (zone && /^[A-Za-z_\/+\-0-9]{1,64}$/.test(zone) && decodeURIComponent(cookie || "") !== zone) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    // Reload once so the times are in this zone; only when the cookie stuck (no loop when cookies are off).
    if (shown && shown !== zone && (document.cookie.indexOf("tz=") !== -1)) window.location.reload();
  }

  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const input = document.getElementById(button.dataset.copy);
      if (!input) return;
      input.select();
      const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 2000); };
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, () => document.execCommand("copy"));
      else { document.execCommand("copy"); done(); }
    });
  });

  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => { if (!window.confirm(button.dataset.confirm)) event.preventDefault(); });
  });

  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();

  const article = document.querySelector("article.training[data-training-id]");
  function watch(live) {
    if (!article || !live) return;
    const id = Number(article.dataset.trainingId);
    // Follow this training's room ("training:<id>"): the server lets only members who may see it in, and
    // live.js asks again after a reconnect. Seat counts pushed there mark the figure stale below.
    if (typeof live.subscribe === "function" && Number.isInteger(id) && id > 0) live.subscribe("training:" + id);
    // A freed seat offered to me: say so in place (the toast says it too) and link to the offer; no reload,
    // which would cut off the toast and lose what the member was reading.
    live.on("training_offer", (payload) => {
      if (!payload || Number(payload.training_id) !== id) return;
      const seat = document.getElementById("my-seat");
      if (!seat || document.getElementById("live-offer")) return;
      const notice = document.createElement("p");
      notice.className = "notice";
      notice.id = "live-offer";
      notice.setAttribute("role", "status");
      notice.textContent = String(payload.text || "A seat is free for you.") + " ";
      const link = document.createElement("a");
      link.className = "button primary";
      link.href = window.location.pathname + "?offer=1#my-seat";
      link.textContent = "Show the offer";
      notice.appendChild(link);
      seat.insertBefore(notice, seat.children[1] || null);
    });
    live.on("training_changed", (payload) => {
      if (payload && Number(payload.training_id) === id) {
        const seats = document.getElementById("seats-left");
        if (seats) seats.setAttribute("data-stale", "true");
      }
    });
  }
  if (window.taskforceLive) watch(window.taskforceLive);
  else document.addEventListener("taskforce:live-ready", (event) => watch(event.detail));
})();

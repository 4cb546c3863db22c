// Home: each block names the live pushes after which it may have changed (data-live-events); on such a
// push, and after a reconnect, the block is fetched again (GET /home/blocks/<name>) and swapped in place.
(function () {
  "use strict";
  const timers = {};

  function reload(name) {
    clearTimeout(timers[name]);
    timers[name] = setTimeout(() => {
      fetch("/home/blocks/" + encodeURIComponent(name), { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : null))
        .then((html) => {
          const current = document.querySelector('[data-home-block="' + name + '"]');
          if (!html || !current) return;
          const holder = document.createElement("div");
          holder.innerHTML = html;
          const fresh = holder.querySelector("[data-home-block]");
          if (fresh) current.replaceWith(fresh);
          document.documentElement.dataset.homeRefreshes = String(Number(document.documentElement.dataset.homeRefreshes || 0) + 1);
        })
        .catch(() => {});
    }, 300);
  }

  function attach(live) {
    const byEvent = {};
    document.querySelectorAll("[data-home-block]").forEach((block) => {
      (block.dataset.liveEvents || "").split(" ").filter(Boolean).forEach((event) => {
        (byEvent[event] = byEvent[event] || []).push(block.dataset.homeBlock);
      });
    });
    Object.keys(byEvent).forEach((event) => live.on(event, () => byEvent[event].forEach(reload)));
    let connectedOnce = false;
    live.on("connect", () => {
      if (connectedOnce) document.querySelectorAll("[data-home-block]").forEach((b) => reload(b.dataset.homeBlock));
      connectedOnce = true;
    });
  }

  if (window.taskforceLive) attach(window.taskforceLive);
  else document.addEventListener("taskforce:live-ready", (event) => attach(event.detail), { once: true });
})();

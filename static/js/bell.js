// The header bell: the unread notification count, kept live. The server pushes `notifications_unread
// {count, badge}` to the member's room whenever a notification is written or read (any tab, any process);
// after a (re)connect the count is fetched once, since pushes missed while away are not replayed.
(function () {
  "use strict";
  const bell = document.getElementById("notification-bell");
  if (!bell) return;
  const count = bell.querySelector("[data-bell-count]");

  function show(number, badge) {
    const text = typeof badge === "string" ? badge : (number > 99 ? "99+" : number > 0 ? String(number) : "");
    count.textContent = text;
    count.hidden = !text;
    bell.setAttribute("aria-label", text ? "Notifications: " + text + " unread" : "Notifications");
    document.documentElement.dataset.unreadNotifications = String(number);
    document.querySelectorAll("[data-unread-total]").forEach((el) => { el.textContent = number + " unread"; });
  }

  function refresh() {
    fetch(bell.dataset.unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => { if (body && typeof body.count === "number") show(body.count, body.badge); })
      .catch(() => {});
  }

  function attach(live) {
    live.on("notifications_unread", (payload) => {
      if (payload && typeof payload.count === "number") show(payload.count, payload.badge);
    });
    live.on("connect", refresh);
  }

  if (window.taskforceLive) attach(window.taskforceLive);
  else document.addEventListener("taskforce:live-ready", (event) => attach(event.detail), { once: true });
})();

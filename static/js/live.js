// One Socket.IO connection to /channels per page for signed-in members (DESIGN §5 real-time contract).
// Shows `notification` events as toasts, exposes `window.taskforceLive = {socket, on(event, handler)}` and
// re-dispatches every server event as a document CustomEvent `taskforce:<event>` (detail = payload).
(function () {
  "use strict";
  if (typeof window.io !== "function" || window.taskforceLive) return;

  // SOCKETIO_WEBSOCKET_ONLY (README): no long-polling fallback, so a proxy in front needs no sticky sessions.
  const websocketOnly = document.documentElement.dataset.liveTransports === "websocket";
  const socket = window.io("/channels", { transports: websocketOnly ? ["websocket"] : ["websocket", "polling"],
                                          withCredentials: true });
  const handlers = {};

  socket.onAny((event, payload) => {
    (handlers[event] || []).forEach((handler) => {
      try { handler(payload); } catch (error) { console.warn("taskforce live handler failed", error); }
    });
    document.dispatchEvent(new CustomEvent("taskforce:" + event, { detail: payload }));
  });
  // Connection life is re-dispatched too, so page modules can catch up after a reconnect.
  ["connect", "disconnect", "connect_error"].forEach((name) => {
    socket.on(name, (detail) => {
      document.documentElement.dataset.live = socket.connected ? "connected" : "disconnected";
      (handlers[name] || []).forEach((handler) => handler(detail));
      document.dispatchEvent(new CustomEvent("taskforce:" + name, { detail: detail || null }));
    });
  });

  function toast(text, url, kind) {
    const box = document.getElementById("toasts");
    if (!box || !text) return;
    const item = document.createElement(url ? "a" : "p");
    item.className = "toast" + (kind ? " toast-" + kind : "");
    item.textContent = text;
    if (url && url.startsWith("/")) item.href = url;
    box.appendChild(item);
    setTimeout(() => item.remove(), 8000);
  }

  socket.on("notification", (payload) => {
    if (payload && typeof payload === "object") toast(String(payload.text || ""), payload.url || null, payload.kind);
  });

  window.taskforceLive = {
    socket: socket,
    on(event, handler) {
      (handlers[event] = handlers[event] || []).push(handler);
      return () => { handlers[event] = (handlers[event] || []).filter((h) => h !== handler); };
    },
    toast: toast,
  };
  document.dispatchEvent(new CustomEvent("taskforce:live-ready", { detail: window.taskforceLive }));
})();

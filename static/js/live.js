// One socket on the /live namespace per page for signed-in members (taskforce/live/namespace.py): the
// server joins it to the member's rooms (user, organization, sector, task force, coordinators) on connect.
// Shows `notification` events as toasts, exposes `window.taskforceLive = {socket, on(event, handler), toast,
// subscribe(room), channelsSocket()}` and re-dispatches every server event as a document CustomEvent
// `taskforce:<event>` (detail = payload). Other namespaces (the chat's /channels) share its connection.
(function () {
  "use strict";
  if (typeof window.io !== "function" || window.taskforceLive) return;

  // SOCKETIO_WEBSOCKET_ONLY (README): no long-polling fallback, so a proxy in front needs no sticky sessions.
  const websocketOnly = document.documentElement.dataset.liveTransports === "websocket";
  const OPTIONS = { transports: websocketOnly ? ["websocket"] : ["websocket", "polling"], withCredentials: true };
  const socket = window.io("/live", OPTIONS);
  const handlers = {};
  const subscriptions = new Set();  // per-object rooms this page follows; asked again after a reconnect

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

  // Live updates from members on other server processes pause while the message queue is down
  // (taskforce/live/queue_watch.py): the server says so with `live_state {live}`, and answers the same
  // question on every connect. The notice is #live-paused (templates/base.html).
  function showLiveState(answer) {
    if (!answer || typeof answer.live !== "boolean") return;
    document.documentElement.dataset.liveUpdates = answer.live ? "live" : "paused";
    const notice = document.getElementById("live-paused");
    if (notice) notice.hidden = answer.live;
  }
  socket.on("live_state", showLiveState);
  socket.on("connect", () => { socket.timeout(10000).emit("live_state", (err, answer) => { if (!err) showLiveState(answer); }); });

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

  // A per-object room (e.g. "training:12"): the server asks the object's domain whether this member may
  // follow it. Resolves with the ack: {ok: true} or {error}.
  function subscribe(room) {
    subscriptions.add(room);
    return new Promise((resolve) => {
      socket.timeout(10000).emit("subscribe", { room: room }, (err, ack) => {
        const answer = err ? { error: "No answer from the server." } : ack;
        if (answer && answer.error) subscriptions.delete(room);
        resolve(answer);
      });
    });
  }
  function unsubscribe(room) {
    subscriptions.delete(room);
    socket.emit("unsubscribe", { room: room });
  }
  socket.on("connect", () => {
    subscriptions.forEach((room) => socket.emit("subscribe", { room: room }));
  });

  // The chat namespace, opened only by the pages that chat (one websocket: the manager multiplexes).
  let channels = null;
  function channelsSocket() {
    channels = channels || window.io("/channels", OPTIONS);
    return channels;
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
    subscribe: subscribe,
    unsubscribe: unsubscribe,
    channelsSocket: channelsSocket,
  };
  document.dispatchEvent(new CustomEvent("taskforce:live-ready", { detail: window.taskforceLive }));
})();

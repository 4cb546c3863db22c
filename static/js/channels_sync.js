// The channel page, part 2 of 3: the /channels socket (live.channelsSocket()), catch-up, history and the send
// outbox.
//
// Catch-up cursor: `syncedUpTo[channel]` moves only on answers read from the database (`sync`, history),
// never on live `message_posted`. Ids are handed out in commit order, so a database answer up to id N holds
// every message up to N; a live push does not (Redis pub/sub drops broadcasts during an outage, and live
// delivery then resumes past the gap). `sync {since: syncedUpTo}` runs on every (re)connect, when the page
// becomes visible or focused, and every 20 s while connected; messages are deduplicated and ordered by id.
(function () {
  "use strict";
  const ns = window.taskforceChannels;
  if (!ns) return;
  const { socket, channelId, me, composer, elements, lastSeen, syncedUpTo, pageNewest, seenIds, lastRead, online, state } = ns;
  const SYNC_EVERY_MS = 20000;
  const OUTBOX_KEY = "taskforce.channels.outbox";

  function markRead() {
    const top = lastSeen[channelId] || 0;
    if (document.visibilityState !== "visible" || top <= (lastRead[channelId] || 0)) return;
    lastRead[channelId] = top;
    socket.emit("read", { channel_id: channelId, message_id: top });
  }

  // Every message from the server (live or catch-up) passes here; a second copy of an id only refreshes it.
  function receive(m) {
    if (!m || typeof m.id !== "number") return;
    const known = lastSeen[m.channel_id];
    const isNew = !seenIds.has(m.id) && m.id > (pageNewest[m.channel_id] || 0);
    seenIds.add(m.id);
    if (known === undefined || m.id > known) lastSeen[m.channel_id] = m.id;
    if (m.channel_id === channelId) {
      const stick = ns.nearBottom();
      ns.render(m);
      if (stick || m.author_id === me) ns.scrollToBottom();
      markRead();
    } else if (isNew && m.author_id !== me && !m.deleted && known !== undefined) {
      const el = ns.badge(m.channel_id);
      if (el) ns.setUnread(m.channel_id, Number(el.dataset.unread || 0) + 1);
    }
  }

  // ---- catch-up ---------------------------------------------------------------------------------------
  function advanceSynced(channel, id) {
    if (syncedUpTo[channel] !== undefined && id > syncedUpTo[channel]) syncedUpTo[channel] = id;
  }

  function applyUpdate(m) {
    if (m && m.channel_id === channelId && elements.has(m.id)) ns.fill(elements.get(m.id), m);
  }

  let syncing = false;
  let syncAgain = false;
  function sync() {
    if (!socket.connected) return;
    if (syncing) { syncAgain = true; return; }
    syncing = true;
    const since = {};
    Object.keys(syncedUpTo).forEach((id) => { since[id] = syncedUpTo[id]; });
    const request = { since: since };
    if (state.changesUpTo !== null) request.changes_since = state.changesUpTo;
    socket.timeout(15000).emit("sync", request, (err, answer) => {
      syncing = false;
      if (!err && answer && answer.error) return forgetUnreadableChannels();
      if (!err && answer) {
        answer.messages.forEach((m) => { receive(m); advanceSynced(m.channel_id, m.id); });
        (answer.updated || []).forEach(applyUpdate);
        if (typeof answer.changes_up_to === "number") state.changesUpTo = answer.changes_up_to;
        if (answer.has_more || answer.changes_more) syncAgain = true;
        // How many catch-up answers this page applied: tests tell a message that came by catch-up from one
        // that came live.
        document.documentElement.dataset.syncs = String(Number(document.documentElement.dataset.syncs || 0) + 1);
      }
      if (syncAgain) { syncAgain = false; sync(); }
    });
  }

  // A sync naming a channel this member can no longer read is refused whole (a missed `channel_removed`):
  // keep only the channels the server still lists, then try again once.
  async function forgetUnreadableChannels() {
    let listed;
    try {
      const response = await fetch("/api/channels", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      listed = await response.json();
    } catch (error) { return; }  // offline: the next connect or periodic sync tries again
    const readable = new Set(listed.map((c) => String(c.id)));
    const stale = Object.keys(syncedUpTo).filter((id) => !readable.has(id));
    stale.forEach((id) => { delete syncedUpTo[id]; delete lastSeen[id]; });
    if (stale.length) sync();
  }

  setInterval(sync, SYNC_EVERY_MS);
  window.addEventListener("focus", sync);
  // Live updates crossing between processes again (live.js): fetch what was said while they were paused.
  document.addEventListener("taskforce:live_state", (event) => { if (event.detail && event.detail.live) sync(); });

  function join() {
    socket.emit("join", { channel_id: channelId }, (answer) => {
      if (!answer || answer.error) { ns.showError(answer ? answer.error : "Could not open this channel."); return; }
      online.clear();
      (answer.online || []).forEach((id) => online.add(id));
      ns.showOnline();
    });
  }

  socket.on("connect", () => {
    document.getElementById("connection-state").hidden = true;
    join();
    sync();
    flushOutbox();
  });
  socket.on("disconnect", () => { document.getElementById("connection-state").hidden = false; });
  socket.on("message_posted", receive);
  socket.on("message_updated", applyUpdate);
  socket.on("read_state", (s) => {
    if (!s) return;
    lastRead[s.channel_id] = Math.max(lastRead[s.channel_id] || 0, s.last_read);
    if (s.last_read >= (lastSeen[s.channel_id] || 0)) ns.setUnread(s.channel_id, 0);
  });
  socket.on("channel_added", (c) => {
    if (!c || syncedUpTo[c.id] !== undefined) return;
    lastSeen[c.id] = syncedUpTo[c.id] = pageNewest[c.id] = 0;
    socket.emit("join", { channel_id: c.id });
    const listEl = document.querySelector(".channel-list");
    if (!listEl) return;
    const item = document.createElement("li");
    item.className = "channel-item";
    item.dataset.channelId = c.id;
    const link = document.createElement("a");
    link.href = "/channels/" + c.id;
    const name = document.createElement("span");
    name.className = "channel-name";
    name.textContent = c.name;
    const count = document.createElement("span");
    count.className = "unread-badge";
    count.hidden = true;
    count.appendChild(document.createTextNode("0"));
    link.append(name, " ", count);
    item.appendChild(link);
    listEl.appendChild(item);
    sync();
  });
  socket.on("channel_removed", (c) => {
    if (!c) return;
    delete lastSeen[c.channel_id];
    delete syncedUpTo[c.channel_id];
    const item = document.querySelector('.channel-item[data-channel-id="' + c.channel_id + '"]');
    if (item) item.remove();
    if (c.channel_id === channelId) {
      ns.showError("You are no longer a member of this channel.");
      if (composer) composer.querySelectorAll("textarea, button").forEach((el) => { el.disabled = true; });
    }
  });
  socket.on("channel_updated", (c) => {
    if (!c || c.id !== channelId) return;
    document.querySelector(".channel-title").textContent = c.name;
    document.querySelector(".channel-topic").textContent = c.topic || "No topic yet.";
  });
  socket.on("typing", (t) => {
    if (!t || t.channel_id !== channelId || t.user_id === me) return;
    ns.typingNames.set(t.user_id, { name: t.name, until: Date.now() + 4000 });
    ns.showTyping();
  });
  setInterval(ns.showTyping, 1500);
  socket.on("presence", (p) => {
    if (!p) return;
    if (p.online) online.add(p.user_id); else online.delete(p.user_id);
    ns.showOnline();
  });

  // ---- history (a database answer: it may move the catch-up cursor) -------------------------------------
  async function loadHistory(before) {
    const url = "/api/channels/" + channelId + "/messages" + (before ? "?before=" + before : "");
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return null;
    const page = await response.json();
    if (state.changesUpTo === null && typeof page.changes_up_to === "number") state.changesUpTo = page.changes_up_to;
    page.messages.forEach((m) => {
      if (!m.parent_id || elements.has(m.parent_id)) ns.render(m);
    });
    page.messages.forEach((m) => { if (m.parent_id && !elements.has(m.id)) ns.render(m); });
    page.messages.forEach((m) => {
      seenIds.add(m.id);
      if (m.id > (lastSeen[channelId] || 0)) lastSeen[channelId] = m.id;
      advanceSynced(channelId, m.id);
    });
    state.hasOlder = page.has_more;
    document.getElementById("load-older").hidden = !state.hasOlder;
    return page;
  }

  // ---- sending (idempotent, with an outbox that survives a dropped connection or a reload) -----------
  function outbox() {
    try { return JSON.parse(sessionStorage.getItem(OUTBOX_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) { sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(items)); }

  function transmit(item) {
    socket.timeout(10000).emit("send", item, (err, ack) => {
      if (err) return; // no answer: stays in the outbox, re-sent (same client_id) on reconnect
      saveOutbox(outbox().filter((o) => o.client_id !== item.client_id));
      if (ack && ack.id) return;
      const pending = ns.list.querySelector('.message.pending[data-client-id="' + CSS.escape(item.client_id) + '"]');
      if (pending) pending.remove();
      if (ack && ack.pii) return ns.warnPii(item, ack);
      ns.textarea.value = ns.textarea.value || item.body;
      ns.showError(ack && ack.error ? ack.error : "The message was not sent.");
    });
  }

  function flushOutbox() { outbox().forEach(transmit); }

  Object.assign(ns, { markRead, sync, join, loadHistory, outbox, saveOutbox, transmit, flushOutbox });
})();

// The channel page: live messages over the shared /channels socket (live.js), catch-up on every (re)connect,
// idempotent sends with a retry outbox, threads, edits, reactions, mentions, typing, presence, unread counts.
//
// Catch-up cursor: `syncedUpTo[channel]` moves only on answers read from the database (`sync`, history),
// never on live `message_posted`. Ids are handed out in commit order, so a database answer up to id N holds
// every message up to N; a live push does not (Redis pub/sub drops broadcasts during an outage, and live
// delivery then resumes past the gap). `sync {since: syncedUpTo}` runs on every (re)connect, when the page
// becomes visible or focused, and every 20 s while connected; messages are deduplicated and ordered by id.
(function () {
  "use strict";
  const view = document.getElementById("channel-view");
  const live = window.taskforceLive;
  if (!view || !live) return;
  const socket = live.socket;
  const channelId = Number(view.dataset.channelId);
  const me = Number(view.dataset.userId);
  const isCoordinator = view.dataset.coordinator === "1";
  const reactionSet = view.dataset.reactions.split(" ").filter(Boolean);
  const list = document.getElementById("messages");
  const emptyNote = document.getElementById("messages-empty");
  const template = document.getElementById("message-template");
  const composer = document.getElementById("composer");
  const textarea = document.getElementById("composer-body");
  const OUTBOX_KEY = "taskforce.channels.outbox";

  const lastSeen = {};            // channel id -> highest message id seen (read position, unread counts)
  const syncedUpTo = {};          // channel id -> every message up to this id came from the database
  const pageNewest = {};          // channel id -> newest id when the page was rendered (counted by the server)
  const seenIds = new Set();      // every message id this page has received, once
  const SYNC_EVERY_MS = 20000;
  let changesUpTo = null;         // edits/deletions/reactions: caught up to this change number (null: unknown)
  const lastRead = {};            // channel id -> read position
  const elements = new Map();     // message id -> <article> (current channel)
  const members = new Map();      // user id -> display name (readers of this channel)
  const online = new Set();
  let oldestLoaded = null;
  let replyTo = null;
  let pendingPii = null;
  let unreadAfter = 0;            // read position when the page opened: where "first unread" starts

  document.querySelectorAll(".channel-item").forEach((item) => {
    const id = Number(item.dataset.channelId);
    lastSeen[id] = syncedUpTo[id] = pageNewest[id] = Number(item.dataset.newest) || 0;
    lastRead[id] = Number(item.dataset.lastRead) || 0;
  });

  // ---- rendering --------------------------------------------------------------------------------------
  function formatTime(iso) {
    const date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  function fill(article, m) {
    article.id = "message-" + m.id;
    article.dataset.id = m.id;
    article.dataset.author = m.author_id;
    article.dataset.clientId = m.client_id || "";
    if (m.body !== undefined) article.dataset.source = m.body;
    article.classList.toggle("mine", m.author_id === me);
    article.classList.toggle("deleted", !!m.deleted);
    article.querySelector(".message-author").textContent = m.author;
    article.querySelector(".message-org").textContent = m.author_organization ? "· " + m.author_organization : "";
    const time = article.querySelector(".message-time");
    time.textContent = formatTime(m.created_at);
    time.dateTime = m.created_at;
    article.querySelector(".message-edited").hidden = !m.edited || m.deleted;
    const body = article.querySelector(".message-body");
    if (m.deleted) body.textContent = "message deleted";
    else body.innerHTML = m.body_html; // sanitized on the server by render_markdown (bleach allowlist)
    const reactions = article.querySelector(".message-reactions");
    reactions.textContent = "";
    Object.entries(m.reactions || {}).forEach(([emoji, users]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "reaction" + (users.includes(me) ? " mine" : "");
      button.dataset.emoji = emoji;
      button.setAttribute("aria-pressed", String(users.includes(me)));
      button.textContent = emoji + " " + users.length;
      reactions.appendChild(button);
    });
    const own = m.author_id === me;
    const actions = article.querySelector(".message-actions");
    actions.hidden = !!m.deleted;
    actions.querySelector('[data-action="edit"]').hidden = !own;
    actions.querySelector('[data-action="delete"]').hidden = !(own || isCoordinator);
    actions.querySelector('[data-action="history"]').hidden = !(isCoordinator && m.edited);
    actions.querySelector('[data-action="reply"]').hidden = !!m.parent_id;
  }

  function insertSorted(container, article, id) {
    const siblings = Array.from(container.children).filter((el) => el.classList.contains("message"));
    const after = siblings.find((el) => Number(el.dataset.id) > id);
    container.insertBefore(article, after || null);
  }

  function render(m) {
    if (m.channel_id !== channelId) return;
    let article = elements.get(m.id);
    if (article) { fill(article, m); return; }
    const pending = m.client_id && list.querySelector('.message.pending[data-client-id="' + CSS.escape(m.client_id) + '"]');
    if (pending) pending.remove();
    article = template.content.firstElementChild.cloneNode(true);
    fill(article, m);
    elements.set(m.id, article);
    const parent = m.parent_id && elements.get(m.parent_id);
    if (parent) insertSorted(parent.querySelector(".thread"), article, m.id);
    else {
      if (m.parent_id) article.classList.add("orphan-reply");
      insertSorted(list, article, m.id);
    }
    if (oldestLoaded === null || m.id < oldestLoaded) oldestLoaded = m.id;
    emptyNote.hidden = true;
  }

  function nearBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight < 120; }
  function scrollToBottom() { list.scrollTop = list.scrollHeight; }

  // ---- unread counts --------------------------------------------------------------------------------
  function badge(id) {
    const item = document.querySelector('.channel-item[data-channel-id="' + id + '"]');
    return item && item.querySelector(".unread-badge");
  }
  function setUnread(id, count) {
    const el = badge(id);
    if (!el) return;
    el.dataset.unread = String(count);
    el.firstChild.textContent = String(count);
    el.hidden = count <= 0;
  }
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
      const stick = nearBottom();
      render(m);
      if (stick || m.author_id === me) scrollToBottom();
      markRead();
    } else if (isNew && m.author_id !== me && !m.deleted && known !== undefined) {
      const el = badge(m.channel_id);
      if (el) setUnread(m.channel_id, Number(el.dataset.unread || 0) + 1);
    }
  }

  // ---- catch-up ---------------------------------------------------------------------------------------
  function advanceSynced(channel, id) {
    if (syncedUpTo[channel] !== undefined && id > syncedUpTo[channel]) syncedUpTo[channel] = id;
  }

  function applyUpdate(m) {
    if (m && m.channel_id === channelId && elements.has(m.id)) fill(elements.get(m.id), m);
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
    if (changesUpTo !== null) request.changes_since = changesUpTo;
    socket.timeout(15000).emit("sync", request, (err, answer) => {
      syncing = false;
      if (!err && answer && answer.error) return forgetUnreadableChannels();
      if (!err && answer) {
        answer.messages.forEach((m) => { receive(m); advanceSynced(m.channel_id, m.id); });
        (answer.updated || []).forEach(applyUpdate);
        if (typeof answer.changes_up_to === "number") changesUpTo = answer.changes_up_to;
        if (answer.has_more || answer.changes_more) syncAgain = true;
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

  function join() {
    socket.emit("join", { channel_id: channelId }, (answer) => {
      if (!answer || answer.error) { showError(answer ? answer.error : "Could not open this channel."); return; }
      online.clear();
      (answer.online || []).forEach((id) => online.add(id));
      showOnline();
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
    if (s.last_read >= (lastSeen[s.channel_id] || 0)) setUnread(s.channel_id, 0);
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
      showError("You are no longer a member of this channel.");
      if (composer) composer.querySelectorAll("textarea, button").forEach((el) => { el.disabled = true; });
    }
  });
  socket.on("channel_updated", (c) => {
    if (!c || c.id !== channelId) return;
    document.querySelector(".channel-title").textContent = c.name;
    document.querySelector(".channel-topic").textContent = c.topic || "No topic yet.";
  });

  // ---- history, jump to first unread ----------------------------------------------------------------
  let hasOlder = false;
  async function loadHistory(before) {
    const url = "/api/channels/" + channelId + "/messages" + (before ? "?before=" + before : "");
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return null;
    const page = await response.json();
    if (changesUpTo === null && typeof page.changes_up_to === "number") changesUpTo = page.changes_up_to;
    page.messages.forEach((m) => {
      if (!m.parent_id || elements.has(m.parent_id)) render(m);
    });
    page.messages.forEach((m) => { if (m.parent_id && !elements.has(m.id)) render(m); });
    page.messages.forEach((m) => {  // a database answer: it may move the catch-up cursor
      seenIds.add(m.id);
      if (m.id > (lastSeen[channelId] || 0)) lastSeen[channelId] = m.id;
      advanceSynced(channelId, m.id);
    });
    hasOlder = page.has_more;
    document.getElementById("load-older").hidden = !hasOlder;
    return page;
  }

  function firstUnread() {
    const after = unreadAfter;
    return Array.from(elements.values()).filter((el) => Number(el.dataset.id) > after && Number(el.dataset.author) !== me)
      .sort((a, b) => Number(a.dataset.id) - Number(b.dataset.id))[0];
  }

  document.getElementById("load-older").addEventListener("click", () => loadHistory(oldestLoaded));
  document.getElementById("jump-unread").addEventListener("click", async () => {
    const after = unreadAfter;
    while (hasOlder && oldestLoaded !== null && oldestLoaded > after + 1) {
      if (!(await loadHistory(oldestLoaded))) break;
    }
    const target = firstUnread();
    if (target) { target.scrollIntoView({ block: "center" }); target.focus(); target.classList.add("highlight"); }
    document.getElementById("jump-unread").hidden = true;
  });

  // ---- sending (idempotent, with an outbox that survives a dropped connection or a reload) -----------
  function outbox() {
    try { return JSON.parse(sessionStorage.getItem(OUTBOX_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) { sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(items)); }
  function newClientId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function showPending(item) {
    if (item.channel_id !== channelId) return;
    const article = document.createElement("article");
    article.className = "message pending mine";
    article.dataset.clientId = item.client_id;
    article.dataset.id = String(Number.MAX_SAFE_INTEGER);
    const body = document.createElement("div");
    body.className = "message-body";
    body.textContent = item.body;
    const note = document.createElement("p");
    note.className = "muted pending-note";
    note.textContent = "Sending…";
    article.append(body, note);
    list.appendChild(article);
    scrollToBottom();
  }

  function transmit(item) {
    socket.timeout(10000).emit("send", item, (err, ack) => {
      if (err) return; // no answer: stays in the outbox, re-sent (same client_id) on reconnect
      saveOutbox(outbox().filter((o) => o.client_id !== item.client_id));
      if (ack && ack.id) return;
      const pending = list.querySelector('.message.pending[data-client-id="' + CSS.escape(item.client_id) + '"]');
      if (pending) pending.remove();
      if (ack && ack.pii) return warnPii(item, ack);
      textarea.value = textarea.value || item.body;
      showError(ack && ack.error ? ack.error : "The message was not sent.");
    });
  }

  function flushOutbox() { outbox().forEach(transmit); }

  function send(body, confirmPii) {
    const item = { channel_id: channelId, body: body, client_id: newClientId() };
    if (replyTo) item.parent_id = replyTo;
    if (confirmPii) item.confirm_pii = true;
    saveOutbox(outbox().concat([item]));
    showPending(item);
    setReply(null);
    if (socket.connected) transmit(item);
  }

  function showError(text) {
    const el = document.getElementById("composer-error");
    if (!el) { live.toast(text); return; }
    el.textContent = text;
    el.hidden = !text;
  }

  function warnPii(item, ack) {
    pendingPii = item;
    textarea.value = item.body;
    const box = document.getElementById("pii-warning");
    box.querySelector(".pii-text").textContent = ack.error;
    const preview = box.querySelector(".pii-preview");
    preview.textContent = "";
    let at = 0;
    ack.pii.forEach((f) => {
      preview.appendChild(document.createTextNode(item.body.slice(at, f.start)));
      const mark = document.createElement("mark");
      mark.textContent = item.body.slice(f.start, f.end);
      mark.title = f.kind;
      preview.appendChild(mark);
      at = f.end;
    });
    preview.appendChild(document.createTextNode(item.body.slice(at)));
    box.hidden = false;
  }

  if (composer) {
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) return;
      showError("");
      document.getElementById("pii-warning").hidden = true;
      textarea.value = "";
      send(body, false);
    });
    textarea.addEventListener("keydown", (event) => {
      if (mentionKeys(event)) return;
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    let lastTyping = 0;
    textarea.addEventListener("input", () => {
      suggestMentions();
      if (Date.now() - lastTyping > 3000 && textarea.value.trim()) {
        lastTyping = Date.now();
        socket.emit("typing", { channel_id: channelId });
      }
    });
    document.getElementById("pii-edit").addEventListener("click", () => {
      document.getElementById("pii-warning").hidden = true;
      pendingPii = null;
      textarea.focus();
    });
    document.getElementById("pii-confirm").addEventListener("click", () => {
      if (!pendingPii) return;
      const body = textarea.value.trim() || pendingPii.body;
      if (pendingPii.parent_id) setReply(pendingPii.parent_id);
      pendingPii = null;
      document.getElementById("pii-warning").hidden = true;
      textarea.value = "";
      send(body, true);
    });
    document.getElementById("cancel-reply").addEventListener("click", () => setReply(null));
  }

  function setReply(id) {
    replyTo = id;
    const box = document.getElementById("reply-to");
    if (!box) return;
    box.hidden = !id;
    if (id && elements.has(id)) {
      box.querySelector("span").textContent = "Replying to " + elements.get(id).querySelector(".message-author").textContent;
      textarea.focus();
    }
  }

  // ---- message actions --------------------------------------------------------------------------------
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const article = event.target.closest("article.message");
    if (!button || !article || article.classList.contains("pending")) return;
    const id = Number(article.dataset.id);
    if (button.classList.contains("reaction")) {
      socket.emit("react", { message_id: id, emoji: button.dataset.emoji, on: button.getAttribute("aria-pressed") !== "true" },
        (ack) => { if (ack && ack.error) live.toast(ack.error); });
      return;
    }
    if (button.dataset.emojiChoice) {
      socket.emit("react", { message_id: id, emoji: button.dataset.emojiChoice, on: true });
      button.parentElement.hidden = true;
      return;
    }
    const action = button.dataset.action;
    if (action === "reply") setReply(id);
    else if (action === "react") togglePicker(article);
    else if (action === "edit") startEdit(article, id);
    else if (action === "delete" && window.confirm("Delete this message? Readers will see “message deleted”.")) {
      socket.emit("delete", { message_id: id }, (ack) => { if (ack && ack.error) live.toast(ack.error); });
    } else if (action === "history") showRevisions(article, id);
  });

  function togglePicker(article) {
    const picker = article.querySelector(".reaction-picker");
    if (!picker.childElementCount) {
      reactionSet.forEach((emoji) => {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.emojiChoice = emoji;
        b.textContent = emoji;
        b.setAttribute("aria-label", "React with " + emoji);
        picker.appendChild(b);
      });
    }
    picker.hidden = !picker.hidden;
  }

  function startEdit(article, id) {
    const body = article.querySelector(".message-body");
    if (body.querySelector("form")) return;
    const form = document.createElement("form");
    form.className = "edit-form";
    const area = document.createElement("textarea");
    area.value = article.dataset.source || body.textContent;
    area.setAttribute("aria-label", "Edit message");
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "primary";
    save.textContent = "Save";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    form.append(area, save, cancel);
    const previous = Array.from(body.childNodes);
    body.textContent = "";
    body.appendChild(form);
    area.focus();
    const restore = () => { body.textContent = ""; previous.forEach((n) => body.appendChild(n)); };
    cancel.addEventListener("click", restore);
    const warning = document.createElement("p");
    warning.className = "pii-warning";
    warning.setAttribute("role", "alert");
    warning.hidden = true;
    const confirmSave = document.createElement("button");
    confirmSave.type = "button";
    confirmSave.className = "danger";
    confirmSave.textContent = "Save anyway: no survivor is identified";
    confirmSave.hidden = true;
    form.append(warning, confirmSave);
    const submitEdit = (confirmPii) => {
      const text = area.value.trim();
      const item = { message_id: id, body: text };
      if (confirmPii) item.confirm_pii = true;
      socket.emit("edit", item, (ack) => {
        if (ack && ack.pii) {  // the same warning as a new message: edit the text, or confirm
          warning.textContent = ack.error;
          warning.hidden = false;
          confirmSave.hidden = false;
          area.focus();
          return;
        }
        if (ack && ack.error) { live.toast(ack.error); return; }
        article.dataset.source = text;
      });
    };
    area.addEventListener("input", () => { warning.hidden = true; confirmSave.hidden = true; });
    confirmSave.addEventListener("click", () => submitEdit(true));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitEdit(false);
    });
  }

  async function showRevisions(article, id) {
    const response = await fetch("/api/channels/messages/" + id + "/revisions", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const revisions = await response.json();
    let box = article.querySelector(".revisions");
    if (!box) { box = document.createElement("ol"); box.className = "revisions muted"; article.appendChild(box); }
    box.textContent = "";
    revisions.forEach((r) => {
      const li = document.createElement("li");
      li.textContent = formatTime(r.replaced_at) + ": " + r.body;
      box.appendChild(li);
    });
  }

  // ---- typing, presence, mentions ---------------------------------------------------------------------
  const typingNames = new Map();
  socket.on("typing", (t) => {
    if (!t || t.channel_id !== channelId || t.user_id === me) return;
    typingNames.set(t.user_id, { name: t.name, until: Date.now() + 4000 });
    showTyping();
  });
  function showTyping() {
    const now = Date.now();
    const names = Array.from(typingNames.values()).filter((t) => t.until > now).map((t) => t.name);
    document.getElementById("typing").textContent = names.length ? names.join(", ") + (names.length > 1 ? " are" : " is") + " typing…" : "";
  }
  setInterval(showTyping, 1500);

  socket.on("presence", (p) => {
    if (!p) return;
    if (p.online) online.add(p.user_id); else online.delete(p.user_id);
    showOnline();
  });
  function showOnline() {
    const names = Array.from(online).filter((id) => members.has(id)).map((id) => members.get(id)).sort();
    document.getElementById("online-list").textContent = names.length ? names.join(", ") : "nobody else right now";
  }

  const suggestions = document.getElementById("mention-suggestions");
  let suggestionIndex = 0;
  function mentionQuery() {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = before.match(/(^|\s)@([^\s@*]{0,30})$/);
    return match ? match[2].toLowerCase() : null;
  }
  function suggestMentions() {
    if (!suggestions) return;
    const query = mentionQuery();
    suggestions.textContent = "";
    if (query === null) { suggestions.hidden = true; return; }
    const hits = Array.from(members.entries()).filter(([id, name]) => id !== me && name.toLowerCase().includes(query)).slice(0, 6);
    hits.forEach(([id, name], index) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.name = name;
      li.textContent = name;
      if (index === 0) li.classList.add("active");
      li.addEventListener("mousedown", (event) => { event.preventDefault(); insertMention(name); });
      suggestions.appendChild(li);
    });
    suggestionIndex = 0;
    suggestions.hidden = hits.length === 0;
  }
  function insertMention(name) {
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, caret).replace(/@([^\s@*]{0,30})$/, "@**" + name + "** ");
    textarea.value = before + textarea.value.slice(caret);
    textarea.selectionStart = textarea.selectionEnd = before.length;
    suggestions.hidden = true;
    textarea.focus();
  }
  function mentionKeys(event) {
    if (!suggestions || suggestions.hidden) return false;
    const options = suggestions.querySelectorAll("li");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      options[suggestionIndex].classList.remove("active");
      suggestionIndex = (suggestionIndex + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      options[suggestionIndex].classList.add("active");
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insertMention(options[suggestionIndex].dataset.name);
      return true;
    }
    if (event.key === "Escape") { suggestions.hidden = true; return true; }
    return false;
  }

  // ---- start ----------------------------------------------------------------------------------------------
  fetch("/api/channels/" + channelId + "/members", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : []))
    .then((people) => { people.forEach((p) => members.set(p.id, p.display_name)); showOnline(); });

  loadHistory(null).then((page) => {
    if (!page) return;
    lastRead[channelId] = Math.max(lastRead[channelId] || 0, page.last_read || 0);
    unreadAfter = lastRead[channelId];
    emptyNote.hidden = elements.size > 0;
    const unread = firstUnread();
    document.getElementById("jump-unread").hidden = !unread && !(hasOlder && unreadAfter < (oldestLoaded || 0) - 1);
    outbox().filter((o) => o.channel_id === channelId).forEach(showPending);
    scrollToBottom();
    markRead();
    if (socket.connected) { join(); sync(); flushOutbox(); }
  });
  document.addEventListener("visibilitychange", () => {
    markRead();
    if (document.visibilityState === "visible") sync();
  });
})();

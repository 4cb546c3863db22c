// The channel page, part 1 of 3: the page's shared state and how messages are drawn.
// Opens `window.taskforceChannels` (state shared with channels_sync.js and channels.js, loaded after this
// file, all with `defer`). Message text is drawn with textContent; a body is the server-rendered `body_html`
// (sanitized by render_markdown), never text the page builds into HTML itself.
(function () {
  "use strict";
  const view = document.getElementById("channel-view");
  const live = window.taskforceLive;
  if (!view || !live) return;
  const ns = window.taskforceChannels = {
    live: live,
    socket: live.channelsSocket(),
    channelId: Number(view.dataset.channelId),
    me: Number(view.dataset.userId),
    isCoordinator: view.dataset.coordinator === "1",
    reactionSet: view.dataset.reactions.split(" ").filter(Boolean),
    list: document.getElementById("messages"),
    emptyNote: document.getElementById("messages-empty"),
    template: document.getElementById("message-template"),
    composer: document.getElementById("composer"),
    textarea: document.getElementById("composer-body"),
    lastSeen: {},            // channel id -> highest message id seen (read position, unread counts)
    syncedUpTo: {},          // channel id -> every message up to this id came from the database
    pageNewest: {},          // channel id -> newest id when the page was rendered (counted by the server)
    seenIds: new Set(),      // every message id this page has received, once
    lastRead: {},            // channel id -> read position
    elements: new Map(),     // message id -> <article> (current channel)
    members: new Map(),      // user id -> display name (readers of this channel)
    online: new Set(),
    typingNames: new Map(),  // user id -> {name, until}
    state: {
      changesUpTo: null,     // edits/deletions/reactions: caught up to this change number (null: unknown)
      oldestLoaded: null,
      hasOlder: false,
      replyTo: null,
      pendingPii: null,
      unreadAfter: 0,        // read position when the page opened: where "first unread" starts
    },
  };
  const { channelId, me, isCoordinator, list, emptyNote, template, textarea, elements, members, online, state } = ns;

  document.querySelectorAll(".channel-item").forEach((item) => {
    const id = Number(item.dataset.channelId);
    ns.lastSeen[id] = ns.syncedUpTo[id] = ns.pageNewest[id] = Number(item.dataset.newest) || 0;
    ns.lastRead[id] = Number(item.dataset.lastRead) || 0;
  });

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
    if (state.oldestLoaded === null || m.id < state.oldestLoaded) state.oldestLoaded = m.id;
    emptyNote.hidden = true;
  }

  function nearBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight < 120; }
  function scrollToBottom() { list.scrollTop = list.scrollHeight; }

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

  // A message still in the outbox: shown as "Sending…" until the server's copy (same client_id) replaces it.
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

  function showError(text) {
    const el = document.getElementById("composer-error");
    if (!el) { live.toast(text); return; }
    el.textContent = text;
    el.hidden = !text;
  }

  // The server found what may identify a survivor: mark those spans so the author can edit or confirm.
  function warnPii(item, ack) {
    state.pendingPii = item;
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

  function showTyping() {
    const now = Date.now();
    const names = Array.from(ns.typingNames.values()).filter((t) => t.until > now).map((t) => t.name);
    document.getElementById("typing").textContent = names.length ? names.join(", ") + (names.length > 1 ? " are" : " is") + " typing…" : "";
  }

  function showOnline() {
    const names = Array.from(online).filter((id) => members.has(id)).map((id) => members.get(id)).sort();
    document.getElementById("online-list").textContent = names.length ? names.join(", ") : "nobody else right now";
  }

  Object.assign(ns, {
    formatTime, fill, render, nearBottom, scrollToBottom, badge, setUnread,
    showPending, showError, warnPii, showTyping, showOnline,
  });
})();

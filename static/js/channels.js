// The channel page, part 3 of 3: the composer (idempotent sends, replies, mentions, the PII warning),
// message actions (react, edit, delete, revisions), jump to first unread, and starting the page.
// Loaded after channels_render.js and channels_sync.js, which open `window.taskforceChannels`.
(function () {
  "use strict";
  const ns = window.taskforceChannels;
  if (!ns) return;
  const { live, socket, channelId, me, reactionSet, list, emptyNote, composer, textarea, elements, members, state } = ns;

  // ---- history, jump to first unread ----------------------------------------------------------------
  // Messages by others this member had not read when the page was served (the sidebar's count, read before
  // this page marks the channel read): with none, "Jump to first unread" would have nowhere to go.
  const badge = document.querySelector('.channel-item[data-channel-id="' + channelId + '"] .unread-badge');
  const unreadAtOpen = badge ? Number(badge.dataset.unread) || 0 : 0;
  function firstUnread() {
    const after = state.unreadAfter;
    return Array.from(elements.values()).filter((el) => Number(el.dataset.id) > after && Number(el.dataset.author) !== me)
      .sort((a, b) => Number(a.dataset.id) - Number(b.dataset.id))[0];
  }

  document.getElementById("load-older").addEventListener("click", () => ns.loadHistory(state.oldestLoaded));
  document.getElementById("jump-unread").addEventListener("click", async () => {
    const after = state.unreadAfter;
    while (state.hasOlder && state.oldestLoaded !== null && state.oldestLoaded > after + 1) {
      if (!(await ns.loadHistory(state.oldestLoaded))) break;
    }
    const target = firstUnread();
    if (target) { target.scrollIntoView({ block: "center" }); target.focus(); target.classList.add("highlight"); }
    document.getElementById("jump-unread").hidden = true;
  });

  // ---- sending ----------------------------------------------------------------------------------------
  function newClientId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function send(body, confirmPii) {
    const item = { channel_id: channelId, body: body, client_id: newClientId() };
    if (state.replyTo) item.parent_id = state.replyTo;
    if (confirmPii) item.confirm_pii = true;
    ns.saveOutbox(ns.outbox().concat([item]));
    ns.showPending(item);
    setReply(null);
    if (socket.connected) ns.transmit(item);
  }

  // A long paste is never cut (no maxlength): a counter shows near the limit, and a message over it is
  // refused with the reason, the text left in the box to shorten or split.
  const limit = Number(textarea && textarea.dataset.limit) || 0;
  const counter = document.getElementById("composer-count");
  const lengthOf = (text) => Array.from(text).length; // the server counts code points, not UTF-16 units
  function showCount() {
    if (!counter || !limit) return;
    const used = lengthOf(textarea.value.trim());
    counter.hidden = used < limit * 0.8;
    counter.textContent = used > limit
      ? used.toLocaleString() + " / " + limit.toLocaleString() + " characters: " + (used - limit).toLocaleString() + " too many"
      : used.toLocaleString() + " / " + limit.toLocaleString() + " characters";
    counter.className = "composer-count " + (used > limit ? "field-error" : "muted");
  }
  function tooLong(text) {
    if (!limit || lengthOf(text) <= limit) return false;
    ns.showError("This message is " + lengthOf(text).toLocaleString() + " characters; the limit is " +
      limit.toLocaleString() + ". Shorten it or send it in two parts — nothing was sent.");
    showCount();
    textarea.focus();
    return true;
  }

  if (composer) {
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) return;
      if (tooLong(body)) return;
      ns.showError("");
      document.getElementById("pii-warning").hidden = true;
      textarea.value = "";
      showCount();
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
      showCount();
      suggestMentions();
      if (Date.now() - lastTyping > 3000 && textarea.value.trim()) {
        lastTyping = Date.now();
        socket.emit("typing", { channel_id: channelId });
      }
    });
    document.getElementById("pii-edit").addEventListener("click", () => {
      document.getElementById("pii-warning").hidden = true;
      state.pendingPii = null;
      textarea.focus();
    });
    document.getElementById("pii-confirm").addEventListener("click", () => {
      if (!state.pendingPii) return;
      const body = textarea.value.trim() || state.pendingPii.body;
      if (tooLong(body)) return;
      if (state.pendingPii.parent_id) setReply(state.pendingPii.parent_id);
      state.pendingPii = null;
      document.getElementById("pii-warning").hidden = true;
      textarea.value = "";
      send(body, true);
    });
    document.getElementById("cancel-reply").addEventListener("click", () => setReply(null));
  }

  function setReply(id) {
    state.replyTo = id;
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
    const response = await fetch("/api/channels/messages/" + id + "/revisions", { headers: { Accept: "application/json" } })
      .catch(() => null);
    if (!response || !response.ok) {  // say so: a button that silently does nothing looks broken
      let message = "Earlier versions could not be loaded. Try again in a minute.";
      try { message = (await response.json()).error || message; } catch (e) { /* offline, or not JSON */ }
      live.toast(message);
      return;
    }
    const revisions = await response.json();
    let box = article.querySelector(".revisions");
    if (!box) { box = document.createElement("ol"); box.className = "revisions muted"; article.appendChild(box); }
    box.textContent = "";
    revisions.forEach((r) => {
      const li = document.createElement("li");
      li.textContent = ns.formatTime(r.replaced_at) + ": " + r.body;
      box.appendChild(li);
    });
  }

  // ---- mentions ---------------------------------------------------------------------------------------
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
    .then((people) => { people.forEach((p) => members.set(p.id, p.display_name)); ns.showOnline(); });

  ns.loadHistory(null).then((page) => {
    if (!page) return;
    ns.lastRead[channelId] = Math.max(ns.lastRead[channelId] || 0, page.last_read || 0);
    state.unreadAfter = ns.lastRead[channelId];
    emptyNote.hidden = elements.size > 0;
    const unread = firstUnread();
    const olderUnread = unreadAtOpen > 0 && state.hasOlder && state.unreadAfter < (state.oldestLoaded || 0) - 1;
    document.getElementById("jump-unread").hidden = !unread && !olderUnread;
    ns.outbox().filter((o) => o.channel_id === channelId).forEach(ns.showPending);
    ns.scrollToBottom();
    ns.markRead();
    if (socket.connected) { ns.join(); ns.sync(); ns.flushOutbox(); }
  });
  document.addEventListener("visibilitychange", () => {
    ns.markRead();
    if (document.visibilityState === "visible") ns.sync();
  });
})();

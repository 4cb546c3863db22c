// Lesson editor: "Check for identifying details" without leaving the page.
// The text goes to /api/lessons/check (nothing is stored there); each finding is highlighted under its field
// with its kind, and the author resolves it: redact, use the suggested phrase, write their own, or keep it as
// not identifying with a reason. Saving is possible only once a check of the current text comes back clean;
// the server checks again anyway. User text is only ever put into the page with textContent.
// "Apply all suggestions" takes the suggested phrase for every open finding; where a detail was replaced is
// carried (the "replacements" field) so the reviewer sees it. Fields over their limit are never cut: a
// counter shows near the limit and the check refuses, with the message beside the field.
(function () {
  "use strict";
  const cps = (text) => Array.from(text); // server offsets and limits count code points, not UTF-16 units

  // Every box with a limit (the editor's fields, a send-back or reader comment) shows a counter from 80 %
  // of it; the server refuses longer text with a message, so nothing is cut here.
  function counter(node) {
    const count = document.createElement("small");
    count.className = "char-count";
    count.setAttribute("aria-live", "polite");
    count.hidden = true;
    node.insertAdjacentElement("afterend", count);
    const update = () => {
      const used = cps(node.value).length, limit = Number(node.dataset.limit);
      count.hidden = used < limit * 0.8;
      count.textContent = used.toLocaleString() + " / " + limit.toLocaleString() + " characters" +
        (used > limit ? " — " + (used - limit).toLocaleString() + " too many" : "");
      count.className = "char-count" + (used > limit ? " over" : used >= limit * 0.95 ? " near" : "");
    };
    node.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("textarea[data-limit], input[data-limit]").forEach(counter);

  const form = document.getElementById("lesson-form");
  if (!form) return;
  const FIELDS = ["title", "summary", "what_happened", "what_worked", "what_did_not", "recommendation"];
  const LABELS = {title: "Title", summary: "Summary", what_happened: "What happened", what_worked: "What worked",
    what_did_not: "What did not work", recommendation: "Recommendation"};
  const checkButton = document.getElementById("check-button");
  const saveButtons = [document.getElementById("save-draft"), document.getElementById("submit-review")];
  const decisionsInput = document.getElementById("decisions");
  const replacementsInput = document.getElementById("replacements");
  const panel = document.getElementById("check-panel");
  const status = document.getElementById("check-status");
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  let cleanSnapshot = null;
  let current = null; // the last check report

  const input = (field) => form.elements[field];
  const values = () => Object.fromEntries(FIELDS.map((f) => [f, input(f) ? input(f).value : ""]));
  const snapshot = () => JSON.stringify(values());

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(message, kind) {
    status.textContent = message;
    status.className = "check-status" + (kind ? " " + kind : "");
  }

  function allowSaving(allowed) {
    saveButtons.forEach((b) => { if (b) { b.disabled = !allowed; b.setAttribute("aria-disabled", String(!allowed)); } });
  }

  function clearHighlights() {
    form.querySelectorAll(".finding-block").forEach((n) => n.remove());
  }

  // ---- limits and errors beside each field ----------------------------------------------------------
  function fieldBox(name) {
    const node = form.elements[name];
    return node && node.closest ? node.closest(".field") : null;
  }

  function showFieldErrors(errors) {
    form.querySelectorAll(".js-field-error").forEach((n) => n.remove());
    FIELDS.forEach((f) => { if (input(f)) input(f).removeAttribute("aria-invalid"); });
    Object.entries(errors || {}).forEach(([name, message]) => {
      const box = fieldBox(name);
      if (!box) return;
      box.appendChild(el("p", {"class": "field-error js-field-error", role: "alert"}, message));
      if (input(name)) input(name).setAttribute("aria-invalid", "true");
    });
  }

  function overLimit() {
    const errors = {};
    form.querySelectorAll("[data-limit]").forEach((node) => {
      const used = cps(node.value.trim()).length, limit = Number(node.dataset.limit);
      if (used > limit) {
        errors[node.name] = (LABELS[node.name] || "This field") + " is too long: " + used.toLocaleString() +
          " characters, at most " + limit.toLocaleString() + ". Shorten it; nothing was checked or saved.";
      }
    });
    return errors;
  }

  const parsed = (node) => { try { return JSON.parse((node && node.value) || "[]"); } catch (e) { return []; } };

  async function runCheck() {
    const tooLong = overLimit();
    showFieldErrors(tooLong);
    if (Object.keys(tooLong).length) {
      allowSaving(false);
      say("Some fields are over their limit: shorten them (see the message beside each). Nothing was checked or saved.", "error");
      const first = form.querySelector(".js-field-error");
      if (first) first.scrollIntoView({block: "center"});
      return;
    }
    const decisions = parsed(decisionsInput);
    say("Checking…");
    checkButton.disabled = true;
    let response, data;
    try {
      response = await fetch(form.dataset.checkUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
        body: JSON.stringify({fields: values(), decisions: decisions, replacements: parsed(replacementsInput)}),
      });
      data = await response.json();
    } catch (e) {
      say("The check could not reach the server. Try again.", "error");
      return;
    } finally {
      checkButton.disabled = false;
    }
    if (!response.ok) {
      showFieldErrors((data.details || {}).errors);
      say(data.error || "The check failed.", "error");
      return;
    }
    FIELDS.forEach((f) => { if (input(f) && input(f).value !== data.texts[f]) input(f).value = data.texts[f] || ""; });
    current = data;
    // Keep only the decisions that still cover a finding at its place in the current text.
    const kept = [];
    FIELDS.forEach((f) => (data.fields[f] || []).forEach((item) => {
      if (item.covered) kept.push({field: f, start: item.start, end: item.end, text: item.text, reason: item.reason});
    }));
    decisionsInput.value = JSON.stringify(kept);
    if (replacementsInput) replacementsInput.value = JSON.stringify(data.replacements || []);
    render(data);
  }

  function render(data) {
    clearHighlights();
    panel.replaceChildren();
    const missing = data.missing || {};
    showFieldErrors(missing);
    if (data.unresolved === 0 && Object.keys(missing).length) {
      cleanSnapshot = null;
      allowSaving(false);
      panel.hidden = true;
      say("No identifying details found. Before you can save: " + Object.values(missing).join(" "), "warn");
      return;
    }
    if (data.unresolved === 0) {
      cleanSnapshot = snapshot();
      allowSaving(true);
      panel.hidden = true;
      say("No unresolved identifying details. You can save the draft or submit it for review.", "ok");
      return;
    }
    cleanSnapshot = null;
    allowSaving(false);
    FIELDS.forEach((field) => {
      const findings = data.fields[field] || [];
      if (!findings.length) return;
      const wrapper = form.querySelector('[data-lesson-field="' + field + '"]');
      const block = el("div", {"class": "finding-block", "data-field": field});
      block.appendChild(el("p", {"class": "finding-block-title"}, LABELS[field] + ": " + findings.length +
        " detail" + (findings.length === 1 ? "" : "s") + " to resolve"));
      block.appendChild(preview(data.texts[field], findings));
      const list = el("ol", {"class": "finding-choices"});
      findings.forEach((finding, index) => list.appendChild(choices(field, index, finding)));
      block.appendChild(list);
      wrapper.appendChild(block);
    });
    panel.hidden = false;
    const apply = el("button", {type: "button", "class": "primary", id: "apply-choices"}, "Apply my choices");
    apply.addEventListener("click", applyChoices);
    const applyAll = el("button", {type: "button", id: "apply-all-suggestions"}, "Apply all suggestions");
    applyAll.addEventListener("click", applyAllSuggestions);
    panel.appendChild(el("p", {}, "Resolve every highlighted detail, then apply your choices — or apply every " +
      "suggestion at once. The text is checked again and shown before anything is saved."));
    panel.appendChild(apply);
    panel.appendChild(applyAll);
    say(data.unresolved + " detail" + (data.unresolved === 1 ? "" : "s") + " could identify someone. Nothing has been saved.", "warn");
    const first = form.querySelector(".finding-block");
    if (first) first.scrollIntoView({block: "center"});
  }

  function preview(text, findings) {
    const chars = cps(text);
    const box = el("p", {"class": "finding-preview"});
    let pos = 0;
    findings.forEach((finding, index) => {
      box.appendChild(document.createTextNode(chars.slice(pos, finding.start).join("")));
      const mark = el("mark", {"class": "finding kind-" + finding.kind.toLowerCase(), title: "rule: " + finding.rule});
      mark.appendChild(document.createTextNode(chars.slice(finding.start, finding.end).join("")));
      mark.appendChild(el("span", {"class": "kind-label"}, finding.kind + " " + (index + 1)));
      box.appendChild(mark);
      pos = finding.end;
    });
    box.appendChild(document.createTextNode(chars.slice(pos).join("")));
    return box;
  }

  function choices(field, index, finding) {
    const key = field + "-" + index;
    const item = el("li", {});
    const set = el("fieldset", {"class": "finding-choice", "data-key": key});
    set.appendChild(el("legend", {}, "“" + finding.text + "” — " + finding.kind + " " + (index + 1)));
    const radio = (value, labelText, extra, checked) => {
      const label = el("label", {});
      const r = el("input", {type: "radio", name: "choice-" + key, value: value});
      if (checked) r.checked = true;
      label.appendChild(r);
      label.appendChild(document.createTextNode(" " + labelText + " "));
      if (extra) {
        label.appendChild(extra);
        extra.addEventListener("focus", () => { r.checked = true; });
      }
      set.appendChild(label);
    };
    radio("redact", "Redact as [" + finding.kind + "]");
    radio("suggest", "Use “" + finding.suggestion + "”");
    radio("replace", "Replace with", el("input", {type: "text", name: "phrase-" + key, maxlength: "120",
      "aria-label": "Neutral phrase instead of " + finding.kind + " " + (index + 1)}));
    const reason = el("input", {type: "text", name: "reason-" + key, maxlength: "300",
      "aria-label": "Why " + finding.kind + " " + (index + 1) + " does not identify anyone"});
    if (finding.covered) reason.value = finding.reason;
    radio("keep", "Not identifying, because", reason, finding.covered);
    item.appendChild(set);
    return item;
  }

  // Every open finding takes its suggested phrase; one already kept as not identifying stays kept.
  function applyAllSuggestions() {
    FIELDS.forEach((field) => (current.fields[field] || []).forEach((finding, index) => {
      const key = field + "-" + index;
      const choice = form.querySelector('input[name="choice-' + key + '"][value="' + (finding.covered ? "keep" : "suggest") + '"]');
      if (choice) choice.checked = true;
    }));
    applyChoices();
  }

  // Where an earlier replacement sits after this round's edits ([start, end, new length] in code points);
  // null when a finding of this round overlaps it (that text was flagged and resolved again).
  function through(item, edits) {
    let shift = 0;
    for (const [start, end, length] of edits) {
      if (start < item.end && item.start < end) return null;
      if (end <= item.start) shift += length - (end - start);
    }
    return Object.assign({}, item, {start: item.start + shift, end: item.end + shift});
  }

  function applyChoices() {
    const kept = [];
    const resolved = {};
    const earlier = parsed(replacementsInput);
    const replaced = [];
    for (const field of FIELDS) {
      const findings = (current.fields[field] || []);
      const chars = cps(current.texts[field] || "");
      const out = [];
      const edits = [];
      let pos = 0, length = 0;
      for (let i = 0; i < findings.length; i++) {
        const finding = findings[i];
        const key = field + "-" + i;
        const chosen = form.querySelector('input[name="choice-' + key + '"]:checked');
        const fail = (message) => { say(message, "error"); const n = form.querySelector('[data-key="' + key + '"] input'); if (n) n.focus(); return null; };
        if (!chosen) return fail("Choose what to do with “" + finding.text + "”.");
        let replacement;
        if (chosen.value === "redact") replacement = "[" + finding.kind + "]";
        else if (chosen.value === "suggest") replacement = finding.suggestion;
        else if (chosen.value === "replace") {
          replacement = form.elements["phrase-" + key].value.trim().replace(/\s+/g, " ");
          if (!replacement) return fail("Write the neutral phrase to use instead of “" + finding.text + "”.");
        } else {
          const why = form.elements["reason-" + key].value.trim();
          if (!why) return fail("Say why “" + finding.text + "” does not identify anyone.");
          replacement = finding.text;
        }
        const before = chars.slice(pos, finding.start).join("");
        out.push(before);
        length += cps(before).length;
        if (chosen.value === "keep") {
          kept.push({field: field, start: length, end: length + cps(finding.text).length, text: finding.text,
            reason: form.elements["reason-" + key].value.trim()});
        } else {
          replaced.push({field: field, start: length, end: length + cps(replacement).length, kind: finding.kind,
            how: chosen.value, text: replacement});
        }
        edits.push([finding.start, finding.end, cps(replacement).length]);
        out.push(replacement);
        length += cps(replacement).length;
        pos = finding.end;
      }
      out.push(chars.slice(pos).join(""));
      resolved[field] = out.join("");
      earlier.filter((r) => r.field === field).forEach((r) => { const moved = through(r, edits); if (moved) replaced.push(moved); });
    }
    FIELDS.forEach((f) => { if (input(f)) input(f).value = resolved[f]; });
    decisionsInput.value = JSON.stringify(kept);
    if (replacementsInput) replacementsInput.value = JSON.stringify(replaced);
    runCheck();
  }

  allowSaving(false);
  say("Check the text for identifying details before saving.");
  form.addEventListener("input", (event) => {
    if (!FIELDS.includes(event.target.name)) return;
    if (cleanSnapshot !== null && snapshot() !== cleanSnapshot) {
      cleanSnapshot = null;
      allowSaving(false);
      say("The text changed: check it again before saving.", "warn");
    }
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.closest(".finding-choice")) { event.preventDefault(); applyChoices(); }
  });
  form.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    if (submitter === checkButton || !submitter || cleanSnapshot === null || snapshot() !== cleanSnapshot) {
      event.preventDefault();
      runCheck();
    }
  });
})();

// The map page's "Compare periods" control: asks GET /api/network/compare for two periods, styles the map's
// links by change (line style, a word on the link and colour: never colour alone; see the legend) and lists
// the same links in a sortable table. Without JavaScript the form opens the /network/compare page instead.
// Re-applied after every redraw of the map (network.js sends `network:drawn`) and when a referral is logged.
(function () {
  "use strict";
  const panel = document.getElementById("compare-panel");
  const shell = document.getElementById("network-map-shell");
  if (!panel || !shell) return;
  const form = document.getElementById("compare-form");
  const status = document.getElementById("compare-status");
  const result = document.getElementById("compare-result");
  const legend = document.getElementById("compare-legend");
  const clear = document.getElementById("compare-clear");
  const links = document.getElementById("compare-links");
  const STATUSES = ["appeared", "vanished", "grew", "shrank", "unclear", "unchanged"];
  const MARKS = { appeared: "new", vanished: "gone", unclear: "?" };
  let cy = null;
  let answer = null;
  let styled = false;

  const element = window.taskforceElement;  // network_compare_table.js, loaded first

  function addStyles() {
    cy.style()
      .selector("edge.changed").style({ label: "data(changeMark)", "font-size": 9, "text-background-color": "#fff",
                                         "text-background-opacity": 0.85, "text-background-padding": 1, color: "#1d2330" })
      .selector("edge.change-appeared").style({ "line-style": "solid", "line-color": "#1e8449", "target-arrow-color": "#1e8449",
                                                width: 4, opacity: 1 })
      .selector("edge.change-vanished").style({ "line-style": "dotted", "line-color": "#a93226", "target-arrow-color": "#a93226",
                                                width: 3, opacity: 1 })
      .selector("edge.change-grew").style({ "line-style": "solid", "line-color": "#1f5fbf", "target-arrow-color": "#1f5fbf", opacity: 1 })
      .selector("edge.change-shrank").style({ "line-style": "dashed", "line-color": "#b9770e", "target-arrow-color": "#b9770e", opacity: 1 })
      .selector("edge.change-unclear").style({ "line-style": "dashed", "line-color": "#7f8c8d", "target-arrow-color": "#7f8c8d" })
      .selector("edge.change-unchanged").style({ opacity: 0.3 })
      .update();
  }

  function unstyle() {
    if (!cy) return;
    cy.batch(() => {
      cy.edges(".compare-extra").remove();
      cy.edges(".changed").removeClass(STATUSES.map((s) => "change-" + s).join(" ") + " changed");
    });
  }

  function styleMap() {
    if (!cy || !answer) return;
    unstyle();
    cy.batch(() => {
      answer.edges.forEach((e) => {
        const id = e.source + "-" + e.target;
        let edge = cy.getElementById(id);
        if (edge.empty()) {  // a link of the periods that is not on the map's window: drawn for the comparison
          if (cy.getElementById(String(e.source)).empty() || cy.getElementById(String(e.target)).empty()) return;
          edge = cy.add({ group: "edges", classes: "compare-extra",
                          data: { id: id, source: String(e.source), target: String(e.target), width: 2, partnered: 0 } });
        }
        edge.data("changeMark", MARKS[e.status] || (e.status === "unchanged" ? "" : String(e.change).replace(/-(?=\d)/g, "\u2212")));  // the legend's minus sign
        edge.addClass("changed change-" + e.status);
      });
    });
    STATUSES.forEach((s) => { panel.dataset["map" + s[0].toUpperCase() + s.slice(1)] = String(cy.edges(".change-" + s).length); });
    styled = true;
  }

  function header(label, sort) {
    const th = element("th", label);
    th.scope = "col";
    th.dataset.sort = sort;
    return th;
  }

  function cell(text, label, value) {
    const td = element("td", text);
    td.dataset.label = label;
    if (value !== undefined) td.dataset.value = String(value);
    return td;
  }

  function showTable() {
    const p = answer.periods;
    const table = element("table", null, "list compare-table sortable");
    table.id = "compare-table";
    table.appendChild(element("caption", "Links, first period " + p.a.start + " to " + p.a.end + " against second period " +
      p.b.start + " to " + p.b.end + ": " + answer.edges.length + (answer.edges.length ? "" : " (no referral in either period)")));
    const head = element("thead");
    const row = element("tr");
    [["From", "text"], ["To", "text"], ["Change", "status"], ["First period", "number"], ["Second period", "number"],
     ["Difference", "number"]].forEach(([label, sort]) => row.appendChild(header(label, sort)));
    head.appendChild(row);
    table.appendChild(head);
    const body = element("tbody");
    answer.edges.forEach((e) => {
      const tr = element("tr");
      tr.dataset.status = e.status;
      tr.dataset.source = String(e.source);
      tr.dataset.target = String(e.target);
      tr.appendChild(cell(e.source_name, "From"));
      tr.appendChild(cell(e.target_name, "To"));
      const change = cell("", "Change", STATUSES.indexOf(e.status));
      change.appendChild(element("span", null, "change-mark change-" + e.status)).setAttribute("aria-hidden", "true");
      change.appendChild(document.createTextNode(e.label));
      tr.appendChild(change);
      tr.appendChild(cell(e.before, "First period"));
      tr.appendChild(cell(e.after, "Second period"));
      tr.appendChild(cell(typeof e.change === "number" && e.change > 0 ? "+" + e.change : e.change, "Difference",
                          (e.change_low + e.change_high) / 2));
      body.appendChild(tr);
    });
    table.appendChild(body);
    result.replaceChildren(table);
    if (window.taskforceSortable) window.taskforceSortable(table);
  }

  function query() {
    const params = new URLSearchParams(new FormData(form));
    if (shell.dataset.category) params.set("category", shell.dataset.category);
    return params.toString();
  }

  async function run() {
    status.textContent = "Comparing…";
    const params = query();
    let response;
    try {
      response = await fetch(panel.dataset.compareUrl + "?" + params, { headers: { Accept: "application/json" },
                                                                           credentials: "same-origin" });
    } catch (error) {
      status.textContent = "Connection lost; try again in a moment.";
      return;
    }
    if (!response.ok) {
      let message = "The periods could not be compared (" + response.status + ").";
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      status.textContent = message;
      return;
    }
    try {
      answer = await response.json();
    } catch (error) {  // a signed-out session is redirected to the sign-in page (HTML)
      status.textContent = "The comparison could not be read: reload the page (you may need to sign in again).";
      return;
    }
    const c = answer.counts;
    status.textContent = c.appeared + " appeared, " + c.vanished + " vanished, " + c.grew + " grew, " + c.shrank +
      " shrank" + (c.unclear ? ", " + c.unclear + " unclear (small counts hidden)" : "") + ", " + c.unchanged + " unchanged.";
    legend.hidden = false;
    clear.hidden = false;
    links.hidden = false;
    document.getElementById("compare-page-link").href = panel.dataset.pageUrl + "?" + params;
    document.getElementById("compare-csv-link").href = panel.dataset.csvUrl + "?" + params;
    showTable();
    styleMap();
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  clear.addEventListener("click", () => {
    answer = null;
    styled = false;
    unstyle();
    result.replaceChildren();
    legend.hidden = true;
    clear.hidden = true;
    links.hidden = true;
    status.textContent = "";
  });
  shell.addEventListener("network:drawn", (event) => {
    if (cy !== event.detail.cy) { cy = event.detail.cy; addStyles(); }
    if (answer) styleMap();
  });
  if (window.taskforceLive) window.taskforceLive.on("network_changed", () => { if (answer && styled) run(); });
})();

// Partner map page: draws /network/graph.json with Cytoscape.js at the positions the server computed
// (preset layout: usable at 2,000 organizations), filters by sector and ego view, sizes nodes by a chosen
// figure, shows an organization's figures on click, saves a PNG, and redraws when a referral is logged
// (live `network_changed`). Text from the server is set with textContent only.
(function () {
  "use strict";
  const shell = document.getElementById("network-map-shell");
  if (!shell || typeof window.cytoscape !== "function") return;
  const status = document.getElementById("map-status");
  const summary = document.getElementById("map-summary");
  const panel = document.getElementById("map-node");
  const sectorSelect = document.getElementById("map-sector");
  const sizeSelect = document.getElementById("map-size");
  const egoSelect = document.getElementById("map-ego");
  const stepsInput = document.getElementById("map-steps");
  const wholeBox = document.getElementById("map-whole");
  const monthSlider = document.getElementById("map-month");
  const monthLabel = document.getElementById("map-month-label");
  const months = (monthSlider.dataset.months || "").split(",").filter(Boolean);
  const SECTOR_COLOURS = {
    law_enforcement: "#1f5fbf", prosecution: "#6b3fa0", healthcare: "#c0392b", victim_services_ngo: "#1e8449",
    social_services: "#d68910", government: "#566573", other: "#8e7b5b",
  };
  let cy = null;
  let names = {};
  let loading = null;
  let pending = false;

  function figure(value) {
    // "1–4" or "12–18" (suppressed) count as their middle; numbers as they are
    if (typeof value === "number") return value;
    if (typeof value === "string" && value.indexOf("–") > 0) {
      const parts = value.split("–").map(Number);
      return (parts[0] + parts[1]) / 2;
    }
    return 0;
  }

  function query() {
    const params = new URLSearchParams();
    ["start", "end", "category"].forEach((key) => { if (shell.dataset[key]) params.set(key, shell.dataset[key]); });
    if (!wholeBox.checked && months.length) {  // the time slider: one month's referral counts
      const month = months[Number(monthSlider.value)] || months[months.length - 1];
      params.set("start", month);
      params.set("end", month);
    }
    if (sectorSelect.value) params.set("sector", sectorSelect.value);
    if (egoSelect.value) { params.set("ego", egoSelect.value); params.set("steps", stepsInput.value || "1"); }
    return params.toString();
  }

  const element = window.taskforceElement;  // network_compare_table.js, loaded first

  function sizeNodes() {
    if (!cy) return;
    const key = sizeSelect.value || "in_volume";
    let max = 0;
    cy.nodes().forEach((n) => { max = Math.max(max, figure(n.data(key))); });
    cy.batch(() => cy.nodes().forEach((n) => n.data("size", 14 + (max ? 46 * figure(n.data(key)) / max : 0))));
  }

  function draw(graph) {
    names = {};
    graph.nodes.forEach((n) => { names[n.id] = n.name; });
    const placed = graph.nodes.length > 0 && graph.nodes.every((n) => typeof n.x === "number");
    const elements = graph.nodes.map((n) => ({
      group: "nodes", data: Object.assign({}, n, { id: String(n.id), colour: SECTOR_COLOURS[n.sector] || "#777" }),
      position: placed ? { x: n.x, y: n.y } : undefined,
    })).concat(graph.edges.map((e) => ({
      group: "edges",
      data: { id: e.source + "-" + e.target, source: String(e.source), target: String(e.target), volume: e.volume,
              width: Math.max(1, Math.min(10, 1 + Math.log2(1 + e.width))), partnered: e.partnerships.length ? 1 : 0 },
    })));
    const layout = placed ? { name: "preset", fit: true } : { name: graph.nodes.length > 300 ? "grid" : "circle" };
    if (!cy) {
      cy = window.cytoscape({
        container: document.getElementById("network-map"), elements: elements, layout: layout,
        minZoom: 0.05, maxZoom: 4, textureOnViewport: graph.nodes.length > 500, hideEdgesOnViewport: graph.nodes.length > 500,
        style: [
          { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)",
                                       label: graph.nodes.length > 300 ? "" : "data(name)", "font-size": 9,
                                       "text-wrap": "ellipsis", "text-max-width": 90, color: "#1d2330" } },
          { selector: "edge", style: { width: "data(width)", "line-color": "#9aa3b2", "target-arrow-color": "#9aa3b2",
                                       "target-arrow-shape": "triangle", "curve-style": graph.edges.length > 3000 ? "haystack" : "bezier",
                                       "line-style": "dashed", opacity: 0.8 } },
          { selector: "edge[partnered = 1]", style: { "line-style": "solid", "line-color": "#2e4053", "target-arrow-color": "#2e4053" } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#f1c40f" } },
        ],
      });
      cy.on("tap", "node", (event) => showOrganization(event.target.id()));
    } else {
      cy.batch(() => { cy.elements().remove(); cy.add(elements); });
      cy.layout(layout).run();
    }
    sizeNodes();
    shell.dataset.version = graph.version;
    shell.dataset.period = graph.view.start + "/" + graph.view.end;  // what the drawn map counts
    shell.dataset.nodes = String(graph.nodes.length);
    shell.dataset.edges = String(graph.edges.length);
    shell.dataset.volume = String(graph.edges.reduce((sum, e) => sum + figure(e.volume), 0));
    status.textContent = graph.nodes.length + " organizations, " + graph.edges.length + " referral links" +
      (graph.layout.status === "ready" ? "." : " (positions being computed " + graph.layout.percent + "%…)");
    showSummary(graph.figures);
    // network_compare.js styles the drawn edges by change between two periods, after every redraw
    shell.dispatchEvent(new CustomEvent("network:drawn", { detail: { cy: cy } }));
    if (graph.layout.status !== "ready" || graph.figures.status === "computing") window.setTimeout(load, 1500);
  }

  function list(title, ids, explanation) {
    const box = element("div");
    box.appendChild(element("h3", title));
    if (explanation) box.appendChild(element("p", explanation, "muted"));
    const items = element("ul");
    ids.forEach((id) => items.appendChild(element("li", names[id] || ("#" + id))));
    if (!ids.length) items.appendChild(element("li", "None", "muted"));
    box.appendChild(items);
    return box;
  }

  function showSummary(figures) {
    summary.replaceChildren();
    if (figures.status === "member") {
      summary.appendChild(element("p", "Click an organization for its partners and directory services.", "muted"));
      return;
    }
    if (figures.status !== "ready") {
      summary.appendChild(element("p", "Figures are being computed: " + (figures.percent || 0) + "% (" + (figures.step || "") + ")", "muted"));
      return;
    }
    summary.appendChild(element("p", "Density " + figures.density.toFixed(3) + " · reciprocity " + figures.reciprocity.toFixed(3) +
      " · " + figures.communities + " groups"));
    if (figures.betweenness_sources) {
      summary.appendChild(element("p", "Betweenness (and so the brokers) estimated from " + figures.betweenness_sources +
        " sampled organizations: the map is too large to count every route quickly.", "muted"));
    }
    summary.appendChild(list("Brokers", figures.brokers, "Connect partners who do not refer to each other."));
    summary.appendChild(list("If this partner left", figures.articulation_points, "Some organizations would be cut off."));
    summary.appendChild(list("Not connected", figures.isolates, "No referral either way."));
  }

  async function showOrganization(id) {
    const url = shell.dataset.organizationUrl.replace("/0.json", "/" + encodeURIComponent(id) + ".json") + "?" + query();
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) { panel.replaceChildren(element("p", "Figures unavailable (" + response.status + ").")); return; }
    const data = await response.json();
    panel.replaceChildren();
    panel.appendChild(element("h3", data.name));
    const facts = element("dl", null, "facts");
    Object.keys(data.figures).forEach((key) => {
      const value = data.figures[key];
      if (value === null || value === undefined) return;
      facts.appendChild(element("dt", key.replace(/_/g, " ")));
      facts.appendChild(element("dd", typeof value === "number" && !Number.isInteger(value) ? value.toFixed(3) : value));
    });
    panel.appendChild(facts);
    [["Refers to", data.partners_out], ["Referred by", data.partners_in]].forEach(([title, partners]) => {
      panel.appendChild(element("h4", title));
      const items = element("ul");
      partners.forEach((p) => items.appendChild(element("li", p.name + " (" + p.volume + ")")));
      if (!partners.length) items.appendChild(element("li", "Nobody in this period", "muted"));
      panel.appendChild(items);
    });
    panel.appendChild(element("h4", "Directory services"));
    const services = element("ul");
    data.services.forEach((s) => {
      const item = element("li");
      const link = element("a", s.name);
      link.href = "/directory/services/" + encodeURIComponent(s.id);
      item.appendChild(link);
      if (s.capacity) item.appendChild(element("span", " · " + s.capacity.available + " of " + s.capacity.total + " free", "muted"));
      services.appendChild(item);
    });
    if (!data.services.length) services.appendChild(element("li", "None listed", "muted"));
    panel.appendChild(services);
  }

  async function load() {
    if (loading) { pending = true; return; }
    loading = fetch(shell.dataset.graphUrl + "?" + query(), { headers: { Accept: "application/json" }, credentials: "same-origin" });
    try {
      const response = await loading;
      if (!response.ok) {
        let message = "The map could not be loaded (" + response.status + ").";
        try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
        status.textContent = message;
        return;
      }
      draw(await response.json());
    } catch (error) {
      status.textContent = "Connection lost; the map will refresh when it is back.";
    } finally {
      loading = null;
      if (pending) { pending = false; load(); }
    }
  }

  sectorSelect.addEventListener("change", load);
  egoSelect.addEventListener("change", load);
  stepsInput.addEventListener("change", () => { if (egoSelect.value) load(); });
  sizeSelect.addEventListener("change", sizeNodes);
  let sliding = null;
  function showPeriod() {
    monthLabel.textContent = wholeBox.checked ? months[0] + " to " + months[months.length - 1]
      : months[Number(monthSlider.value)] || "";
  }
  monthSlider.addEventListener("input", () => {
    wholeBox.checked = false;  // moving the slider means "this month"
    showPeriod();
    window.clearTimeout(sliding);
    sliding = window.setTimeout(load, 150);  // one request when the hand stops, not one per step
  });
  wholeBox.addEventListener("change", () => { showPeriod(); load(); });
  document.getElementById("map-png").addEventListener("click", () => {
    if (!cy) return;
    const link = document.createElement("a");
    link.href = cy.png({ full: true, bg: "#ffffff", scale: 2 });
    link.download = "partner-map.png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  if (window.taskforceLive) {
    window.taskforceLive.on("network_changed", () => load());
    window.taskforceLive.on("connect", () => { if (cy) load(); });
  }
  load();
})();

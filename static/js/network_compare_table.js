// Sortable tables for the two-period comparison (the server-rendered page and the map's "Compare periods"
// table): each header with data-sort becomes a button; pressing it (click, Enter or Space) sorts the rows
// and says the order in aria-sort. A cell's data-value sorts when present; "1–4" sorts as its middle.
// Also the one element-with-text maker the map's scripts (network.js, network_compare.js) build nodes with:
// text goes in as textContent, never as HTML. Loaded before them on every page of the partner map.
(function () {
  "use strict";

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function number(cell) {
    if (cell.dataset.value !== undefined) return Number(cell.dataset.value);
    const text = cell.textContent.trim().replace(/−/g, "-");
    const range = text.match(/^(-?\d+)\s*(?:–|to)\s*\+?(-?\d+)$/);
    if (range) return (Number(range[1]) + Number(range[2])) / 2;
    const value = parseFloat(text);
    return Number.isNaN(value) ? 0 : value;
  }

  function sortBy(table, header, index) {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    const kind = header.dataset.sort;
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = a.cells[index], y = b.cells[index];
      const order = kind === "text" ? x.textContent.trim().localeCompare(y.textContent.trim()) : number(x) - number(y);
      return ascending ? order : -order;
    });
    rows.forEach((row) => body.appendChild(row));
    table.querySelectorAll("th[data-sort]").forEach((th) => th.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function sortable(table) {
    if (!table || table.dataset.sortable === "yes") return;
    table.dataset.sortable = "yes";
    Array.from(table.tHead.rows[0].cells).forEach((header, index) => {
      if (!header.dataset.sort) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", () => sortBy(table, header, index));
    });
  }

  window.taskforceSortable = sortable;
  window.taskforceElement = element;
  document.querySelectorAll("table.sortable").forEach(sortable);
})();

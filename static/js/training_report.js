// Effectiveness report charts (vendored chart.js, static/vendor/). The figures come from the page's
// data-chart attribute (JSON); the tables on the page hold the same numbers for screen readers and print.
(function () {
  "use strict";
  const box = document.getElementById("report-charts");
  if (!box || typeof window.Chart !== "function") return;
  let data;
  try { data = JSON.parse(box.dataset.chart || "{}"); } catch (error) { return; }
  const sectors = document.getElementById("chart-sectors");
  if (sectors && data.sectors && data.sectors.length) {
    new window.Chart(sectors, {
      type: "bar",
      data: { labels: data.sectors.map((s) => s.label), datasets: [{ label: "Attended", data: data.sectors.map((s) => s.attended), backgroundColor: "#2f6fb3" }] },
      options: { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
  const topics = document.getElementById("chart-topics");
  if (topics && data.topics && data.topics.length) {
    new window.Chart(topics, {
      type: "bar",
      data: {
        labels: data.topics.map((t) => t.label),
        datasets: [
          { label: "Reaction (1–5)", data: data.topics.map((t) => t.reaction), backgroundColor: "#2f6fb3" },
          { label: "Confidence gain", data: data.topics.map((t) => t.confidence_gain), backgroundColor: "#2e8540" },
        ],
      },
      options: { responsive: true, indexAxis: "y", scales: { x: { beginAtZero: true, max: 5 } } },
    });
  }
})();

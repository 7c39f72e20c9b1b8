// Refreshes the monitoring figures every 30 s from the scoped JSON endpoint (no reload, no CDN).
(function () {
  "use strict";
  var root = document.getElementById("activity-dashboard");
  if (!root) { return; }
  function refresh() {
    fetch(root.getAttribute("data-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (figures) {
        if (!figures) { return; }
        root.querySelectorAll("[data-key]").forEach(function (cell) {
          cell.textContent = figures[cell.getAttribute("data-key")];
        });
        document.getElementById("dashboard-date").textContent = figures.date_label;
        // Server-rendered SVG from our own template: the same markup as the first page load.
        document.getElementById("dashboard-charts").innerHTML = figures.charts_html;
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  setInterval(refresh, 30000);
}());

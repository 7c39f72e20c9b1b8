// Refreshes the performance table every 30 s from its scoped JSON endpoint: the rows' markup comes from the
// same server template as on the first load, the "data as of" time says how fresh it is (no reload, no CDN).
(function () {
  "use strict";
  var table = document.getElementById("performance-table");
  if (!table) { return; }
  var seconds = parseInt(table.getAttribute("data-refresh"), 10) || 30;
  function refresh() {
    fetch(table.getAttribute("data-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.getElementById("performance-rows").innerHTML = data.rows_html;
        document.getElementById("performance-data-at").textContent = data.data_at;
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  setInterval(refresh, seconds * 1000);
}());

// Moves the progress bar of each running bulk document job; reloads the page when one finishes, so the
// download or resume button (rendered by the server) appears.
(function () {
  var INTERVAL_MS = 2000;
  function poll(row) {
    fetch(row.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (figures) {
        if (!figures) { return; }
        if (figures.status !== "running") { window.location.reload(); return; }
        var bar = row.querySelector(".progress-bar");
        bar.style.width = figures.percent + "%";
        bar.setAttribute("aria-valuenow", figures.percent);
        bar.textContent = figures.percent + " %";
        var done = row.querySelector('[data-figure="done"]');
        if (done) { done.textContent = figures.done; }
        setTimeout(function () { poll(row); }, INTERVAL_MS);
      });
  }
  document.querySelectorAll('.sikinerja-document-job[data-status="running"]').forEach(function (row) {
    setTimeout(function () { poll(row); }, INTERVAL_MS);
  });
})();

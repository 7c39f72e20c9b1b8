// Polls the import job every second and moves the bar; the job writes its progress to the server.
// A failed job (nothing was written, the upload is kept) shows the form that saves it again.
(function () {
  var script = document.getElementById("import-progress-script");
  var bar = document.getElementById("import-bar");
  var message = document.getElementById("import-message");
  var retry = document.getElementById("import-retry");
  function poll() {
    fetch(script.dataset.url, {credentials: "same-origin"}).then(function (response) {
      return response.json();
    }).then(function (job) {
      var share = job.total ? Math.round(100 * job.done / job.total) : 0;
      if (job.state === "done") { share = 100; }
      bar.style.width = share + "%";
      bar.setAttribute("aria-valuenow", share);
      bar.textContent = share + " %";
      if (job.state === "running") { setTimeout(poll, 1000); return; }
      bar.classList.remove("active", "progress-bar-striped");
      bar.classList.add(job.state === "done" ? "progress-bar-success" : "progress-bar-danger");
      message.textContent = job.message;
      retry.hidden = job.state !== "failed";
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

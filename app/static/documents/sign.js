// The Sign form of a document page: rendering and signing take a moment, so once the form is sent the
// button is disabled (no second signature from a double click) and says that signing is under way.
(function () {
  document.querySelectorAll("form.sikinerja-sign-form").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    if (!button) { return; }
    var idle = button.innerHTML;
    form.addEventListener("submit", function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      var spinner = document.createElement("i");
      spinner.className = "fa fa-spinner fa-spin";
      spinner.setAttribute("aria-hidden", "true");
      button.textContent = " " + button.dataset.busyText;
      button.insertBefore(spinner, button.firstChild);
    });
    // Back to this page from the browser's history: the form can be used again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.innerHTML = idle;
      }
    });
  });
})();

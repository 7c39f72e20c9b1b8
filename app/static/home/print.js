// The "Print / PDF" button of the home page: the browser's print dialog also saves as PDF.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

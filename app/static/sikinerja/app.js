// Behaviour of every signed-in page, bound from data attributes: the CSP refuses inline handlers
// (onclick=, onchange=), so a page marks its controls and this file, loaded with the nonce, wires them.
(function () {
  "use strict";

  // <input type="checkbox" data-select-all="ids">: ticks or clears every box named "ids" of its form.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    master.addEventListener("change", function () {
      var scope = master.form || document;
      scope.querySelectorAll('input[type=checkbox][name="' + master.dataset.selectAll + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });

  // <select data-navigate>: each option's value is an address; choosing one opens it (the form's submit
  // button does the same without JavaScript).
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () { window.location.assign(select.value); });
  });
})();

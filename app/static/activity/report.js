// Prefills the output unit from the chosen RHK's quantity indicator, so a report takes seconds.
(function () {
  "use strict";
  var select = document.getElementById("work_result");
  var unit = document.getElementById("output_unit");
  if (!select || !unit) { return; }
  function prefill() {
    var option = select.options[select.selectedIndex];
    var suggested = option && option.getAttribute("data-unit");
    if (suggested && !unit.dataset.touched) { unit.value = suggested; }
  }
  unit.addEventListener("input", function () { unit.dataset.touched = "1"; });
  select.addEventListener("change", prefill);
  if (!unit.value) { prefill(); }
}());

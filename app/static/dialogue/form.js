// "Add a topic" / "Add an action" on the dialogue form: copies the fieldset's last row with empty values and
// the next number in the field names (topic_text_4, action_due_4 ...), which the view reads in order.
(function () {
  "use strict";
  function addRow(fieldset) {
    var rows = fieldset.querySelectorAll(".row");
    var last = rows[rows.length - 1];
    if (!last) { return; }
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input, select, textarea").forEach(function (field) {
      field.name = field.name.replace(/_(\d+)$/, function (_match, number) { return "_" + (Number(number) + 1); });
      if (field.tagName === "SELECT") { field.selectedIndex = 0; } else { field.value = ""; }
    });
    fieldset.appendChild(copy);
  }
  document.querySelectorAll(".sikinerja-add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var fieldset = document.getElementById(button.getAttribute("data-target"));
      if (fieldset) { addRow(fieldset); }
    });
  });
}());

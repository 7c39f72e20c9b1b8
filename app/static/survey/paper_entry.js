// Fast keyboard entry of a paper questionnaire: after an answer (1-4, 0 or "-") the cursor moves to the next
// element, so a form is typed as nine keystrokes; Enter on the last answer saves the form.
(function () {
  var answers = Array.prototype.slice.call(document.querySelectorAll("#paper-entry .paper-answer"));
  answers.forEach(function (field, index) {
    field.addEventListener("input", function () {
      if (/^[0-4-]$/.test(field.value) && index + 1 < answers.length) {
        answers[index + 1].focus();
        answers[index + 1].select();
      }
    });
  });
  // After a save the number and date of the next form are filled in: start at its first answer.
  var error = document.querySelector("#paper-entry .has-error input, #paper-entry .has-error select");
  var start = error || (document.getElementById("saved") ? answers[0] : document.getElementById("number"));
  if (start) { start.focus(); }
})();

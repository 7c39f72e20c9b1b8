// The value of a policy setting as the chosen policy needs it: a list of its choices, or a number with its
// bounds as a hint. Without this script the field is a text box that takes a choice's code or label.
(function () {
  "use strict";
  var input = document.querySelector("input[data-policy-values]");
  var key = document.getElementById("key");
  if (!input || !key) {
    return;
  }
  var policies = JSON.parse(input.getAttribute("data-policy-values"));
  // The help below the field lists every policy's values for a browser without script; here, the chosen one's.
  var help = input.parentNode.querySelector(".help-block");
  var choices = document.createElement("select");
  choices.className = "form-control";
  choices.id = "value-choice";
  choices.setAttribute("aria-label", input.getAttribute("aria-label") || "");
  input.parentNode.insertBefore(choices, input);

  function show() {
    var policy = policies[key.value] || {};
    var asList = Boolean(policy.choices && policy.choices.length);
    if (help) {
      help.textContent = policy.hint || "";
    }
    choices.textContent = "";
    (policy.choices || []).forEach(function (choice) {
      var option = document.createElement("option");
      option.value = choice[0];
      option.textContent = choice[1];
      option.selected = choice[0] === input.value;
      choices.appendChild(option);
    });
    choices.style.display = asList ? "" : "none";
    input.style.display = asList ? "none" : "";
    // Only one of the two is sent as "value".
    input.disabled = asList;
    if (asList) {
      choices.name = "value";
    } else {
      choices.removeAttribute("name");
      input.placeholder = policy.hint || "";
    }
  }

  key.addEventListener("change", show);
  if (window.jQuery) {  // select2 announces a new choice through jQuery only
    window.jQuery(key).on("change", show);
  }
  show();
}());

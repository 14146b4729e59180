// The profile page: after a refused save, the error summary takes focus so a screen reader
// reads it and the keyboard starts from its links; "Border states" ticks CA, AZ, NM and TX.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
  var states = document.querySelectorAll("input[name=target_states]");
  if (!states.length) {
    return;
  }
  var first = states[0].closest("fieldset, .mb-3") || states[0].parentElement;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-secondary btn-sm mb-2";
  button.textContent = button.dataset.label = "Tick the border states (CA, AZ, NM, TX)";
  button.addEventListener("click", function () {
    states.forEach(function (box) {
      if (["CA", "AZ", "NM", "TX"].indexOf(box.value) !== -1) {
        box.checked = true;
      }
    });
  });
  first.parentElement.insertBefore(button, first);
})();

// One-click status change on the list page. Without this script each row's status form has a
// Save button; with it, choosing a status with the mouse or touch saves at once, and the page
// comes back at the same row. Keyboard users keep the Save button: arrow keys fire "change" on
// every step in some browsers, and saving on each step would move the page under them.
(function () {
  "use strict";
  document.querySelectorAll("form[data-status-form]").forEach(function (form) {
    var select = form.querySelector("select");
    var button = form.querySelector("button[type=submit]");
    if (!select || !button || !form.requestSubmit) {
      return;
    }
    var byKeyboard = false;
    button.hidden = true;
    select.addEventListener("keydown", function () {
      byKeyboard = true;
      button.hidden = false;
    });
    select.addEventListener("pointerdown", function () {
      byKeyboard = false;
    });
    select.addEventListener("change", function () {
      if (!byKeyboard) {
        form.requestSubmit();
      }
    });
  });
})();

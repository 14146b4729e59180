// The status of a program on the list page. Each row shows its status as a link (to the
// program's tracking form, for a browser without this script); a tap puts the page's one status
// menu (the <template id="status-form">) in its place, with the row's status chosen, and opens
// it. One menu per page, not one per row: the list's rows are what a phone parses first.
// Choosing a status with the mouse or touch saves at once, and the page comes back at the same
// row. Keyboard users get the Save button: arrow keys fire "change" on every step in some
// browsers, and saving on each step would move the page under them.
(function () {
  "use strict";
  var template = document.getElementById("status-form");
  if (!template || !template.content) {
    return;
  }

  function withName(node, name) {
    node.textContent = node.textContent.replace("{program}", name);
  }

  function menuFor(link) {
    var form = template.content.firstElementChild.cloneNode(true);
    var select = form.querySelector("select");
    var label = form.querySelector("label");
    var button = form.querySelector("button[type=submit]");
    var id = "status-" + link.dataset.entry;
    form.action = link.dataset.statusEdit;
    select.id = id;
    select.value = link.dataset.status;
    label.htmlFor = id;
    withName(label, link.dataset.name);
    withName(button.querySelector(".visually-hidden"), link.dataset.name);
    if (form.requestSubmit) {
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
    }
    return form;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-status-edit]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    var form = menuFor(link);
    link.replaceWith(form);
    var select = form.querySelector("select");
    select.focus();
    // Opened by a tap (not by Enter on the keyboard), the menu shows its choices at once.
    if (event.detail > 0 && select.showPicker) {
      try {
        select.showPicker();
      } catch (error) {
        // Not every browser opens a menu from script; the menu stays focused.
      }
    }
  });
})();

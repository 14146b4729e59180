// The list's tiers, its "Before you apply" panel and the candidates come folded, one line each:
// on a phone the counts, the cost and the actions fit the first screens, and the browser lays
// out only what is opened. On a wider screen they open at once. A link to one row (#entry-12, as
// after a status change) opens the part that holds it.
(function () {
  "use strict";
  var wide = !window.matchMedia || window.matchMedia("(min-width: 576px)").matches;
  if (wide) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
      details.open = true;
    });
  }
  function openTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
    if (target) {
      target.scrollIntoView();
    }
  }
  openTarget();
  window.addEventListener("hashchange", openTarget);
})();

// A row's "Change" link (a link to the program's page without this script) opens the row's
// forms under it, copied from the page's one <template id="entry-change-forms">: remove and pin
// for a program on the list, put back for one removed. A second tap folds them again.
(function () {
  "use strict";
  var template = document.getElementById("entry-change-forms");
  if (!template || !template.content) {
    return;
  }

  function formsFor(link) {
    var data = link.dataset;
    var box = template.content.firstElementChild.cloneNode(true);
    box.querySelectorAll("form").forEach(function (form) {
      var kind = form.dataset.form;
      if ((data.entryChange === "restore") !== (kind === "restore")) {
        form.remove();
        return;
      }
      if (kind === "restore") {
        form.elements.acgme_id.value = data.acgme;
      } else {
        form.action = kind === "remove" ? data.remove : data.pin;
      }
      if (kind === "pin") {
        var pinned = data.entryChange === "pinned";
        form.elements.pinned.value = pinned ? "0" : "1";
        form.querySelector("button[type=submit]").textContent =
          pinned ? template.dataset.unpinText : template.dataset.pinText;
      }
    });
    box.querySelectorAll("label").forEach(function (label) {
      var field = box.querySelector("#" + label.htmlFor);
      var id = label.htmlFor + "-" + data.entry;
      label.textContent = label.textContent.replace("{name}", data.name);
      label.htmlFor = id;
      field.id = id;
    });
    return box;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-entry-change]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    var box = link.nextElementSibling;
    if (!box || !box.classList.contains("entry-change")) {
      box = formsFor(link);
      link.after(box);
    } else {
      box.hidden = !box.hidden;
    }
    link.setAttribute("aria-expanded", String(!box.hidden));
    if (!box.hidden) {
      box.querySelector("input:not([type=hidden]), button").focus();
    }
  });
})();

// The what-if panel (tiering/_what_if_link.html) links to the four scenarios' own page; opened,
// it is replaced by the scenarios themselves, fetched then: a list page does not score them
// for a reader who never looks. Without this script the link opens their page.
(function () {
  "use strict";
  document.querySelectorAll("details[data-what-if]").forEach(function (panel) {
    panel.addEventListener("toggle", function load() {
      if (!panel.open) {
        return;
      }
      panel.removeEventListener("toggle", load);
      fetch(panel.dataset.whatIf, {credentials: "same-origin"})
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          var box = document.createElement("div");
          box.innerHTML = html;
          var section = box.querySelector("section");
          if (section) {
            panel.replaceWith(section);
          }
        })
        .catch(function () {});  // the link to the page stays
    });
  });
})();

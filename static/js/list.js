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

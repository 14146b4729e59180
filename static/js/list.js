// On a phone the list opens folded: each tier, the removed programs and the candidates are one
// line each until opened, so the counts, the cost and the actions fit the first screens.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 575.98px)").matches) {
    return;
  }
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
    details.open = false;
  });
})();

// The map of the list (strategy/_map.html) has its own page; the strategy page holds a link to
// it, replaced by the map itself when the reader comes near it. Its two SVG maps are thousands
// of elements a phone would otherwise parse and lay out before the page answers, for a part
// most readers reach last. Without this script the link opens the map's page.
(function () {
  "use strict";
  var slot = document.querySelector("[data-map]");
  if (!slot) {
    return;
  }
  var started = false;

  function load() {
    if (started) {
      return;
    }
    started = true;
    slot.setAttribute("aria-busy", "true");
    fetch(slot.dataset.map, {credentials: "same-origin"})
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        slot.innerHTML = html;
      })
      .catch(function () {})  // the link to the map's page stays
      .then(function () {
        slot.removeAttribute("aria-busy");
      });
  }

  if (!("IntersectionObserver" in window)) {
    load();
    return;
  }
  // A screen ahead, so that the map is there by the time it scrolls into view.
  var observer = new IntersectionObserver(function (seen) {
    if (seen.some(function (item) { return item.isIntersecting; })) {
      observer.disconnect();
      load();
    }
  }, {rootMargin: "100% 0px"});
  observer.observe(slot);
})();

// Live availability on an event page: the counts are looked up every 5 s while the page is visible.
(function () {
  "use strict";
  var table = document.querySelector("[data-availability]");
  if (!table) { return; }
  var url = table.getAttribute("data-availability");
  setInterval(function () {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        Object.keys(counts).forEach(function (type) {
          var cell = table.querySelector('[data-type="' + type + '"]');
          if (cell) { cell.textContent = counts[type] === 0 ? "Sold out" : String(counts[type]); }
        });
      })
      .catch(function () { /* next time */ });
  }, 5000);
})();

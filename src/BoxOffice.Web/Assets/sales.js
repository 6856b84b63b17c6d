// The organizer's live sales view: the figures and the chart are fetched (as HTML drawn on the
// server) every 2 s while the page is visible, and swapped in place.
(function () {
  "use strict";
  var section = document.getElementById("sales");
  if (!section) { return; }
  var url = section.getAttribute("data-refresh");
  var busy = false;
  setInterval(function () {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { busy = false; if (html !== null) { section.innerHTML = html; } })
      .catch(function () { busy = false; });
  }, 2000);
})();

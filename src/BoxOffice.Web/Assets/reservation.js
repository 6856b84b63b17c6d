// Live reservation status: listens to the user's notifications (same-origin SSE proxied by the web
// app, which attaches the token server-side) and re-renders the status block when one is about this
// reservation. A hold countdown ticks while Pending. No framework, no build step.
(function () {
  "use strict";
  var section = document.getElementById("reservation");
  if (!section) { return; }
  var id = section.getAttribute("data-reservation");
  var url = section.getAttribute("data-status-url");
  var refreshing = false;

  function state() {
    var block = section.querySelector("[data-state]");
    return block ? block.getAttribute("data-state") : "";
  }

  function isFinal() {
    var s = state();
    return s !== "" && s.indexOf("Pending|") !== 0;
  }

  // Fetch the fragment; when the change that was announced is not visible yet (another service may
  // apply the same event a moment later), look again a few times.
  function refresh(retries) {
    if (refreshing) { return; }
    refreshing = true;
    var before = state();
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        refreshing = false;
        if (html === null) { return; }
        if (html.indexOf('data-state="' + before + '"') >= 0) {
          if (retries > 0) { setTimeout(function () { refresh(retries - 1); }, 400); }
          return;
        }
        section.innerHTML = html;
        tick();
        if (isFinal()) {
          var cancel = document.querySelector("form.inline");
          if (cancel) { cancel.remove(); }
          if (source) { source.close(); }
        }
      })
      .catch(function () { refreshing = false; });
  }

  var source = null;
  if (!isFinal() && window.EventSource) {
    source = new EventSource("/live/notifications");
    // Anything that happened before the stream opened is caught by one look when it opens.
    source.addEventListener("open", function () { refresh(0); });
    source.addEventListener("notification", function (message) {
      try {
        var entry = JSON.parse(message.data);
        if (entry.reservationId === id) { refresh(10); }
      } catch (e) { /* not ours */ }
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) { source = null; }
    });
  }

  // The countdown, and one look when the hold runs out (an expiry is not a notification).
  var expiredLookDone = false;
  function tick() {
    var counter = section.querySelector("[data-countdown]");
    if (!counter) { return; }
    var left = Math.max(0, Math.round((Number(counter.getAttribute("data-countdown")) - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    counter.textContent = (minutes > 0 ? minutes + " min " : "") + seconds + " s";
    if (left === 0 && !expiredLookDone) { expiredLookDone = true; setTimeout(function () { refresh(10); }, 1500); }
  }
  tick();
  setInterval(tick, 1000);
  // A slow safety net when the live stream is unavailable (too many streams, a proxy that buffers).
  setInterval(function () { if (!isFinal() && source === null) { refresh(0); } }, 15000);
})();

"use strict";
// parley serve: reloads a dashboard once a new build has rewritten it. It
// asks the server, every few seconds, for the version of the page's file
// (its modification time) and reloads when it is no longer the one shown.
// The server adds it to the pages it serves, allowed by its hash.
(function () {
  var block = document.getElementById("parley-refresh");
  if (!block) { return; }
  var d = JSON.parse(block.textContent);
  window.setInterval(function () {
    fetch(d.url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (v) {
      if (v !== null && v.trim() !== d.version) { window.location.reload(); }
    }).catch(function () { /* the server is restarting: ask again later */ });
  }, d.every_ms);
})();

"use strict";
// Parley QA review form. On a transcript page it keeps the reviewer's
// ratings as a draft in this browser's localStorage, one per run,
// conversation and reviewer; on the packet's index it shows which
// conversations are reviewed and writes every complete review as one JSON
// line of a "Download scores" file for `parley qa import` (docs/qa.md).
// It is the page's own script, allowed by its hash in the page's CSP; it
// sends nothing anywhere, except where `parley serve` serves the page: the
// server adds a "qa-server" data block (where to post, the form's CSRF
// token, the signed-in reviewer), and the transcript page then also
// submits the complete review to the server as an ordinary form post.
(function () {
  var block = document.getElementById("qa-data");
  if (!block) { return; }
  var data = JSON.parse(block.textContent);
  var serverBlock = document.getElementById("qa-server");
  var server = serverBlock ? JSON.parse(serverBlock.textContent) : null;
  var PREFIX = "parley-qa/v1/";
  var REVIEWER = PREFIX + "reviewer";
  var DRAFTS = PREFIX + "draft/" + data.run + "/";

  var store = null;
  try {
    store = window.localStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (e) {
    store = null;
  }
  function get(key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }
  function put(key, value) { store.setItem(key, JSON.stringify(value)); }

  function newID() {
    var b = new Uint8Array(8);
    window.crypto.getRandomValues(b);
    return "rv-" + Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  }

  // complete: every category rated or marked N/A, and a reviewer named.
  function complete(r) {
    return !!r && !!r.reviewer_id && r.ratings.every(function (rt) { return rt.na || rt.rating !== null; });
  }

  // score is the review score of docs/qa.md: the weighted mean of the
  // ratings scaled to 0-1, N/A left out, times 100; 0 if a critical
  // category got the lowest rating of its scale.
  function score(r, cats) {
    var num = 0, den = 0, failed = false;
    r.ratings.forEach(function (rt, i) {
      var c = cats[i];
      if (rt.na || rt.rating === null) { return; }
      num += c.weight * (rt.rating - c.min) / (c.max - c.min);
      den += c.weight;
      failed = failed || (c.critical && rt.rating === c.min);
    });
    if (failed) { return 0; }
    return den > 0 ? 100 * num / den : null;
  }

  function transcript() {
    var sc = data.scorecard;
    var who = document.getElementById("qa-reviewer");
    var fields = Array.prototype.slice.call(document.querySelectorAll("fieldset.qa-cat"));
    var overall = document.getElementById("qa-overall");
    var status = document.getElementById("qa-status");
    if (!store) {
      status.textContent = "This browser keeps no data for pages opened from disk, so drafts cannot be saved here; " +
        "use scores-template.csv in the packet folder instead.";
      return;
    }
    var draft = null;
    who.value = get(REVIEWER) || data.reviewer || "";
    if (server) {
      // Served: the reviewer is whoever signed in, and the server checks it.
      who.value = server.reviewer;
      who.readOnly = true;
    }
    function key() { return DRAFTS + data.n + "/" + who.value.trim(); }

    function show(r) {
      fields.forEach(function (fs, i) {
        var rt = r ? r.ratings[i] : null;
        var want = !rt ? "" : rt.na ? "na" : rt.rating === null ? "" : String(rt.rating);
        fs.querySelectorAll("input[type=radio]").forEach(function (input) { input.checked = input.value === want; });
        fs.querySelector("textarea").value = rt ? rt.comment : "";
      });
      overall.value = r ? r.comment : "";
    }
    function collect() {
      var ratings = fields.map(function (fs, i) {
        var picked = fs.querySelector("input[type=radio]:checked");
        var v = picked ? picked.value : "";
        return {
          category: sc.categories[i].name,
          rating: v === "" || v === "na" ? null : parseInt(v, 10),
          na: v === "na",
          comment: fs.querySelector("textarea").value
        };
      });
      return {
        review_id: draft ? draft.review_id : newID(),
        run: data.run,
        conversation_id: data.conversation_id,
        agent_id: data.agent_id,
        reviewer_id: who.value.trim(),
        calibration: data.calibration,
        scorecard: sc.name,
        scorecard_version: sc.version,
        reviewed_at: new Date().toISOString(),
        ratings: ratings,
        comment: overall.value
      };
    }
    function touched() {
      return overall.value !== "" || fields.some(function (fs) {
        return fs.querySelector("input[type=radio]:checked") || fs.querySelector("textarea").value !== "";
      });
    }
    function report() {
      if (!who.value.trim()) {
        status.textContent = "Enter your reviewer id: drafts are kept per reviewer.";
        return;
      }
      if (!draft) {
        status.textContent = "No draft yet.";
        return;
      }
      var rated = draft.ratings.filter(function (rt) { return rt.na || rt.rating !== null; }).length;
      var text = "Draft saved " + draft.reviewed_at.replace("T", " ").slice(0, 16) + " UTC · " +
        rated + " of " + draft.ratings.length + " categories rated";
      if (complete(draft)) {
        var s = score(draft, sc.categories);
        text += " · complete · score " + (s === null ? "none (all N/A)" : s.toFixed(1));
      }
      status.textContent = text;
    }
    function save() {
      if (!who.value.trim()) { report(); return; }
      draft = collect();
      put(key(), draft);
      report();
    }
    function switchReviewer() {
      var id = who.value.trim();
      if (id) { put(REVIEWER, id); }
      draft = id ? get(key()) : null;
      if (draft) {
        show(draft);
      } else if (id && touched()) {
        save(); // ratings made before the reviewer id was entered are kept
        return;
      }
      report();
    }
    who.addEventListener("change", switchReviewer);
    fields.forEach(function (fs) {
      fs.addEventListener("change", save);
      fs.querySelector("textarea").addEventListener("input", save);
    });
    overall.addEventListener("input", save);
    draft = who.value.trim() ? get(key()) : null;
    show(draft);
    report();
    if (server) { submitButton(); }

    // submitButton adds "Submit review", which posts the complete draft to
    // the server as a form (the server stores it as parley qa import does).
    function submitButton() {
      var button = document.createElement("button");
      button.type = "button";
      button.id = "qa-submit";
      button.textContent = "Submit review";
      status.parentNode.insertBefore(button, status);
      button.addEventListener("click", function () {
        if (!complete(draft)) {
          status.textContent = "Rate every category (or mark it N/A) before submitting.";
          return;
        }
        var form = document.createElement("form");
        form.method = "post";
        form.action = server.submit;
        [["csrf", server.csrf], ["review", JSON.stringify(draft)], ["page", window.location.pathname]].forEach(function (kv) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = kv[0];
          input.value = kv[1];
          form.appendChild(input);
        });
        document.body.appendChild(form);
        form.submit();
      });
    }
  }

  function index() {
    var button = document.getElementById("qa-download");
    var progress = document.getElementById("qa-progress");
    if (!store) {
      progress.textContent = "This browser keeps no data for pages opened from disk: no drafts to download. " +
        "Use scores-template.csv in the packet folder instead.";
      button.disabled = true;
      return;
    }
    function drafts() {
      var out = [];
      for (var i = 0; i < store.length; i++) {
        var k = store.key(i);
        if (k.indexOf(DRAFTS) !== 0) { continue; }
        var r = get(k);
        if (r && r.ratings) { out.push({ n: parseInt(k.slice(DRAFTS.length), 10), key: k, review: r }); }
      }
      out.sort(function (a, b) { return a.n - b.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0); });
      return out;
    }
    function refresh() {
      var all = drafts(), done = 0, byRow = {};
      all.forEach(function (d) {
        var state = byRow[d.n] || (byRow[d.n] = { complete: [], draft: [] });
        if (complete(d.review)) { done++; state.complete.push(d.review.reviewer_id); } else { state.draft.push(d.review.reviewer_id || "?"); }
      });
      data.rows.forEach(function (row) {
        var link = document.querySelector('table.data a[href="' + row.page + '"]');
        if (!link) { return; }
        var cells = link.closest("tr").cells;
        var state = byRow[row.n], parts = [];
        if (state && state.complete.length) { parts.push("reviewed by " + state.complete.join(", ")); }
        if (state && state.draft.length) { parts.push("draft by " + state.draft.join(", ")); }
        cells[cells.length - 1].textContent = parts.join("; ");
      });
      progress.textContent = done + " complete reviews in this browser, " + (all.length - done) + " drafts not complete.";
      button.disabled = done === 0;
    }
    button.addEventListener("click", function () {
      var lines = drafts().filter(function (d) { return complete(d.review); }).map(function (d) { return JSON.stringify(d.review) + "\n"; });
      var url = URL.createObjectURL(new Blob(lines, { type: "application/x-ndjson" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = "scores-" + data.run + ".jsonl";
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    });
    window.addEventListener("storage", refresh);
    window.addEventListener("focus", refresh);
    refresh();
  }

  if (data.page === "transcript") { transcript(); }
  if (data.page === "index") { index(); }
})();

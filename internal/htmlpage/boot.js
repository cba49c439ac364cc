"use strict";
// Parley page boot: draws every chart from its JSON data block and makes
// sortable tables sortable. It is one of the two scripts the page's CSP allows.
(function () {
  var charts = [];
  document.querySelectorAll("script.chart-option").forEach(function (block) {
    var el = block.previousElementSibling;
    var option = JSON.parse(block.textContent);
    // Static reports: draw the final picture at once (also what printing and tests see).
    option.animation = false;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  });
  if (charts.length) {
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.classList.contains("num");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[col];
          var v = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
          if (!numeric) { return v.toLowerCase(); }
          var n = parseFloat(v);
          return isNaN(n) ? null : n;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          // Blank values (no data) sort last whatever the direction.
          if (x === null || x === "") { return (y === null || y === "") ? 0 : 1; }
          if (y === null || y === "") { return -1; }
          var c = x < y ? -1 : x > y ? 1 : 0;
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();

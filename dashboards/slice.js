"use strict";
// Parley report: every chart, table and tile of the CX pages, computed in the browser from the
// per-conversation figures the report carries (sql/dashboards/report_*.sql), for whatever slice the
// reader picks. Each figure is the twin of one query in sql/dashboards/ and gives the same rows, to
// the digit, as `parley sql -f sql/dashboards/<query>.sql` with the same period and slice
// (docs/dashboards.md, "Slicing"; checked in headless Chromium by dashboards/slice_test.go).
// Customer-supplied text reaches the page only through textContent and ECharts' own escaping:
// no markup is ever built from strings.
(function () {
  // The figures travel gzipped, in base64 (a third of their JSON's size); the browser inflates
  // them itself (DecompressionStream), reading nothing from anywhere.
  var block = document.getElementById("parley-data");
  if (typeof DecompressionStream === "undefined") {
    fail(new Error("this browser cannot inflate the report's data (it lacks DecompressionStream): open it in a current Chrome, Edge, Firefox or Safari"));
    return;
  }
  var bin = atob(JSON.parse(block.textContent)), bytes = new Uint8Array(bin.length);
  for (var b = 0; b < bin.length; b++) { bytes[b] = bin.charCodeAt(b); }
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
    .then(function (text) { main(JSON.parse(text)); })
    .catch(fail);
  function fail(err) {
    var n = document.getElementById("slice-notice");
    n.hidden = false;
    n.textContent = "The report could not be drawn: " + err.message;
    console.error(err);
  }

function main(data) {
  var C = decode(data.conversations);
  var E = decode(data.escalations);
  // The automatic checks in effect, in the order of the letters of C.auto_qa (report_auto_checks.sql).
  var A = decode(data.auto_checks), autoChecks = [];
  for (var ai = 0; ai < A.n; ai++) { autoChecks.push({ check: A.check[ai], type: A.type[ai], category: A.category[ai] }); }
  var per = data.period;
  var caps = data.caps;
  var MS_DAY = 86400000;
  // MIN_N: below it in either period, a change is not shown (docs/dashboards.md, "Sound
  // statistics"); below it, the share who wrote again reads "not known yet" (retention.sql).
  var MIN_N = 30;
  var prevFromMs = Date.parse(per.prev_from + "T00:00:00Z");

  // ---------------------------------------------------------------- data
  function decode(t) {
    if (t.n === 0) {
      // No rows, so no columns either: every column is empty.
      return new Proxy({ n: 0 }, { get: function (o, k) { return k in o ? o[k] : []; } });
    }
    var out = { n: t.n };
    Object.keys(t.cols).forEach(function (name) {
      var c = t.cols[name];
      if (Array.isArray(c)) { out[name] = c; return; }
      if (c.dict) { out[name] = c.codes.map(function (k) { return k < 0 ? null : c.dict[k]; }); return; }
      c.names.forEach(function (nm, b) { out[nm] = c.bits.map(function (v) { return ((v >>> b) & 1) === 1; }); });
    });
    return out;
  }
  // term postings: per term, the sorted conversation numbers, delta-encoded.
  var terms = data.terms.names.map(function (name, k) {
    var list = [], at = 0;
    data.terms.postings[k].forEach(function (d) { at += d; list.push(at); });
    return { term: name, convs: list };
  });
  // escalations by conversation
  var escOf = [];
  for (var ei = 0; ei < E.n; ei++) { (escOf[E.conv[ei]] = escOf[E.conv[ei]] || []).push(ei); }

  function dayISO(d) { return new Date(prevFromMs + d * MS_DAY).toISOString().slice(0, 10); }
  // A period as the queries see it: the day numbers (since the previous period's first day) it spans.
  var periods = {
    current: { name: "current", first: per.start, days: per.days, from: per.from, to: per.to },
    previous: { name: "previous", first: 0, days: per.days, from: per.prev_from, to: per.prev_to }
  };

  // ---------------------------------------------------------------- arithmetic as DuckDB does it
  // round(x, d): std::round(x * 10^d) / 10^d, half away from zero.
  function roundHalfAway(v) {
    var a = Math.abs(v), f = Math.floor(a);
    var r = a - f >= 0.5 ? f + 1 : f;
    return v < 0 ? -r : r;
  }
  function rnd(x, d) {
    if (x === null || x === undefined || isNaN(x)) { return null; }
    if (!d) { return roundHalfAway(x); }
    var m = Math.pow(10, d);
    var r = roundHalfAway(x * m) / m;
    return isFinite(r) ? r : x;
  }
  // quantile_cont: linear interpolation at (n - 1) q between the neighbours: lo + (hi - lo) d.
  function quantile(vals, q) {
    if (!vals.length) { return null; }
    var s = vals.slice().sort(function (a, b) { return a - b; });
    var rn = (s.length - 1) * q, lo = Math.floor(rn), hi = Math.ceil(rn);
    if (lo === hi) { return s[lo]; }
    return s[lo] + (s[hi] - s[lo]) * (rn - lo);
  }
  function median(vals) { return quantile(vals, 0.5); }
  // over(x, d): x / d, NULL when x is (JavaScript's null / d would be 0).
  function over(x, d) { return x === null ? null : x / d; }
  function avg(vals) {
    if (!vals.length) { return null; }
    var s = 0;
    vals.forEach(function (v) { s += v; });
    return s / vals.length;
  }
  // sum_seconds and sum_micro: terms rounded to millionths and added as integers.
  function sumMicro(vals) {
    if (!vals.length) { return null; }
    var s = 0;
    vals.forEach(function (v) { s += roundHalfAway(v * 1e6); });
    return s / 1e6;
  }
  // mean_nano over values already in billionths
  function meanNano(nanos) {
    if (!nanos.length) { return null; }
    var s = 0;
    nanos.forEach(function (v) { s += v; });
    return s / nanos.length / 1e9;
  }
  // pct(a, b): round(100 * a / nullif(b, 0), 1)
  function pct(a, b) { return b ? rnd(100 * a / b, 1) : null; }
  // VARCHAR order: byte order of UTF-8, which is code point order.
  function cmpStr(a, b) {
    if (a === b) { return 0; }
    var i = 0;
    for (;;) {
      if (i >= a.length) { return i >= b.length ? 0 : -1; }
      if (i >= b.length) { return 1; }
      var x = a.codePointAt(i), y = b.codePointAt(i);
      if (x !== y) { return x < y ? -1 : 1; }
      i += x > 0xffff ? 2 : 1;
    }
  }
  function order() {
    var keys = arguments;
    return function (a, b) {
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k], desc = key.charAt(0) === "-", name = desc ? key.slice(1) : key;
        var x = a[name], y = b[name], c;
        if (x === y) { continue; }
        if (x === null) { return 1; } // NULLS LAST either way, as DuckDB sorts by default
        if (y === null) { return -1; }
        c = typeof x === "string" ? cmpStr(x, y) : (x < y ? -1 : 1);
        return desc ? -c : c;
      }
      return 0;
    };
  }
  function vals(S, col, pred) {
    var out = [];
    S.forEach(function (i) { var v = col[i]; if (v !== null && (!pred || pred(i))) { out.push(v); } });
    return out;
  }
  function count(S, pred) {
    var n = 0;
    S.forEach(function (i) { if (pred(i)) { n++; } });
    return n;
  }
  function groupBy(S, key) {
    var groups = new Map();
    S.forEach(function (i) {
      var k = key(i);
      if (!groups.has(k)) { groups.set(k, []); }
      groups.get(k).push(i);
    });
    return groups;
  }
  function weekOf(i, p) { return dayISO(p.first + 7 * Math.floor((C.day[i] - p.first) / 7)); }
  function isoDow(i) { return (new Date(prevFromMs + C.day[i] * MS_DAY).getUTCDay() + 6) % 7 + 1; }
  function pad2(n) { return n < 10 ? "0" + n : String(n); }
  // isoWeek: strftime(date_trunc('week', local_date), '%G-W%V'), the ISO year and week of a day.
  function isoWeek(i) {
    var d = new Date(prevFromMs + C.day[i] * MS_DAY);
    d.setUTCDate(d.getUTCDate() + 3 - (d.getUTCDay() + 6) % 7); // the Thursday of its week
    var jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
    return d.getUTCFullYear() + "-W" + pad2(1 + Math.floor((d.getTime() - jan1) / (7 * MS_DAY)));
  }

  // ---------------------------------------------------------------- the figures: one per query
  var truthy = function (col) { return function (i) { return col[i] === true; }; };
  // repeatKnown: resolved, with its repeat window closed: the conversations first-contact
  // resolution and repeat contact are rates over (docs/metrics.md, "Repeat contact near the
  // data's end"). closedRate is the part of them for which yes(i); null (not known yet) below
  // MIN_N of them.
  function repeatKnown(i) { return C.resolved[i] && C.repeat_window_closed[i]; }
  function closedRate(S, yes) {
    var n = count(S, repeatKnown);
    return { measured: n, pct: n >= MIN_N ? pct(count(S, function (i) { return repeatKnown(i) && yes(i); }), n) : null };
  }
  var Q = {};

  Q.overview_kpis = function (S) {
    var handled = count(S, truthy(C.bot_handled)), resolved = count(S, truthy(C.resolved));
    var esc = 0, eff = 0;
    S.forEach(function (i) { (escOf[i] || []).forEach(function (e) { esc++; if (E.effective[e]) { eff++; } }); });
    var csat = vals(S, C.csat), fcr = closedRate(S, truthy(C.fcr));
    return [{
      conversations: S.length,
      frt_median_s: rnd(median(vals(S, C.frt)), 0),
      frt_p90_s: rnd(quantile(vals(S, C.frt), 0.9), 0),
      sla_pct: pct(count(S, truthy(C.sla_met)), vals(S, C.sla_met).length),
      resolution_pct: pct(resolved, S.length),
      fcr_pct: fcr.pct,
      bot_containment_pct: pct(count(S, truthy(C.bot_contained)), handled),
      escalation_effective_pct: pct(eff, esc),
      csat_avg: rnd(avg(csat), 2),
      csat_responses: csat.length,
      friction_median: rnd(median(vals(S, C.friction)), 1),
      fcr_measured: fcr.measured
    }];
  };
  Q.overview_daily = function (S, p) {
    var byDay = groupBy(S, function (i) { return C.day[i]; }), out = [];
    for (var d = p.first; d < p.first + p.days; d++) {
      var g = byDay.get(d) || [];
      var csat = vals(g, C.csat);
      out.push({
        day: dayISO(d), conversations: g.length,
        frt_median_min: g.length ? rnd(over(median(vals(g, C.frt)), 60), 1) : null,
        sla_pct: g.length ? pct(count(g, truthy(C.sla_met)), vals(g, C.sla_met).length) : null,
        resolution_pct: g.length ? pct(count(g, truthy(C.resolved)), g.length) : null,
        csat_avg: g.length ? rnd(avg(csat), 2) : null
      });
    }
    return out;
  };
  Q.overview_heatmap = function (S) {
    var cells = groupBy(S, function (i) { return isoDow(i) * 100 + Math.floor(C.minute[i] / 60); });
    var out = [];
    cells.forEach(function (g, k) { out.push({ dow: Math.floor(k / 100), hour: k % 100, conversations: g.length }); });
    return out.sort(order("dow", "hour"));
  };
  Q.overview_channels = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.channel[i]; }).forEach(function (g, ch) {
      out.push({ channel: ch, conversations: g.length, pct: rnd(100 * g.length / S.length, 1) });
    });
    return out.sort(order("-conversations", "channel"));
  };
  Q.overview_weekly = function (S, p) {
    var out = [];
    [["channel", C.channel], ["queue", C.queue]].forEach(function (dim) {
      groupBy(S, function (i) { return dim[1][i] + "\u0000" + weekOf(i, p); }).forEach(function (g, k) {
        var parts = k.split("\u0000");
        out.push({
          dimension: dim[0], name: parts[0], week: parts[1], conversations: g.length,
          frt_median_min: rnd(over(median(vals(g, C.frt)), 60), 1),
          resolution_pct: pct(count(g, truthy(C.resolved)), g.length)
        });
      });
    });
    return out.sort(order("dimension", "name", "week"));
  };
  Q.cost_summary = function (S) {
    var out = [];
    [["channel", C.channel], ["queue", C.queue], ["contact_reason", C.reason]].forEach(function (dim) {
      groupBy(S, function (i) { return dim[1][i]; }).forEach(function (g, name) {
        var costs = vals(g, C.cost), total = sumMicro(costs);
        var resolvedCosts = vals(g, C.cost, truthy(C.resolved)).length;
        out.push({
          dimension: dim[0], name: name, conversations: g.length, costed: costs.length,
          cost_total: rnd(total === null ? 0 : total, 2),
          cost_per_conversation: costs.length ? rnd(total / costs.length, 2) : null,
          costed_resolved: resolvedCosts,
          cost_per_resolved: resolvedCosts ? rnd(total / resolvedCosts, 2) : null
        });
      });
    });
    return out.sort(order("dimension", "-cost_total", "-conversations", "name"));
  };
  Q.cost_bot_savings = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.reason[i]; }).forEach(function (g, reason) {
      var contained = count(g, truthy(C.bot_contained));
      if (!contained) { return; }
      var humanCosts = vals(g, C.cost, truthy(C.human)), humanSum = sumMicro(humanCosts);
      var own = sumMicro(vals(g, C.cost, truthy(C.bot_contained)));
      out.push({
        contact_reason: reason, contained: contained, human_costed: humanCosts.length,
        human_cost_mean: humanCosts.length ? rnd(humanSum / humanCosts.length, 2) : null,
        saved: humanCosts.length ? rnd(contained * humanSum / humanCosts.length, 2) : null,
        contained_cost: rnd(own, 2)
      });
    });
    return out.sort(order("-saved", "-contained", "contact_reason"));
  };
  var frictionBand = function (i) {
    var f = C.friction[i];
    return f < 20 ? "0–20" : f < 40 ? "20–40" : f < 60 ? "40–60" : f < 80 ? "60–80" : "80–100";
  };
  Q.retention = function (S) {
    var out = [];
    [["friction", frictionBand], ["csat", function (i) { return C.csat[i] === null ? "no answer" : String(C.csat[i]); }]].forEach(function (gr) {
      groupBy(S, gr[1]).forEach(function (g, band) {
        // over those with a customer: only they can come back
        var repeat = closedRate(g.filter(function (i) { return C.known_customer[i]; }), truthy(C.repeat_contact));
        var repeats = count(g, function (i) { return repeatKnown(i) && C.repeat_contact[i]; });
        var known = vals(g, C.returned_30d), returned = count(g, truthy(C.returned_30d));
        out.push({
          grouping: gr[0], band: band, conversations: g.length, repeat_measured: repeat.measured, repeat_contacts: repeats,
          repeat_pct: repeat.pct, returned_measured: known.length, returned: returned,
          returned_pct: known.length >= MIN_N ? pct(returned, known.length) : null
        });
      });
    });
    return out.sort(order("-grouping", "band"));
  };

  var frtBuckets = ["0–1 min", "1–5 min", "5–15 min", "15–60 min", "1–4 h", "4–24 h", "24 h+"];
  function frtBucket(s) { return s < 60 ? 1 : s < 300 ? 2 : s < 900 ? 3 : s < 3600 ? 4 : s < 14400 ? 5 : s < 86400 ? 6 : 7; }
  Q.responsiveness_frt_buckets = function (S) {
    var out = [];
    [["calendar", C.frt], ["business", C.frt_business]].forEach(function (basis) {
      var keys = groupBy(S.filter(function (i) { return basis[1][i] !== null; }), function (i) { return C.channel[i]; });
      var chans = Array.from(keys.keys()).sort(cmpStr);
      chans.forEach(function (ch) {
        var g = keys.get(ch), counts = [0, 0, 0, 0, 0, 0, 0, 0];
        g.forEach(function (i) { counts[frtBucket(basis[1][i])]++; });
        frtBuckets.forEach(function (label, k) {
          out.push({ basis: basis[0], channel: ch, idx: k + 1, label: label, conversations: counts[k + 1], pct: rnd(100 * counts[k + 1] / g.length, 1) });
        });
      });
    });
    return out; // already in (basis DESC, channel, idx) order
  };
  Q.responsiveness_channels = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.channel[i]; }).forEach(function (g, ch) {
      var frt = vals(g, C.frt), targets = vals(g, C.sla_target);
      out.push({
        channel: ch, conversations: g.length, responded: frt.length,
        frt_median_min: rnd(over(median(frt), 60), 1), frt_p90_min: rnd(over(quantile(frt, 0.9), 60), 1),
        frt_business_median_min: rnd(over(median(vals(g, C.frt_business)), 60), 1),
        frt_any_median_min: rnd(over(median(vals(g, C.frt_any)), 60), 1),
        sla_target_min: targets.length ? rnd(Math.min.apply(null, targets) / 60, 1) : null,
        frt_median_s: rnd(median(frt), 0), frt_p90_s: rnd(quantile(frt, 0.9), 0),
        frt_business_median_s: rnd(median(vals(g, C.frt_business)), 0), frt_any_median_s: rnd(median(vals(g, C.frt_any)), 0),
        sla_target_s: targets.length ? rnd(Math.min.apply(null, targets), 0) : null,
        sla_pct: pct(count(g, truthy(C.sla_met)), vals(g, C.sla_met).length)
      });
    });
    return out.sort(order("-conversations", "channel"));
  };
  Q.responsiveness_sla_queues = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.queue[i]; }).forEach(function (g, q) {
      var measured = vals(g, C.sla_met).length;
      if (!measured) { return; }
      var met = count(g, truthy(C.sla_met));
      out.push({ queue: q, measured: measured, met: met, sla_pct: pct(met, measured), frt_median_min: rnd(over(median(vals(g, C.frt)), 60), 1),
        frt_median_s: rnd(median(vals(g, C.frt)), 0) });
    });
    return out.sort(order("-measured", "queue"));
  };
  Q.responsiveness_windows = function (S) {
    var W = S.filter(function (i) { return C.window_breaches[i] !== null; }), out = [];
    [["channel", C.channel], ["queue", C.queue]].forEach(function (dim) {
      groupBy(W, function (i) { return dim[1][i]; }).forEach(function (g, name) {
        var breached = count(g, function (i) { return C.window_breaches[i] > 0; }), breaches = 0;
        g.forEach(function (i) { breaches += C.window_breaches[i]; });
        out.push({ dimension: dim[0], name: name, measured: g.length, breached: breached, breaches: breaches, breached_pct: rnd(100 * breached / g.length, 1) });
      });
    });
    return out.sort(order("dimension", "-measured", "name"));
  };
  Q.responsiveness_wait_split = function (S) {
    var out = [];
    groupBy(S.filter(truthy(C.resolved)), function (i) { return C.channel[i]; }).forEach(function (g, ch) {
      var total = sumMicro(vals(g, C.resolution_s)), b = sumMicro(vals(g, C.resolution_business_s)), c = sumMicro(vals(g, C.resolution_customer_s));
      out.push({
        channel: ch, resolved: g.length, resolution_h: rnd(total / 3600, 1),
        business_pct: total ? rnd(100 * b / total, 1) : null, customer_pct: total ? rnd(100 * c / total, 1) : null,
        other_pct: total ? rnd(100 * (total - b - c) / total, 1) : null
      });
    });
    return out.sort(order("-resolved", "channel"));
  };

  var resolutionBuckets = ["< 1 h", "1–4 h", "4–24 h", "1–3 days", "3–7 days", "7 days+"];
  Q.resolution_buckets = function (S) {
    var counts = [0, 0, 0, 0, 0, 0, 0], total = 0;
    S.forEach(function (i) {
      var s = C.resolution_s[i];
      if (!C.resolved[i] || s === null) { return; }
      counts[s < 3600 ? 1 : s < 14400 ? 2 : s < 86400 ? 3 : s < 259200 ? 4 : s < 604800 ? 5 : 6]++;
      total++;
    });
    return resolutionBuckets.map(function (label, k) {
      return { idx: k + 1, label: label, conversations: counts[k + 1], pct: total ? rnd(100 * counts[k + 1] / total, 1) : null };
    });
  };
  Q.resolution_channels = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.channel[i]; }).forEach(function (g, ch) {
      var resolved = count(g, truthy(C.resolved)), fcr = closedRate(g, truthy(C.fcr));
      out.push({
        channel: ch, conversations: g.length, resolved: resolved, resolution_pct: pct(resolved, g.length),
        fcr_pct: fcr.pct,
        reopen_pct: pct(count(g, function (i) { return C.resolved[i] && C.reopened[i]; }), resolved),
        repeat_pct: closedRate(g, truthy(C.repeat_contact)).pct,
        resolution_median_h: rnd(over(median(vals(g, C.resolution_s)), 3600), 1),
        resolution_median_s: rnd(median(vals(g, C.resolution_s)), 0),
        fcr_measured: fcr.measured
      });
    });
    return out.sort(order("-conversations", "channel"));
  };
  function botRow(name, g) {
    var c = count(g, truthy(C.bot_contained)), h = count(g, truthy(C.bot_handed_off)), a = count(g, truthy(C.bot_abandoned));
    var cp = rnd(100 * c / g.length, 1), hp = rnd(100 * h / g.length, 1);
    return { channel: name, bot_handled: g.length, contained: c, handed_off: h, abandoned: a, contained_pct: cp, handed_off_pct: hp, abandoned_pct: rnd(100 - cp - hp, 1) };
  }
  Q.resolution_bot = function (S) {
    var B = S.filter(truthy(C.bot_handled));
    if (!B.length) { return []; }
    var rows = [];
    groupBy(B, function (i) { return C.channel[i]; }).forEach(function (g, ch) { rows.push(botRow(ch, g)); });
    rows.sort(order("-bot_handled", "channel"));
    return [botRow("All channels", B)].concat(rows);
  };
  function escalations(S) {
    var out = [];
    S.forEach(function (i) { (escOf[i] || []).forEach(function (e) { out.push(e); }); });
    return out;
  }
  Q.resolution_escalations = function (S) {
    var out = [];
    groupBy(escalations(S), function (e) { return E.target[e]; }).forEach(function (g, target) {
      var eff = count(g, function (e) { return E.effective[e]; });
      out.push({
        target: target, escalations: g.length, effective: eff, effective_pct: rnd(100 * eff / g.length, 1),
        from_bot: count(g, function (e) { return E.source[e] === "bot"; }),
        handoff_wait_median_min: rnd(over(median(vals(g, E.handoff_wait_s)), 60), 1),
        handoff_wait_median_s: rnd(median(vals(g, E.handoff_wait_s)), 0)
      });
    });
    return out.sort(order("-escalations", "target"));
  };
  var handoffBuckets = ["< 1 min", "1–5 min", "5–15 min", "15–60 min", "1–4 h", "4 h+", "not picked up"];
  Q.resolution_handoff = function (S) {
    var bySource = groupBy(escalations(S), function (e) { return E.source[e]; }), out = [];
    Array.from(bySource.keys()).sort(cmpStr).forEach(function (src) {
      var counts = [0, 0, 0, 0, 0, 0, 0, 0];
      bySource.get(src).forEach(function (e) {
        var s = E.handoff_wait_s[e];
        counts[s === null ? 7 : s < 60 ? 1 : s < 300 ? 2 : s < 900 ? 3 : s < 3600 ? 4 : s < 14400 ? 5 : 6]++;
      });
      handoffBuckets.forEach(function (label, k) { out.push({ source: src, idx: k + 1, label: label, escalations: counts[k + 1] }); });
    });
    return out;
  };
  Q.bot_weekly = function (S, p) {
    var out = [];
    groupBy(S.filter(truthy(C.bot_handled)), function (i) { return weekOf(i, p); }).forEach(function (g, week) {
      var r = botRow("", g);
      out.push({ week: week, bot_handled: g.length, contained_pct: r.contained_pct, handed_off_pct: r.handed_off_pct, abandoned_pct: r.abandoned_pct });
    });
    return out.sort(order("week"));
  };
  Q.bot_csat = function (S) {
    var out = [];
    groupBy(S.filter(truthy(C.bot_handled)), function (i) {
      return C.bot_contained[i] ? "contained" : C.bot_handed_off[i] ? "handed off" : "abandoned";
    }).forEach(function (g, outcome) {
      var csat = vals(g, C.csat);
      out.push({ outcome: outcome, conversations: g.length, csat_responses: csat.length, csat_avg: rnd(avg(csat), 2) });
    });
    return out.sort(order("-conversations", "outcome"));
  };
  Q.bot_failures = function (S) {
    var out = [];
    groupBy(S.filter(truthy(C.bot_handled)), function (i) { return C.reason[i]; }).forEach(function (g, reason) {
      var failed = count(g, function (i) { return !C.bot_contained[i]; });
      out.push({
        contact_reason: reason, bot_handled: g.length, handed_off: count(g, truthy(C.bot_handed_off)),
        abandoned: count(g, truthy(C.bot_abandoned)), failed: failed, failed_pct: rnd(100 * failed / g.length, 1)
      });
    });
    return out.sort(order("-failed", "contact_reason"));
  };

  Q.friction_buckets = function (S) {
    var counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    S.forEach(function (i) { if (C.friction[i] !== null) { counts[Math.min(Math.floor(C.friction[i] / 10), 9)]++; } });
    return counts.map(function (n, b) { return { lo: b * 10, conversations: n }; });
  };
  function componentRow(name, g) {
    return {
      channel: name, conversations: g.length,
      time: rnd(meanNano(vals(g, C.friction_time_n)), 3), impersonal: rnd(meanNano(vals(g, C.friction_impersonal_n)), 3),
      directness: rnd(meanNano(vals(g, C.friction_directness_n)), 3), effort: rnd(meanNano(vals(g, C.friction_effort_n)), 3)
    };
  }
  Q.friction_components = function (S) {
    var F = S.filter(function (i) { return C.friction[i] !== null; });
    if (!F.length) { return []; }
    var rows = [];
    groupBy(F, function (i) { return C.channel[i]; }).forEach(function (g, ch) { rows.push(componentRow(ch, g)); });
    rows.sort(order("-conversations", "channel"));
    return [componentRow("All channels", F)].concat(rows);
  };
  var drivers = [
    ["escalated", function (i) { return C.escalated[i]; }],
    ["transferred", function (i) { return C.transferred[i]; }],
    ["reopened", function (i) { return C.reopened[i]; }],
    ["repeat contact", function (i) { return C.repeat_contact[i]; }],
    ["first response over SLA", function (i) { return C.sla_met[i] === false; }],
    ["bot handed off", function (i) { return C.bot_handed_off[i]; }],
    ["abandoned", function (i) { return C.abandoned[i]; }],
    ["CSAT 1–2", function (i) { return C.csat[i] !== null && C.csat[i] <= 2; }]
  ];
  Q.friction_drivers = function (S) {
    var F = S.filter(function (i) { return C.friction[i] !== null; });
    if (!F.length) { return []; }
    var cut = quantile(vals(F, C.friction), 0.9);
    var high = F.filter(function (i) { return C.friction[i] >= cut; }), rest = F.filter(function (i) { return C.friction[i] < cut; });
    return drivers.map(function (d) {
      var hf = count(high, d[1]), rf = count(rest, d[1]);
      var hs = high.length ? hf / high.length : null, rs = rest.length ? rf / rest.length : null;
      return {
        driver: d[0], high_pct: high.length ? rnd(100 * hf / high.length, 1) : null,
        rest_pct: rest.length ? rnd(100 * rf / rest.length, 1) : null,
        lift: hs !== null && rs ? rnd(hs / rs, 2) : null
      };
    }).sort(order("-high_pct", "driver"));
  };
  Q.friction_worst = function (S) {
    var F = S.filter(function (i) { return C.friction[i] !== null; });
    F.sort(function (a, b) { return C.friction[b] - C.friction[a] || cmpStr(C.id[a], C.id[b]); });
    return F.slice(0, data.worst_limit).map(function (i) {
      var m = C.minute[i];
      return {
        conversation_id: C.id[i], started_local: dayISO(C.day[i]) + " " + pad2(Math.floor(m / 60)) + ":" + pad2(m % 60),
        channel: C.channel[i], queue: C.queue[i], agent: C.agent[i] === null ? "" : C.agent[i],
        friction_score: rnd(C.friction[i], 1),
        time: rnd(C.friction_time_n[i] / 1e9, 2), impersonal: rnd(C.friction_impersonal_n[i] / 1e9, 2),
        directness: rnd(C.friction_directness_n[i] / 1e9, 2), effort: rnd(C.friction_effort_n[i] / 1e9, 2), csat: C.csat[i]
      };
    });
  };

  Q.agents = function (S) {
    var out = [];
    groupBy(S.filter(function (i) { return C.agent[i] !== null; }), function (i) { return C.agent[i]; }).forEach(function (g, agent) {
      var msgs = 0, csat = vals(g, C.csat);
      g.forEach(function (i) { msgs += C.agent_messages[i]; });
      out.push({
        agent: agent, conversations: g.length, agent_messages: msgs, frt_median_min: rnd(over(median(vals(g, C.frt)), 60), 1),
        resolution_pct: pct(count(g, truthy(C.resolved)), g.length), resolution_median_h: rnd(over(median(vals(g, C.resolution_s)), 3600), 1),
        csat_avg: rnd(avg(csat), 2), csat_responses: csat.length, friction_median: rnd(median(vals(g, C.friction)), 1),
        frt_median_s: rnd(median(vals(g, C.frt)), 0), resolution_median_s: rnd(median(vals(g, C.resolution_s)), 0)
      });
    });
    return out.sort(order("-conversations", "agent"));
  };
  Q.queues = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.queue[i]; }).forEach(function (g, q) {
      var csat = vals(g, C.csat);
      out.push({
        queue: q, conversations: g.length, frt_median_min: rnd(over(median(vals(g, C.frt)), 60), 1),
        sla_pct: pct(count(g, truthy(C.sla_met)), vals(g, C.sla_met).length),
        resolution_pct: pct(count(g, truthy(C.resolved)), g.length), escalated_pct: pct(count(g, truthy(C.escalated)), g.length),
        csat_avg: rnd(avg(csat), 2), csat_responses: csat.length, friction_median: rnd(median(vals(g, C.friction)), 1),
        frt_median_s: rnd(median(vals(g, C.frt)), 0)
      });
    });
    return out.sort(order("-conversations", "queue"));
  };

  Q.reasons_weekly = function (S, p) {
    var out = [];
    groupBy(S, function (i) { return C.reason[i] + "\u0000" + weekOf(i, p); }).forEach(function (g, k) {
      var parts = k.split("\u0000");
      out.push({ contact_reason: parts[0], week: parts[1], conversations: g.length });
    });
    return out.sort(order("contact_reason", "week"));
  };
  Q.reasons_summary = function (S) {
    var out = [];
    groupBy(S, function (i) { return C.reason[i]; }).forEach(function (g, reason) {
      var handled = count(g, truthy(C.bot_handled)), csat = vals(g, C.csat);
      out.push({
        contact_reason: reason, conversations: g.length, share_pct: rnd(100 * g.length / S.length, 1),
        frt_median_min: rnd(over(median(vals(g, C.frt)), 60), 1), resolution_pct: pct(count(g, truthy(C.resolved)), g.length),
        bot_handled: handled, bot_containment_pct: pct(count(g, truthy(C.bot_contained)), handled),
        escalated_pct: pct(count(g, truthy(C.escalated)), g.length), csat_avg: rnd(avg(csat), 2), csat_responses: csat.length,
        friction_median: rnd(median(vals(g, C.friction)), 1), frt_median_s: rnd(median(vals(g, C.frt)), 0)
      });
    });
    return out.sort(order("-conversations", "contact_reason"));
  };
  function marketShares(S, col, name) {
    var out = [];
    groupBy(S, function (i) { return C.market[i]; }).forEach(function (m, market) {
      groupBy(m, function (i) { return col[i]; }).forEach(function (g, v) {
        var row = { market: market };
        row[name] = v;
        row.conversations = g.length;
        row.pct_of_market = rnd(100 * g.length / m.length, 1);
        out.push(row);
      });
    });
    return out.sort(order("market", "-conversations", name));
  }
  Q.markets_channels = function (S) { return marketShares(S, C.channel, "channel"); };
  Q.markets_reasons = function (S) { return marketShares(S, C.reason, "contact_reason"); };
  Q.emerging_terms = function (S, p, Sprev) {
    var nCur = S.length, nPrev = Sprev.length;
    if (nCur < 30 || nPrev < 30) { return []; }
    var inCur = new Uint8Array(C.n), inPrev = new Uint8Array(C.n);
    S.forEach(function (i) { inCur[i] = 1; });
    Sprev.forEach(function (i) { inPrev[i] = 1; });
    var out = [];
    terms.forEach(function (t) {
      var c = 0, q = 0;
      t.convs.forEach(function (i) { c += inCur[i]; q += inPrev[i]; });
      if (c >= data.min_term_count && c / nCur > q / nPrev) {
        out.push({
          term: t.term, conversations: c, share_pct: rnd(100 * c / nCur, 1), previous_conversations: q,
          previous_share_pct: rnd(100 * q / nPrev, 1), rise_pts: rnd(100 * c / nCur - 100 * q / nPrev, 1), _rise: c / nCur - q / nPrev
        });
      }
    });
    out.sort(function (a, b) { return b._rise - a._rise || cmpStr(a.term, b.term); });
    return out.slice(0, 20).map(function (r) { delete r._rise; return r; });
  };

  // The automatic checks (quality_auto_*.sql): C.auto_qa holds a conversation's verdict per
  // check, one letter each (p pass, f fail, n N/A, - none), null when none judged it.
  function autoJudged(S) { return S.filter(function (i) { return C.auto_qa[i] !== null; }); }
  function autoCounts(g, k) {
    var rows = 0, checked = 0, failed = 0;
    g.forEach(function (i) {
      var v = C.auto_qa[i].charAt(k);
      if (v !== "-") { rows++; }
      if (v === "p" || v === "f") { checked++; }
      if (v === "f") { failed++; }
    });
    return { rows: rows, checked: checked, failed: failed, fail_pct: pct(failed, checked) };
  }
  Q.quality_auto_kpis = function (S) {
    var g = autoJudged(S), failedConvs = 0, fails = 0;
    g.forEach(function (i) {
      var n = C.auto_qa[i].split("f").length - 1;
      if (n > 0) { failedConvs++; }
      fails += n;
    });
    return [{ conversations: g.length, conversations_failed: failedConvs, conversations_failed_pct: pct(failedConvs, g.length), failed: fails }];
  };
  Q.quality_auto_checks = function (S) {
    var g = autoJudged(S);
    return autoChecks.map(function (c, k) {
      var n = autoCounts(g, k);
      return { check: c.check, type: c.type, category: c.category, conversations: n.rows, checked: n.checked, failed: n.failed, fail_pct: n.fail_pct };
    });
  };
  // Rows per group and check, for the checks that have a verdict in the group (GROUP BY ALL).
  function autoGroups(g, key, name) {
    var out = [];
    groupBy(g, key).forEach(function (members, value) {
      autoChecks.forEach(function (c, k) {
        var n = autoCounts(members, k);
        if (n.rows === 0) { return; }
        var r = {};
        r[name] = value;
        r.check = c.check;
        r.checked = n.checked;
        r.failed = n.failed;
        r.fail_pct = n.fail_pct;
        out.push(r);
      });
    });
    return out;
  }
  Q.quality_auto_weekly = function (S) {
    return autoGroups(autoJudged(S), isoWeek, "week").filter(function (r) { return r.checked > 0; }).sort(order("week", "check"));
  };
  Q.quality_auto_agents = function (S) {
    return autoGroups(autoJudged(S).filter(function (i) { return C.agent[i] !== null; }), function (i) { return C.agent[i]; }, "agent").sort(order("agent", "check"));
  };

  // Column lists: the queries' result columns, in order, with their DuckDB types
  // (i integer, f double, s text, b boolean): CSV downloads print them as parley sql does.
  var columns = {
    overview_kpis: "conversations:i frt_median_s:f frt_p90_s:f sla_pct:f resolution_pct:f fcr_pct:f bot_containment_pct:f escalation_effective_pct:f csat_avg:f csat_responses:i friction_median:f fcr_measured:i",
    overview_daily: "day:s conversations:i frt_median_min:f sla_pct:f resolution_pct:f csat_avg:f",
    overview_heatmap: "dow:i hour:i conversations:i",
    overview_channels: "channel:s conversations:i pct:f",
    overview_weekly: "dimension:s name:s week:s conversations:i frt_median_min:f resolution_pct:f",
    cost_summary: "dimension:s name:s conversations:i costed:i cost_total:f cost_per_conversation:f costed_resolved:i cost_per_resolved:f",
    cost_bot_savings: "contact_reason:s contained:i human_costed:i human_cost_mean:f saved:f contained_cost:f",
    retention: "grouping:s band:s conversations:i repeat_measured:i repeat_contacts:i repeat_pct:f returned_measured:i returned:i returned_pct:f",
    responsiveness_frt_buckets: "basis:s channel:s idx:i label:s conversations:i pct:f",
    responsiveness_channels: "channel:s conversations:i responded:i frt_median_min:f frt_p90_min:f frt_business_median_min:f frt_any_median_min:f sla_target_min:f sla_pct:f frt_median_s:f frt_p90_s:f frt_business_median_s:f frt_any_median_s:f sla_target_s:f",
    responsiveness_sla_queues: "queue:s measured:i met:i sla_pct:f frt_median_min:f frt_median_s:f",
    responsiveness_windows: "dimension:s name:s measured:i breached:i breaches:i breached_pct:f",
    responsiveness_wait_split: "channel:s resolved:i resolution_h:f business_pct:f customer_pct:f other_pct:f",
    resolution_buckets: "idx:i label:s conversations:i pct:f",
    resolution_channels: "channel:s conversations:i resolved:i resolution_pct:f fcr_pct:f reopen_pct:f repeat_pct:f resolution_median_h:f resolution_median_s:f fcr_measured:i",
    resolution_bot: "channel:s bot_handled:i contained:i handed_off:i abandoned:i contained_pct:f handed_off_pct:f abandoned_pct:f",
    resolution_escalations: "target:s escalations:i effective:i effective_pct:f from_bot:i handoff_wait_median_min:f handoff_wait_median_s:f",
    resolution_handoff: "source:s idx:i label:s escalations:i",
    bot_weekly: "week:s bot_handled:i contained_pct:f handed_off_pct:f abandoned_pct:f",
    bot_csat: "outcome:s conversations:i csat_responses:i csat_avg:f",
    bot_failures: "contact_reason:s bot_handled:i handed_off:i abandoned:i failed:i failed_pct:f",
    friction_buckets: "lo:i conversations:i",
    friction_components: "channel:s conversations:i time:f impersonal:f directness:f effort:f",
    friction_drivers: "driver:s high_pct:f rest_pct:f lift:f",
    friction_worst: "conversation_id:s started_local:s channel:s queue:s agent:s friction_score:f time:f impersonal:f directness:f effort:f csat:i",
    agents: "agent:s conversations:i agent_messages:i frt_median_min:f resolution_pct:f resolution_median_h:f csat_avg:f csat_responses:i friction_median:f frt_median_s:f resolution_median_s:f",
    queues: "queue:s conversations:i frt_median_min:f sla_pct:f resolution_pct:f escalated_pct:f csat_avg:f csat_responses:i friction_median:f frt_median_s:f",
    reasons_weekly: "contact_reason:s week:s conversations:i",
    reasons_summary: "contact_reason:s conversations:i share_pct:f frt_median_min:f resolution_pct:f bot_handled:i bot_containment_pct:f escalated_pct:f csat_avg:f csat_responses:i friction_median:f frt_median_s:f",
    markets_channels: "market:s channel:s conversations:i pct_of_market:f",
    markets_reasons: "market:s contact_reason:s conversations:i pct_of_market:f",
    emerging_terms: "term:s conversations:i share_pct:f previous_conversations:i previous_share_pct:f rise_pts:f",
    quality_auto_kpis: "conversations:i conversations_failed:i conversations_failed_pct:f failed:i",
    quality_auto_checks: "check:s type:s category:s conversations:i checked:i failed:i fail_pct:f",
    quality_auto_weekly: "week:s check:s checked:i failed:i fail_pct:f",
    quality_auto_agents: "agent:s check:s checked:i failed:i fail_pct:f"
  };
  Object.keys(columns).forEach(function (q) {
    columns[q] = columns[q].split(" ").map(function (c) { var p = c.split(":"); return { name: p[0], type: p[1] }; });
  });
  // Queries run for the period only: emerging_terms compares it with the one before itself,
  // and friction_worst lists conversations of the period (the report carries no conversation
  // id of the previous period).
  var periodOnly = { emerging_terms: true, friction_worst: true };

  // ---------------------------------------------------------------- CSV as parley sql writes it
  // Numbers as Go's strconv 'g' shortest form (arrow's ValueStr), text neutralised for
  // spreadsheets (internal/csvsafe), fields quoted as encoding/csv does.
  function goFloat(x) {
    if (x === 0) { return Object.is(x, -0) ? "-0" : "0"; }
    var e = x.toExponential(); // shortest digits that read back as x
    var m = e.split("e"), digits = m[0].replace("-", "").replace(".", ""), exp = parseInt(m[1], 10);
    var sign = x < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      var mant = digits.length > 1 ? digits.charAt(0) + "." + digits.slice(1) : digits;
      return sign + mant + "e" + (exp < 0 ? "-" : "+") + pad2(Math.abs(exp));
    }
    if (exp >= digits.length - 1) { return sign + digits + "0".repeat(exp - digits.length + 1); }
    if (exp >= 0) { return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1); }
    return sign + "0." + "0".repeat(-exp - 1) + digits;
  }
  function csvCell(v, type) {
    if (v === null || v === undefined) { return ""; }
    var s;
    if (type === "f") { s = goFloat(v); } else if (type === "i") { s = String(v); } else if (type === "b") { s = v ? "true" : "false"; } else {
      s = String(v);
      if (s !== "" && "=+-@\t\r'".indexOf(s.charAt(0)) >= 0) { s = "'" + s; }
    }
    if (s === "") { return s; }
    if (s === "\\." || /[,"\r\n]/.test(s) || /^\s/.test(s)) { return "\"" + s.replace(/"/g, "\"\"") + "\""; }
    return s;
  }
  function csv(query, runs) {
    var cols = columns[query], lines = [];
    var head = cols.map(function (c) { return csvCell(c.name, "s"); });
    lines.push((runs.length > 1 ? ["period"] : []).concat(head).join(","));
    runs.forEach(function (run) {
      run.rows.forEach(function (r) {
        var cells = cols.map(function (c) { return csvCell(r[c.name], c.type); });
        lines.push((runs.length > 1 ? [run.period] : []).concat(cells).join(","));
      });
    });
    return lines.join("\n") + "\n";
  }

  // ---------------------------------------------------------------- formatting (as dashboards/format.go and htmlpage.Duration)
  var DASH = "–", NOT_HERE = "not in this data";
  function fmtCount(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }
  function fmtDuration(s) {
    if (s === null || s === undefined || isNaN(s)) { return DASH; }
    var sec = Math.round(s), sign = "";
    if (sec < 0) { sign = "-"; sec = -sec; }
    var d = Math.floor(sec / 86400), h = Math.floor(sec % 86400 / 3600), m = Math.floor(sec % 3600 / 60);
    sec %= 60;
    // To the second, whatever the largest unit (docs/dashboards.md, "Times to the second").
    if (d > 0) { return sign + d + "d " + pad2(h) + "h " + pad2(m) + "m " + pad2(sec) + "s"; }
    if (h > 0) { return sign + h + "h " + pad2(m) + "m " + pad2(sec) + "s"; }
    if (m > 0) { return sign + m + "m " + pad2(sec) + "s"; }
    return sign + sec + "s";
  }
  var formats = {
    text: function (v) { return v === null ? DASH : String(v); },
    count: function (v) { return v === null ? DASH : fmtCount(v); },
    pct: function (v) { return v === null ? DASH : v.toFixed(1) + "%"; },
    sec: function (v) { return v === null ? DASH : fmtDuration(v); },
    dec1: function (v) { return v === null ? DASH : v.toFixed(1); },
    dec2: function (v) { return v === null ? DASH : v.toFixed(2); },
    dec3: function (v) { return v === null ? DASH : v.toFixed(3); },
    money: function (v) { return v === null ? DASH : (data.currency ? data.currency + " " : "") + v.toFixed(2); }
  };
  // How a change is shown, by format: relative for counts, points for rates, differences otherwise.
  var changes = {
    count: function (d, prev) { return prev ? Math.round(100 * Math.abs(d) / prev) + "%" : fmtCount(Math.abs(d)); },
    pct: function (d) { return Math.abs(d).toFixed(1) + " pts"; },
    sec: function (d) { return fmtDuration(Math.abs(d)); },
    dec1: function (d) { return Math.abs(d).toFixed(1); },
    dec2: function (d) { return Math.abs(d).toFixed(2); },
    dec3: function (d) { return Math.abs(d).toFixed(3); },
    money: function (d) { return Math.abs(d).toFixed(2); }
  };
  // PREV_PARTIAL: the previous period starts before the data's first day, so its figures cover
  // only its last days and no change against it is shown (docs/dashboards.md, "Sound statistics").
  var PREV_PARTIAL = per.data_from !== "" && per.prev_from < per.data_from;
  var PARTIAL_TEXT = "previous period only partly in the data, no comparison";
  function change(cur, prev, nCur, nPrev, fmt, better) {
    if (!sliceSets.previous.length) { return { text: "no conversations in the previous period", cls: "" }; }
    if (PREV_PARTIAL) { return { text: PARTIAL_TEXT, cls: "" }; }
    if (prev === undefined) { return { text: "new vs previous", cls: "" }; }
    if (nCur < MIN_N || nPrev < MIN_N) { return { text: "n < " + MIN_N + ", no comparison", cls: "" }; }
    if (cur === null || prev === null) { return { text: "no previous figure", cls: "" }; }
    var d = cur - prev;
    if (Math.abs(d) < 1e-9) { return { text: "= previous", cls: "" }; }
    var cls = "";
    if (better === "up") { cls = d > 0 ? "good" : "bad"; }
    if (better === "down") { cls = d < 0 ? "good" : "bad"; }
    return { text: (d > 0 ? "▲ " : "▼ ") + changes[fmt](d, prev) + " vs previous", cls: cls };
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  // ---------------------------------------------------------------- colours, stable across pages and runs
  var channelColours = {
    webchat: "#2563eb", whatsapp: "#16a34a", email: "#f59e0b", sms: "#8b5cf6", messenger: "#06b6d4",
    in_app: "#ec4899", line: "#84cc16", other: "#64748b", unknown: "#94a3b8"
  };
  function hashColour(name) {
    var h = 0x811c9dc5; // FNV-1a over the UTF-16 code units
    for (var i = 0; i < name.length; i++) { h ^= name.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return "hsl(" + (h % 360) + "," + (55 + (h >>> 9) % 25) + "%," + (36 + (h >>> 17) % 18) + "%)";
  }
  function colourFor(kind, name) {
    if (kind === "channel" && channelColours[name]) { return channelColours[name]; }
    return hashColour(kind + ":" + name);
  }
  var GOOD = "#16a34a", NEUTRAL = "#f59e0b", BAD = "#dc2626", BLUE = "#2563eb", GREY = "#64748b";

  // ---------------------------------------------------------------- chart options (ECharts)
  function base(title, subtitle) {
    return {
      animation: false,
      title: { text: title, subtext: subtitle || "", left: 8 },
      tooltip: { show: true, trigger: "axis" },
      legend: { show: true, top: 44, left: 8, type: "scroll" },
      grid: { left: 12, right: 32, top: 96, bottom: 12, containLabel: true },
      color: [BLUE, NEUTRAL, GOOD, BAD, "#8b5cf6", "#06b6d4", "#ec4899", GREY]
    };
  }
  function valueAxis(name, unit, min, max) {
    var a = { type: "value", name: name };
    if (unit) { a.axisLabel = { formatter: "{value}" + unit }; }
    if (min !== undefined) { a.min = min; }
    if (max !== undefined) { a.max = max; }
    return a;
  }
  function uniq(rows, key, sort) {
    var seen = [];
    rows.forEach(function (r) { if (seen.indexOf(r[key]) < 0) { seen.push(r[key]); } });
    return sort ? seen.sort(cmpStr) : seen;
  }
  // bars draws one bar per category and series; horizontal ones list categories down the y axis.
  function bars(title, subtitle, categories, series, axis, horizontal, stacked) {
    var o = base(title, subtitle);
    var cat = { type: "category", data: categories };
    if (horizontal) { cat.inverse = true; o.xAxis = axis; o.yAxis = cat; } else { cat.axisLabel = { interval: 0 }; o.xAxis = cat; o.yAxis = axis; }
    o.series = series.map(function (s) {
      var x = { type: "bar", name: s.name, data: s.values.map(function (v) { return v === null || v === undefined ? "-" : v; }) };
      if (stacked) { x.stack = "total"; }
      if (s.colour) { x.itemStyle = { color: s.colour }; }
      return x;
    });
    return o;
  }
  function lines(title, subtitle, categories, series, axis) {
    var o = base(title, subtitle);
    o.xAxis = { type: "category", data: categories };
    o.yAxis = axis;
    o.series = series.map(function (s) {
      var x = { type: "line", name: s.name, connectNulls: false, data: s.values.map(function (v) { return v === null || v === undefined ? "-" : v; }) };
      if (s.colour) { x.itemStyle = { color: s.colour }; x.lineStyle = { color: s.colour }; }
      return x;
    });
    return o;
  }
  function periodWeeks(p) {
    var out = [];
    for (var d = p.first; d < p.first + p.days; d += 7) { out.push(dayISO(d)); }
    return out;
  }
  // pivot: the value of each (series, category) pair of rows, for charts of one series per name.
  function pivot(rows, seriesKey, catKey, valueKey, categories, kind, fill) {
    return uniq(rows, seriesKey, true).map(function (name) {
      var byCat = {};
      rows.forEach(function (r) { if (r[seriesKey] === name) { byCat[r[catKey]] = r[valueKey]; } });
      return { name: name, colour: kind ? colourFor(kind, name) : undefined, values: categories.map(function (c) { return c in byCat ? byCat[c] : fill; }) };
    });
  }
  var pctAxis = valueAxis("%", " %", 0, 100);

  // ---------------------------------------------------------------- what each page shows
  // A table column: key (the query's column), label, fmt (formats), better ("up", "down" or
  // unset: neutral; set, the cell also shows its change against the previous period), needs
  // (a capability: without it the cell reads "not in this data").
  function T(query, spec) { spec.type = "table"; spec.query = query; return spec; }
  function G(query, height, option, needs) { return { type: "chart", query: query, height: height, option: option, needs: needs }; }
  var resolvedNote = "resolved";

  // REPEAT_NOTE: a repeat contact can only be seen once its window has passed, so the rates count
  // only the conversations whose window has (docs/metrics.md, "Repeat contact near the data's end").
  var NOT_YET = "not known yet";
  // FCR_NEEDS: first-contact resolution is resolved with no reopen and no repeat contact
  // (docs/metrics.md), so data without reopens or customer ids cannot tell it.
  var FCR_NEEDS = ["resolved", "reopened", "customers"];
  var REPEAT_NOTE = "First-contact resolution and repeat contact count only the resolved conversations whose repeat window has closed: " +
    "resolved windows.repeat_contact (7 days by default) or more before the data's last event. Those resolved later count in neither part, " +
    "as their customers have not had the time to come back yet; the rates read " + NOT_YET + " while fewer than " + MIN_N + " are known.";
  var views = {
    overview: [
      { title: "Key figures", note: function () { return "Changes compare with the previous " + per.days + " days (" + per.prev_from + " to " + per.prev_to + "); none is shown when either period has fewer than " + MIN_N + " conversations" +
        (PREV_PARTIAL ? ", nor now: the data starts on " + per.data_from + ", so the previous period is only partly in it." : ".") + " " + REPEAT_NOTE; },
        items: [{ type: "tiles", query: "overview_kpis" }], wide: true },
      { title: "Daily trends", items: [
        G("overview_daily", 320, function (rows) {
          var x = rows.map(function (r) { return r.day; });
          var o = bars("Conversations and median first response", "per day", x, [{ name: "Conversations", values: rows.map(function (r) { return r.conversations; }) }], valueAxis("conversations"), false, false);
          delete o.xAxis.axisLabel; // dates: let ECharts skip labels that would overlap
          o.yAxis = [valueAxis("conversations"), valueAxis("minutes", " min")];
          o.series.push({ type: "line", name: "Median first response (min)", yAxisIndex: 1, connectNulls: false, data: rows.map(function (r) { return r.frt_median_min === null ? "-" : r.frt_median_min; }) });
          return o;
        }),
        G("overview_daily", 320, function (rows) {
          var x = rows.map(function (r) { return r.day; });
          return lines("SLA attainment and resolution rate", "per day, % of that day's conversations", x,
            [{ name: "Within SLA target (%)", values: rows.map(function (r) { return r.sla_pct; }) },
             { name: "Resolved (%)", values: caps.resolved ? rows.map(function (r) { return r.resolution_pct; }) : [] }], pctAxis);
        })] },
      { title: "Weekly trends per channel and queue", note: "Weeks are 7-day blocks from the period's first day, labelled by that day; a channel's colour is the same on every page.", items: [
        G("overview_weekly", 340, function (rows, p) {
          var weeks = periodWeeks(p), r = rows.filter(function (x) { return x.dimension === "channel"; });
          return bars("Conversations per channel", "per week", weeks, pivot(r, "name", "week", "conversations", weeks, "channel", 0), valueAxis("conversations"), false, true);
        }),
        G("overview_weekly", 340, function (rows, p) {
          var weeks = periodWeeks(p), r = rows.filter(function (x) { return x.dimension === "queue"; });
          return lines("Median first response per queue", "per week, minutes", weeks, pivot(r, "name", "week", "frt_median_min", weeks, "queue", null), valueAxis("minutes", " min"));
        })] },
      { title: "When and where customers write", items: [
        G("overview_heatmap", 300, heatmap),
        G("overview_channels", 300, function (rows) {
          var o = base("Channel mix", "conversations started");
          o.tooltip = { show: true, trigger: "item", formatter: "{b}: {c} ({d}%)" };
          o.legend = { show: true, orient: "vertical", right: 8, top: "middle", type: "scroll" };
          o.series = [{ type: "pie", name: "Channel", radius: ["40%", "68%"], center: ["42%", "56%"], label: { show: true, formatter: "{b}: {d}%" },
            data: rows.map(function (r) { return { name: r.channel, value: r.conversations, itemStyle: { color: colourFor("channel", r.channel) } }; }) }];
          return o;
        })] },
      { title: "Cost", needs: "cost", missing: "no prices are set, so no conversation has a cost: set cost in parley.yaml (docs/config.md) and rebuild.",
        note: "Cost per conversation is over conversations with a cost; per resolved conversation, all costs over the resolved ones (what each resolution cost the operation). What bot containment saved: each contained conversation at the mean cost of a human-handled one of the same contact reason.",
        items: [
          T("cost_summary", { key: ["dimension", "name"], n: "conversations", cols: [
            { key: "dimension", label: "By" }, { key: "name", label: "Name", colour: function (r) { return { channel: "channel", queue: "queue", contact_reason: "reason" }[r.dimension]; } },
            { key: "conversations", label: "Conversations", fmt: "count", better: "" },
            { key: "cost_total", label: "Total cost", fmt: "money", better: "" }, { key: "cost_per_conversation", label: "Per conversation", fmt: "money", better: "down" },
            { key: "cost_per_resolved", label: "Per resolved", fmt: "money", better: "down", needs: "resolved" }] }),
          T("cost_bot_savings", { key: ["contact_reason"], n: "contained", needs: "bot", cols: [
            { key: "contact_reason", label: "Contact reason", colour: "reason" }, { key: "contained", label: "Contained by the bot", fmt: "count", better: "up" },
            { key: "human_cost_mean", label: "Mean cost, human-handled", fmt: "money" }, { key: "saved", label: "Saved", fmt: "money", better: "up" },
            { key: "contained_cost", label: "Cost of the contained", fmt: "money" }] })
        ], wide: true },
      { title: "Retention", needs: "customers", wide: true, missing: "the conversations carry no customer ids, so whether customers come back cannot be told.",
        note: "Do high-friction or unhappy conversations bring customers back? Repeat contact: the customer came back within windows.repeat_contact after the resolution, over the resolved conversations with a customer whose repeat window has closed; not known yet while fewer than " + MIN_N + " are. Wrote again: the customer started another conversation within 30 days of this one's last event, over the conversations whose 30 days have all passed within the data (Known); a conversation still inside them counts in neither, and the rate reads not known yet while fewer than " + MIN_N + " are known.",
        items: [
          G("retention", 300, function (rows) {
            var f = rows.filter(function (r) { return r.grouping === "friction"; }), x = f.map(function (r) { return r.band; });
            return bars("Customers back, by friction", "% of each friction band", x,
              [{ name: "Wrote again within 30 days (%)", values: f.map(function (r) { return r.returned_pct; }), colour: NEUTRAL },
               { name: "Repeat contact (%)", values: caps.resolved ? f.map(function (r) { return r.repeat_pct; }) : [], colour: BAD }], pctAxis, false, false);
          }),
          T("retention", { key: ["grouping", "band"], n: "conversations", cols: [
            { key: "grouping", label: "By" }, { key: "band", label: "Band" }, { key: "conversations", label: "Conversations", fmt: "count" },
            { key: "repeat_pct", label: "Repeat contact", fmt: "pct", better: "down", needs: "resolved", none: NOT_YET },
            { key: "returned_pct", label: "Wrote again in 30 days", fmt: "pct", better: "down", none: NOT_YET },
            { key: "returned_measured", label: "Known", fmt: "count", title: "conversations with a customer whose 30 days have all passed within the data" }] })
        ] }
    ],
    responsiveness: [
      { title: "First response time distribution", note: "Calendar time counts every minute the customer waited; business time only the queue's opening hours.", items: [
        G("responsiveness_frt_buckets", 320, function (rows) { return frtChart(rows, "calendar", "First response time, calendar time", "% of each channel's responded conversations"); }),
        G("responsiveness_frt_buckets", 320, function (rows) { return frtChart(rows, "business", "First response time, business hours only", "clock stops outside the queue's opening hours"); })] },
      { title: "Per channel", wide: true, items: [
        T("responsiveness_channels", { key: ["channel"], n: "conversations", cols: [
          { key: "channel", label: "Channel", colour: "channel" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" }, { key: "responded", label: "Responded", fmt: "count" },
          { key: "frt_median_s", label: "Median FRT", fmt: "sec", better: "down", title: "calendar time" }, { key: "frt_p90_s", label: "P90 FRT", fmt: "sec", better: "down", title: "calendar time" },
          { key: "frt_business_median_s", label: "Median FRT, business", fmt: "sec", title: "only the queue's opening hours count" },
          { key: "frt_any_median_s", label: "Median first reply incl. bot", fmt: "sec" }, { key: "sla_target_s", label: "SLA target", fmt: "sec" },
          { key: "sla_pct", label: "Within target", fmt: "pct", better: "up" }] })] },
      { title: "SLA attainment per queue", items: [
        G("responsiveness_sla_queues", function (rows) { return barHeight(rows.length); }, function (rows) {
          return bars("SLA attainment per queue", "% of first responses within the channel's target", rows.map(function (r) { return r.queue; }),
            [{ name: "Within target (%)", values: rows.map(function (r) { return r.sla_pct; }), colour: GOOD }], pctAxis, true, false);
        })] },
      { title: "Per queue", wide: true, items: [
        T("responsiveness_sla_queues", { key: ["queue"], n: "measured", cols: [
          { key: "queue", label: "Queue" }, { key: "measured", label: "With a target", fmt: "count", better: "" }, { key: "met", label: "Met", fmt: "count" },
          { key: "sla_pct", label: "Within target", fmt: "pct", better: "up" }, { key: "frt_median_s", label: "Median FRT", fmt: "sec", better: "down" }] })] },
      { title: "Reply windows", note: "WhatsApp and Messenger let the business answer freely for 24 hours after the customer writes; later, only paid templates. A conversation is breached when a customer waited longer than the channel's window for any reply.",
        needs: "windows", missing: "no conversation is on a channel with a reply window (reply_windows in parley.yaml).", items: [
          G("responsiveness_windows", function (rows) { return barHeight(rows.filter(function (r) { return r.dimension === "channel"; }).length); }, function (rows) { return windowChart(rows, "channel", "Reply-window breaches per channel"); }),
          G("responsiveness_windows", function (rows) { return barHeight(rows.filter(function (r) { return r.dimension === "queue"; }).length); }, function (rows) { return windowChart(rows, "queue", "Reply-window breaches per queue"); })] },
      { title: "Who held the clock", needs: "resolved", note: "Calendar resolution time of resolved conversations: the customer waiting for the business, the business waiting for the customer, and neither (before the first message, or closed until a reopen).", items: [
        G("responsiveness_wait_split", function (rows) { return barHeight(rows.length); }, function (rows) {
          return bars("Resolution time by who was waited on", "% of each channel's calendar resolution time (sums to 100%)", rows.map(function (r) { return r.channel; }),
            [{ name: "Customer waiting on the business", values: rows.map(function (r) { return r.business_pct; }), colour: BAD },
             { name: "Business waiting on the customer", values: rows.map(function (r) { return r.customer_pct; }), colour: NEUTRAL },
             { name: "Neither", values: rows.map(function (r) { return r.other_pct; }), colour: GREY }], pctAxis, true, true);
        })] }
    ],
    resolution: [
      { title: "Resolution", needs: "resolved", note: REPEAT_NOTE, items: [
        G("resolution_buckets", 320, function (rows) {
          return bars("Time to resolution", "resolved conversations, calendar time", rows.map(function (r) { return r.label; }), [{ name: "Conversations", values: rows.map(function (r) { return r.conversations; }) }], valueAxis("conversations"), false, false);
        }),
        G("resolution_channels", 320, function (rows) {
          return bars("Resolution quality per channel", "resolution over all conversations; the rest over resolved ones", rows.map(function (r) { return r.channel; }),
            [{ name: "Resolved (%)", values: rows.map(function (r) { return r.resolution_pct; }) }, { name: "First-contact resolution (%)", values: lacks(FCR_NEEDS) ? [] : rows.map(function (r) { return r.fcr_pct; }) },
             { name: "Reopened (%)", values: caps.reopened ? rows.map(function (r) { return r.reopen_pct; }) : [] }, { name: "Repeat contact (%)", values: caps.customers ? rows.map(function (r) { return r.repeat_pct; }) : [] }], pctAxis, false, false);
        })] },
      { title: "Per channel", wide: true, needs: "resolved", items: [
        T("resolution_channels", { key: ["channel"], n: "conversations", cols: [
          { key: "channel", label: "Channel", colour: "channel" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" }, { key: "resolved", label: "Resolved", fmt: "count" },
          { key: "resolution_pct", label: "Resolution rate", fmt: "pct", better: "up" }, { key: "fcr_pct", label: "First-contact resolution", fmt: "pct", better: "up", needs: FCR_NEEDS, none: NOT_YET, title: "over resolved conversations whose repeat window has closed" },
          { key: "reopen_pct", label: "Reopened", fmt: "pct", better: "down", needs: "reopened" }, { key: "repeat_pct", label: "Repeat contact", fmt: "pct", better: "down", needs: "customers", none: NOT_YET, title: "over resolved conversations whose repeat window has closed" },
          { key: "resolution_median_s", label: "Median resolution", fmt: "sec", better: "down" }] })] },
      { title: "Bot outcomes", needs: "bot", missing: "no bot took part in any conversation of this data.", items: [
        G("resolution_bot", function (rows) { return barHeight(rows.length); }, function (rows) {
          return bars("Bot outcomes", "% of bot-handled conversations (sums to 100%)", rows.map(function (r) { return r.channel; }),
            [{ name: "Contained", values: rows.map(function (r) { return r.contained_pct; }), colour: GOOD }, { name: "Handed off", values: rows.map(function (r) { return r.handed_off_pct; }), colour: NEUTRAL },
             { name: "Abandoned", values: rows.map(function (r) { return r.abandoned_pct; }), colour: BAD }], pctAxis, true, true);
        }),
        T("resolution_bot", { key: ["channel"], n: "bot_handled", cols: [
          { key: "channel", label: "Channel", colour: "channel" }, { key: "bot_handled", label: "Bot-handled", fmt: "count", better: "" },
          { key: "contained_pct", label: "Contained", fmt: "pct", better: "up", needs: "resolved" }, { key: "handed_off_pct", label: "Handed off", fmt: "pct", better: "down" },
          { key: "abandoned_pct", label: "Abandoned", fmt: "pct", better: "down", needs: "resolved" }] })] },
      { title: "The bot over time", needs: "bot", note: "Containment, hand-off and abandonment per week (7-day blocks from the period's first day), CSAT by how the bot's part ended, and the contact reasons the bot fails most (handed off or abandoned).", items: [
        G("bot_weekly", 300, function (rows, p) {
          var weeks = periodWeeks(p), by = {};
          rows.forEach(function (r) { by[r.week] = r; });
          var pick = function (k) { return weeks.map(function (w) { return by[w] ? by[w][k] : null; }); };
          return lines("Bot outcomes by week", "% of the week's bot-handled conversations", weeks,
            [{ name: "Contained (%)", values: pick("contained_pct"), colour: GOOD }, { name: "Handed off (%)", values: pick("handed_off_pct"), colour: NEUTRAL },
             { name: "Abandoned (%)", values: pick("abandoned_pct"), colour: BAD }], pctAxis);
        }),
        T("bot_csat", { key: ["outcome"], n: "conversations", needs: "csat", cols: [
          { key: "outcome", label: "Bot outcome" }, { key: "conversations", label: "Conversations", fmt: "count" },
          { key: "csat_avg", label: "CSAT", fmt: "dec2", better: "up", needs: "csat" }, { key: "csat_responses", label: "CSAT answers", fmt: "count" }] }),
        T("bot_failures", { key: ["contact_reason"], n: "bot_handled", cols: [
          { key: "contact_reason", label: "Contact reason", colour: "reason" }, { key: "bot_handled", label: "Bot-handled", fmt: "count" },
          { key: "failed", label: "Not contained", fmt: "count" }, { key: "failed_pct", label: "Not contained %", fmt: "pct", better: "down", needs: "resolved" },
          { key: "handed_off", label: "Handed off", fmt: "count" }, { key: "abandoned", label: "Abandoned", fmt: "count" }] })] },
      { title: "Escalations", needs: "escalations", missing: "the data holds no escalated events.", note: "An escalation is effective when the conversation is resolved within the configured window and not reopened soon after.", items: [
        G("resolution_escalations", function (rows) { return barHeight(rows.length); }, function (rows) {
          return bars("Escalation effectiveness per target", "% resolved within the window without a reopen", rows.map(function (r) { return r.target; }),
            [{ name: "Effective (%)", values: rows.map(function (r) { return r.effective_pct; }), colour: GOOD }], pctAxis, true, false);
        }),
        G("resolution_handoff", 320, function (rows) {
          var labels = handoffBuckets, names = { bot: "From the bot", tier: "Between tiers" };
          return bars("Handoff wait", "from the escalation to the first human reply", labels, uniq(rows, "source").map(function (s) {
            return { name: names[s] || s, values: labels.map(function (l) { var r = rows.filter(function (x) { return x.source === s && x.label === l; })[0]; return r ? r.escalations : 0; }) };
          }), valueAxis("escalations"), false, false);
        })] },
      { title: "Escalations per target", wide: true, needs: "escalations", items: [
        T("resolution_escalations", { key: ["target"], n: "escalations", cols: [
          { key: "target", label: "Target" }, { key: "escalations", label: "Escalations", fmt: "count", better: "" }, { key: "from_bot", label: "From the bot", fmt: "count" },
          { key: "effective", label: "Effective", fmt: "count" }, { key: "effective_pct", label: "Effective %", fmt: "pct", better: "up", needs: "resolved" },
          { key: "handoff_wait_median_s", label: "Median handoff wait", fmt: "sec", better: "down" }] })] }
    ],
    friction: [
      { title: "Distribution and components", items: [
        G("friction_buckets", 320, function (rows) {
          return bars("Friction score distribution", "0 = effortless, 100 = worst", rows.map(function (r) { return r.lo + "–" + (r.lo + 10); }), [{ name: "Conversations", values: rows.map(function (r) { return r.conversations; }) }], valueAxis("conversations"), false, false);
        }),
        G("friction_components", 320, function (rows) {
          var x = rows.map(function (r) { return r.channel; });
          return bars("Friction components", "mean per channel, each 0–1", x, ["time", "impersonal", "directness", "effort"].map(function (k) {
            return { name: k.charAt(0).toUpperCase() + k.slice(1), values: rows.map(function (r) { return r[k]; }) };
          }), valueAxis("mean (0–1)", "", 0, 1), false, false);
        })] },
      { title: "Top drivers", wide: true, note: "How often each event happens in the top 10% of conversations by friction, compared with the rest. Lift above 1 means it is over-represented among the worst.", items: [
        T("friction_drivers", { key: ["driver"], n: "slice", cols: [
          { key: "driver", label: "Driver" }, { key: "high_pct", label: "In the top 10%", fmt: "pct" }, { key: "rest_pct", label: "In the rest", fmt: "pct" }, { key: "lift", label: "Lift", fmt: "dec2", better: "down" }] })] },
      { title: function () { return "Highest-friction conversations (top " + data.worst_limit + ")"; }, wide: true, items: [
        T("friction_worst", { key: null, cols: [
          { key: "conversation_id", label: "Conversation", link: true }, { key: "started_local", label: "Started" }, { key: "channel", label: "Channel", colour: "channel" },
          { key: "queue", label: "Queue" }, { key: "agent", label: "Agent" }, { key: "friction_score", label: "Friction", fmt: "dec1" }, { key: "time", label: "Time", fmt: "dec2" },
          { key: "impersonal", label: "Impersonal", fmt: "dec2" }, { key: "directness", label: "Directness", fmt: "dec2" }, { key: "effort", label: "Effort", fmt: "dec2" },
          { key: "csat", label: "CSAT", fmt: "count", needs: "csat" }] })] }
    ],
    team: [
      { title: "Agents", wide: true, note: "Each conversation counts for its most active human agent.", items: [
        T("agents", { key: ["agent"], n: "conversations", cols: [
          { key: "agent", label: "Agent" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" }, { key: "agent_messages", label: "Messages sent", fmt: "count" },
          { key: "frt_median_s", label: "Median FRT", fmt: "sec", better: "down" }, { key: "resolution_pct", label: "Resolved", fmt: "pct", better: "up", needs: "resolved" },
          { key: "resolution_median_s", label: "Median resolution", fmt: "sec", better: "down", needs: "resolved" }, { key: "csat_avg", label: "CSAT", fmt: "dec2", better: "up", needs: "csat" },
          { key: "csat_responses", label: "CSAT answers", fmt: "count" }, { key: "friction_median", label: "Median friction", fmt: "dec1", better: "down" }] })] },
      { title: "Queues", wide: true, note: "Each conversation counts for the queue it ended in.", items: [
        T("queues", { key: ["queue"], n: "conversations", cols: [
          { key: "queue", label: "Queue" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" }, { key: "frt_median_s", label: "Median FRT", fmt: "sec", better: "down" },
          { key: "sla_pct", label: "Within SLA", fmt: "pct", better: "up" }, { key: "resolution_pct", label: "Resolved", fmt: "pct", better: "up", needs: "resolved" },
          { key: "escalated_pct", label: "Escalated", fmt: "pct", better: "down", needs: "escalations" }, { key: "csat_avg", label: "CSAT", fmt: "dec2", better: "up", needs: "csat" },
          { key: "csat_responses", label: "CSAT answers", fmt: "count" }, { key: "friction_median", label: "Median friction", fmt: "dec1", better: "down" }] })] }
    ],
    reasons: [
      { title: "Volume per contact reason", note: "Per week (7-day blocks from the period's first day). A reason's colour is the same on every page.", items: [
        G("reasons_weekly", 360, function (rows, p) {
          var weeks = periodWeeks(p);
          return bars("Conversations per contact reason", "per week", weeks, pivot(rows, "contact_reason", "week", "conversations", weeks, "reason", 0), valueAxis("conversations"), false, true);
        })] },
      { title: "Per contact reason", wide: true, note: "Bot containment is over bot-handled conversations; escalation over all. Contact reasons come from the conversation's intent attribute, or from the contact_reasons rules over the customer's first messages (docs/metrics.md).", items: [
        T("reasons_summary", { key: ["contact_reason"], n: "conversations", cols: [
          { key: "contact_reason", label: "Contact reason", colour: "reason" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" },
          { key: "share_pct", label: "Share", fmt: "pct", better: "" }, { key: "frt_median_s", label: "Median FRT", fmt: "sec", better: "down" },
          { key: "resolution_pct", label: "Resolved", fmt: "pct", better: "up", needs: "resolved" },
          { key: "bot_containment_pct", label: "Bot containment", fmt: "pct", better: "up", needs: "bot" },
          { key: "escalated_pct", label: "Escalated", fmt: "pct", better: "down", needs: "escalations" },
          { key: "csat_avg", label: "CSAT", fmt: "dec2", better: "up", needs: "csat" }, { key: "friction_median", label: "Median friction", fmt: "dec1", better: "down" }] })] },
      { title: "Channel mix per market", needs: "markets", missing: "the conversations carry no market (the locale attribute by default): see dimensions in docs/config.md.",
        note: "Which channels each market prefers: each market's conversations by channel, as % of the market.", items: [
          G("markets_channels", function (rows) { return barHeight(uniq(rows, "market").length); }, function (rows) {
            var markets = uniq(rows, "market", true);
            return bars("Channel mix per market", "% of the market's conversations", markets, pivot(rows, "channel", "market", "pct_of_market", markets, "channel", 0), pctAxis, true, true);
          }),
          T("markets_channels", { key: ["market", "channel"], n: "conversations", cols: [
            { key: "market", label: "Market" }, { key: "channel", label: "Channel", colour: "channel" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" },
            { key: "pct_of_market", label: "% of market", fmt: "pct", better: "" }] })] },
      { title: "Reasons by market", needs: "markets", missing: "the conversations carry no market.", items: [
        G("markets_reasons", function (rows) { return barHeight(uniq(rows, "market").length); }, function (rows) {
          var markets = uniq(rows, "market", true);
          return bars("Contact reasons per market", "% of the market's conversations", markets, pivot(rows, "contact_reason", "market", "pct_of_market", markets, "reason", 0), pctAxis, true, true);
        }),
        T("markets_reasons", { key: ["market", "contact_reason"], n: "conversations", cols: [
          { key: "market", label: "Market" }, { key: "contact_reason", label: "Contact reason", colour: "reason" }, { key: "conversations", label: "Conversations", fmt: "count", better: "" },
          { key: "pct_of_market", label: "% of market", fmt: "pct", better: "" }] })] },
      { title: "Emerging reasons", wide: true, note: function () {
        return "Terms of customers' first messages whose share of conversations rose most against the previous " + per.days + " days, among terms in at least " + data.min_term_count + " of this period's conversations: new problems show before anyone writes a rule for them. Listed only when both periods hold " + MIN_N + " conversations or more.";
      }, items: [
        T("emerging_terms", { key: null, cols: [
          { key: "term", label: "Term" }, { key: "conversations", label: "Conversations", fmt: "count" }, { key: "share_pct", label: "Share", fmt: "pct" },
          { key: "previous_conversations", label: "Previous period", fmt: "count" }, { key: "previous_share_pct", label: "Previous share", fmt: "pct" },
          { key: "rise_pts", label: "Rise (pts)", fmt: "dec1" }] })] }
    ],
    // The Quality view: the automatic checks are drawn here, for the slice, where quality.go
    // left their place (#quality-auto); the reviews around them are drawn on the server.
    quality: [
      { title: "Automatic checks", wide: true, note: function () {
        if (!rowsOf("quality_auto_kpis").current[0].conversations) {
          return "No automatic check judged a conversation of this period" + (sliceQuery() ? " and slice" : "") + ": parley build runs them unless qa.auto.disabled is set in parley.yaml (docs/qa.md).";
        }
        return "Every conversation is judged by the automatic checks of qa.auto when the warehouse is built (auto_qa; docs/qa.md): pass, fail, or N/A where a check does not apply. " +
          "A fail rate is over the conversations a check passed or failed. The filters above apply to these figures. QA packets mark each failure on the transcript (parley qa sample --strata auto_fail).";
      }, items: [{ type: "tiles", query: "quality_auto_kpis", specs: [
        ["Failed an automatic check", "conversations_failed_pct", "pct", "down", "Conversations that failed at least one automatic check (auto_qa), of those the checks judged"],
        ["Conversations checked", "conversations", "count", "", "Conversations of the period the checks judged (passed, failed or N/A)"],
        ["Failed verdicts", "failed", "count", null, "Failed verdicts, every check counted"]] }] },
      { title: "Fail rates", items: [
        G("quality_auto_weekly", 320, function (rows) {
          var weeks = uniq(rows, "week", true), names = autoChecks.map(function (c) { return c.check; }).filter(function (n) { return rows.some(function (r) { return r.check === n; }); });
          return lines("Check fail rates by week", "ISO week of the conversations; % of the conversations each check passed or failed", weeks, names.map(function (n) {
            return { name: n, values: weeks.map(function (w) { var r = rows.filter(function (x) { return x.check === n && x.week === w; })[0]; return r ? r.fail_pct : null; }) };
          }), valueAxis("fail rate", " %", 0));
        }),
        G("quality_auto_checks", function (rows) { return barHeight(rows.length); }, function (rows) {
          return bars("Fail rate per check", "% of the conversations of the period each check passed or failed", rows.map(function (r) { return r.check; }),
            [{ name: "Fail rate (%)", values: rows.map(function (r) { return r.fail_pct; }), colour: BAD }], valueAxis("%", " %", 0), true, false);
        })] },
      { title: "Automatic checks per check and agent", wide: true, note: "Per agent: the conversations attributed to the agent (most active), each cell the fail rate with the conversations checked (n). Click a heading to sort.", items: [
        T("quality_auto_checks", { key: ["check"], n: "checked", caption: "Per check", cols: [
          { key: "check", label: "Check" }, { key: "type", label: "Type" }, { key: "category", label: "Scorecard category", title: "the category auto_qa_agreement compares it with" },
          { key: "fail_pct", label: "Fail rate", fmt: "pct", better: "down" }, { key: "failed", label: "Failed", fmt: "count" },
          { key: "checked", label: "Checked", fmt: "count", title: "passed or failed" }, { key: "conversations", label: "Judged", fmt: "count", title: "passed, failed or N/A" }] }),
        { type: "matrix", query: "quality_auto_agents", caption: "Fail rate per agent" }] }
    ]
  };
  function barHeight(n) { return 130 + 32 * Math.max(n, 3); }
  function heatmap(rows) {
    var hours = [], days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], most = 0, least = null;
    for (var h = 0; h < 24; h++) { hours.push(pad2(h)); }
    var d = rows.map(function (r) {
      most = Math.max(most, r.conversations);
      least = least === null ? r.conversations : Math.min(least, r.conversations);
      return { name: days[r.dow - 1] + " " + pad2(r.hour) + ":00–" + pad2(r.hour + 1) + ":00", value: [r.hour, r.dow - 1, r.conversations] };
    });
    if (rows.length < 7 * 24) { least = 0; }
    var o = base("Conversations by hour of week", "hour the conversation started, in " + data.timezone);
    o.legend = { show: false };
    o.tooltip = { show: true, trigger: "item" };
    o.grid = { left: 12, right: 24, top: 64, bottom: 56, containLabel: true };
    o.xAxis = { type: "category", data: hours };
    o.yAxis = { type: "category", data: days, inverse: true };
    o.visualMap = { calculable: false, min: least || 0, max: Math.max(most, (least || 0) + 1), orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#eff6ff", "#1d4ed8"] } };
    o.series = [{ type: "heatmap", name: "Conversations", data: d }];
    return o;
  }
  function frtChart(rows, basis, title, subtitle) {
    var r = rows.filter(function (x) { return x.basis === basis; });
    return bars(title, subtitle, frtBuckets, pivot(r, "channel", "label", "pct", frtBuckets, "channel", null), valueAxis("% of responded", " %"), false, false);
  }
  function windowChart(rows, dim, title) {
    var r = rows.filter(function (x) { return x.dimension === dim; });
    return bars(title, "% of conversations with a wait longer than the channel's reply window", r.map(function (x) { return x.name; }),
      [{ name: "Breached (%)", values: r.map(function (x) { return x.breached_pct; }), colour: BAD }], pctAxis, true, false);
  }

  // ---------------------------------------------------------------- the slice, and each figure's rows for it
  var dims = [
    { key: "channel", col: C.channel, label: "Channel", all: "All channels" },
    { key: "queue", col: C.queue, label: "Queue", all: "All queues" },
    { key: "market", col: C.market, label: "Market", all: "All markets" },
    { key: "reason", col: C.reason, label: "Contact reason", all: "All contact reasons" }
  ];
  var viewIDs = data.views.map(function (v) { return v.id; });
  var state = { view: viewIDs[0], channel: "", queue: "", market: "", reason: "" };
  var cache = {};
  var sliceSets = null;

  // The URL fragment is #<view>?<key>=<value>&...: split first, then decode each key and value
  // (URLSearchParams: percent-escapes, and "+" for a space as query strings write it), so a
  // value holding "&", "=", "?", "%", "#" or "+" reads back whole. Decoding the whole fragment
  // first cut "orders & returns" at its "&".
  function readHash() {
    var h = location.hash.replace(/^#/, ""), q = h.indexOf("?");
    var view = q < 0 ? h : h.slice(0, q), params = new URLSearchParams(q < 0 ? "" : h.slice(q + 1));
    state.view = viewIDs.indexOf(view) >= 0 ? view : viewIDs[0];
    dims.forEach(function (d) { state[d.key] = params.get(d.key) || ""; });
  }
  // sliceQuery is the slice as the fragment writes it, each value escaped (readHash's inverse).
  function sliceQuery() {
    return dims.filter(function (d) { return state[d.key] !== ""; }).map(function (d) { return d.key + "=" + encodeURIComponent(state[d.key]); }).join("&");
  }
  function hashFor(view) { var q = sliceQuery(); return "#" + view + (q ? "?" + q : ""); }
  function computeSets() {
    var cur = [], prev = [];
    for (var i = 0; i < C.n; i++) {
      var ok = true;
      for (var k = 0; k < dims.length && ok; k++) { ok = state[dims[k].key] === "" || dims[k].col[i] === state[dims[k].key]; }
      if (ok) { (C.day[i] >= per.start ? cur : prev).push(i); }
    }
    return { current: cur, previous: prev };
  }
  // rowsOf is a query's rows for the slice: {current: [...], previous: [...]} (current only
  // for the queries of periodOnly).
  function rowsOf(query) {
    if (!cache[query]) {
      var r = { current: Q[query](sliceSets.current, periods.current, sliceSets.previous) };
      if (!periodOnly[query]) { r.previous = Q[query](sliceSets.previous, periods.previous, []); }
      cache[query] = r;
    }
    return cache[query];
  }
  function runsOf(query) {
    var r = rowsOf(query);
    return periodOnly[query] ? [{ period: "current", rows: r.current }] : [{ period: "current", rows: r.current }, { period: "previous", rows: r.previous }];
  }
  function fileName(query) {
    var q = sliceQuery().replace(/[^A-Za-z0-9=&_.-]+/g, "_").replace(/[=&]/g, "-");
    return query + "_" + per.from + "_" + per.to + (q ? "_" + q : "") + ".csv";
  }
  function download(query) {
    var a = el("a", { href: URL.createObjectURL(new Blob([csv(query, runsOf(query))], { type: "text/csv" })), download: fileName(query) });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  // shellQuote quotes one argument for a POSIX shell, so a copied command passes a value with
  // spaces, quotes or | as one argument: inside single quotes only ' itself needs care ('\'').
  function shellQuote(arg) {
    return /^[A-Za-z0-9_.,:\/=@%+-]+$/.test(arg) ? arg : "'" + String(arg).replace(/'/g, "'\\''") + "'";
  }
  function sqlCommand(query) {
    var slice = dims.map(function (d) { return " --param " + shellQuote(d.key + "=" + (data.slice[d.key] || state[d.key])); }).join("");
    return "parley sql --db warehouse.duckdb --format csv -f " + shellQuote("sql/dashboards/" + query + ".sql") +
      " --param " + shellQuote("from=" + per.from) + " --param " + shellQuote("to=" + per.to) + slice;
  }

  // ---------------------------------------------------------------- rendering
  function figureHead(item, caption) {
    var head = el("div", { "class": "figure-head" });
    head.appendChild(el("span", { "class": "caption" }, caption || ""));
    var b = el("button", { type: "button", "class": "csv", "data-query": item.query, title: "Download the rows as CSV: the same as " + sqlCommand(item.query) + " (and the same for the previous period)" }, "CSV");
    b.addEventListener("click", function () { download(item.query); });
    head.appendChild(b);
    return head;
  }
  function missingNote(text) { return el("p", { "class": "missing" }, NOT_HERE + ": " + text); }
  // What each capability is, for "the data holds no …".
  var capNames = {
    resolved: "resolved events", reopened: "reopened events", csat: "CSAT answers", escalations: "escalated events",
    bot: "bot messages or routings to a bot", customers: "customer ids", cost: "prices", sla: "first-response target",
    windows: "conversation on a channel with a reply window", markets: "market"
  };
  // lacks: a column's needs is one capability or a list of them (a rate built from several
  // kinds of event, such as FCR from resolutions, reopens and repeat contacts).
  function lacks(needs) { return [].concat(needs).some(function (c) { return !caps[c]; }); }
  function holdsNo(cap) { return "the data holds no " + (capNames[cap] || cap) + "."; }
  // tileMeasured: a tile whose rate is over fewer than the conversations names the count it is
  // over: its change needs MIN_N of them in both periods, and below MIN_N it reads NOT_YET.
  var tileMeasured = { fcr_pct: "fcr_measured" };
  function renderTiles(item) {
    var r = rowsOf(item.query), cur = r.current[0], prev = r.previous[0];
    var box = el("div", { "class": "figure", "data-query": item.query });
    box.appendChild(figureHead(item, ""));
    var tiles = el("div", { "class": "tiles" });
    var specs = item.specs || [
      ["Conversations", "conversations", "count", "", "Conversations started in the period"],
      ["Median first response", "frt_median_s", "sec", "down", "Median time to the first human reply (calendar time)"],
      ["P90 first response", "frt_p90_s", "sec", "down", "90% of first replies came faster than this"],
      ["Within SLA target", "sla_pct", "pct", "up", "Share of conversations with a target whose first response met it", "sla"],
      ["Resolution rate", "resolution_pct", "pct", "up", "Resolved conversations over all conversations", "resolved"],
      ["First-contact resolution", "fcr_pct", "pct", "up", "Resolved with no reopen and no repeat contact, over resolved conversations whose repeat window has closed"].concat(FCR_NEEDS),
      ["Bot containment", "bot_containment_pct", "pct", "up", "Bot-handled conversations the bot resolved without a human", "bot", "resolved"],
      ["Escalation effectiveness", "escalation_effective_pct", "pct", "up", "Escalations resolved within the window without a reopen", "escalations", "resolved"],
      ["CSAT", "csat_avg", "dec2", "up", "Mean of the last CSAT answer (1–5), " + cur.csat_responses + " responses", "csat"],
      ["Median friction", "friction_median", "dec1", "down", "Friction score 0–100: higher means more customer effort"]
    ];
    specs.forEach(function (s) {
      var t = el("div", { "class": "tile", title: s[4], "data-key": s[1], "data-value": cur[s[1]] === null ? "" : String(cur[s[1]]) });
      t.appendChild(el("div", { "class": "label" }, s[0]));
      var missing = s.slice(5).filter(function (c) { return !caps[c]; }).length > 0;
      var n = tileMeasured[s[1]] || "conversations";
      var value = missing ? NOT_HERE : cur[s[1]] === null && tileMeasured[s[1]] ? NOT_YET :
        formats[s[2]](cur[s[1]]) + (s[1] === "csat_avg" && cur[s[1]] !== null ? " / 5" : "");
      t.appendChild(el("div", { "class": "value" + (missing ? " missing" : "") }, value));
      var ch = missing ? { text: "", cls: "" } : change(cur[s[1]], prev[s[1]], cur[n], prev[n], s[2], s[3]);
      if (s[3] === null) { ch = { text: "", cls: "" }; } // a figure shown without its change
      t.appendChild(el("div", { "class": "delta " + ch.cls }, ch.text));
      tiles.appendChild(t);
    });
    box.appendChild(tiles);
    return box;
  }
  function keyOf(row, key) { return key ? key.map(function (k) { return row[k]; }).join("\u0000") : null; }
  function renderTable(item) {
    var r = rowsOf(item.query), rows = r.current, prevByKey = {};
    (r.previous || []).forEach(function (p) { prevByKey[keyOf(p, item.key)] = p; });
    var box = el("div", { "class": "figure", "data-query": item.query });
    box.appendChild(figureHead(item, item.caption));
    if (item.needs && !caps[item.needs]) { box.appendChild(missingNote(holdsNo(item.needs))); return box; }
    var wrap = el("div", { "class": "table-wrap" }), table = el("table", { "class": "data sortable", "data-query": item.query, "data-keycols": (item.key || []).join("|") });
    var thead = el("thead"), hr = el("tr");
    item.cols.forEach(function (c, ci) {
      var th = el("th", { scope: "col" }, c.label);
      if (c.fmt && c.fmt !== "text") { th.className = "num"; }
      if (c.title) { th.title = c.title; }
      th.addEventListener("click", function () { sortTable(table, ci, th); });
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr"), prev = prevByKey[keyOf(row, item.key)];
      if (item.key) { tr.setAttribute("data-key", item.key.map(function (k) { return row[k]; }).join("|")); }
      item.cols.forEach(function (c) {
        var v = row[c.key], td = el("td", { "data-col": c.key });
        var numeric = c.fmt && c.fmt !== "text";
        if (numeric) { td.className = "num"; td.setAttribute("data-sort", v === null ? "" : String(v)); }
        if (c.needs && lacks(c.needs)) { td.textContent = NOT_HERE; td.classList.add("missing"); tr.appendChild(td); return; }
        var kind = typeof c.colour === "function" ? c.colour(row) : c.colour;
        if (kind) { td.appendChild(el("span", { "class": "swatch", style: "background:" + colourFor(kind, v) })); }
        var text = v === null && c.none ? c.none : formats[c.fmt || "text"](v);
        if (c.link && data.qa_link) {
          td.appendChild(el("a", { href: data.qa_link.split("{id}").join(encodeURIComponent(v)) }, text));
        } else {
          td.appendChild(document.createTextNode(text));
        }
        if (c.better !== undefined && item.key && sliceSets.previous.length) {
          // n: the row's own count, or for rows that are shares of the whole slice, the slice's.
          var nCur = item.n === "slice" ? sliceSets.current.length : row[item.n];
          var nPrev = !prev ? 0 : item.n === "slice" ? sliceSets.previous.length : prev[item.n];
          var ch = change(v, prev ? prev[c.key] : undefined, nCur, nPrev, c.fmt, c.better);
          td.appendChild(el("span", { "class": "delta " + ch.cls }, ch.text));
        }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    if (!rows.length) {
      var tr = el("tr"), td = el("td", { "class": "empty", colspan: String(item.cols.length) }, sliceSets.current.length ? "No data in this period and slice." : "No conversations in this period and slice.");
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
    wrap.appendChild(table);
    box.appendChild(wrap);
    return box;
  }
  // renderMatrix: one row per agent, one column per check (in the checks' order), each cell the
  // fail rate with its n, from the rows of quality_auto_agents.
  function renderMatrix(item) {
    var rows = rowsOf(item.query).current, agents = uniq(rows, "agent");
    var box = el("div", { "class": "figure", "data-query": item.query });
    box.appendChild(figureHead(item, ""));
    var wrap = el("div", { "class": "table-wrap" }), table = el("table", { "class": "data sortable" }), thead = el("thead"), hr = el("tr");
    table.appendChild(el("caption", {}, item.caption));
    ["Agent"].concat(autoChecks.map(function (c) { return c.check; })).forEach(function (label, ci) {
      var th = el("th", { scope: "col" }, label);
      if (ci > 0) { th.className = "num"; th.title = "fail rate (conversations checked)"; }
      th.addEventListener("click", function () { sortTable(table, ci, th); });
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el("tbody");
    agents.forEach(function (agent) {
      var tr = el("tr");
      tr.appendChild(el("td", {}, agent));
      autoChecks.forEach(function (c) {
        var r = rows.filter(function (x) { return x.agent === agent && x.check === c.check; })[0];
        var td = el("td", { "class": "num", "data-sort": r && r.fail_pct !== null ? String(r.fail_pct) : "" }, r ? formats.pct(r.fail_pct) + " (" + fmtCount(r.checked) + ")" : DASH);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    if (!agents.length) {
      var tr = el("tr");
      tr.appendChild(el("td", { "class": "empty", colspan: String(autoChecks.length + 1) }, "No conversation answered by an agent was judged in this period and slice."));
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
    wrap.appendChild(table);
    box.appendChild(wrap);
    return box;
  }
  function sortTable(table, col, th) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var numeric = th.classList.contains("num"), body = table.tBodies[0];
    var key = function (row) {
      var cell = row.cells[col];
      if (!cell) { return null; }
      if (numeric) { var v = cell.getAttribute("data-sort"); return v === null || v === "" ? null : parseFloat(v); }
      return cell.textContent.toLowerCase();
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === null || x === "") { return (y === null || y === "") ? 0 : 1; }
      if (y === null || y === "") { return -1; }
      var c = x < y ? -1 : x > y ? 1 : 0;
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  var charts = [];
  function renderChart(item) {
    var r = rowsOf(item.query), rows = r.current;
    var box = el("figure", { "class": "chart-box", "data-query": item.query });
    box.appendChild(figureHead(item, ""));
    if (item.needs && !caps[item.needs]) { box.appendChild(missingNote(holdsNo(item.needs))); return box; }
    var height = typeof item.height === "function" ? item.height(rows) : item.height;
    var div = el("div", { "class": "chart", style: "height:" + height + "px" });
    box.appendChild(div);
    charts.push({ el: div, option: item.option(rows, periods.current) });
    return box;
  }
  // drawRoot is where the script draws a view: the whole view, or in a view the server drew
  // (Quality), the element it left for the script (data-drawn).
  function drawRoot(id) { var v = document.getElementById("view-" + id); return v.querySelector("[data-drawn]") || v; }
  function renderView(id) {
    var root = drawRoot(id);
    charts.forEach(function (c) { var inst = echarts.getInstanceByDom(c.el); if (inst) { inst.dispose(); } });
    charts = [];
    // The other drawn views are emptied: each is drawn again, for the slice then chosen, when it shows.
    Object.keys(views).forEach(function (v) { if (v !== id) { drawRoot(v).textContent = ""; } });
    // Charts the server drew (Quality's) need their size now their view shows.
    document.getElementById("view-" + id).querySelectorAll("div.chart").forEach(function (c) { var inst = echarts.getInstanceByDom(c); if (inst) { inst.resize(); } });
    root.textContent = "";
    views[id].forEach(function (sec) {
      var s = el("section");
      s.appendChild(el("h2", {}, typeof sec.title === "function" ? sec.title() : sec.title));
      var note = typeof sec.note === "function" ? sec.note() : sec.note;
      if (note) { s.appendChild(el("p", { "class": "note" }, note)); }
      if (sec.needs && !caps[sec.needs]) {
        s.appendChild(missingNote(sec.missing || holdsNo(sec.needs)));
        root.appendChild(s);
        return;
      }
      var holder = el("div", { "class": sec.wide ? "wide" : "grid" });
      sec.items.forEach(function (item) {
        holder.appendChild(item.type === "tiles" ? renderTiles(item) : item.type === "table" ? renderTable(item) : item.type === "matrix" ? renderMatrix(item) : renderChart(item));
      });
      s.appendChild(holder);
      root.appendChild(s);
    });
    charts.forEach(function (c) { echarts.init(c.el, null, { renderer: "canvas" }).setOption(c.option); });
  }

  // ---------------------------------------------------------------- the filter bar, navigation
  var bar = document.getElementById("slice-bar");
  var selects = {};
  function buildBar() {
    dims.forEach(function (d) {
      var label = el("label", {}, d.label + " ");
      var sel = el("select", { name: d.key, "data-dim": d.key });
      var fixed = data.slice[d.key];
      if (fixed) {
        sel.appendChild(el("option", { value: "" }, fixed));
        sel.disabled = true;
        sel.title = "this report holds only this " + d.label.toLowerCase() + " (parley report --" + d.key + ")";
      } else {
        sel.appendChild(el("option", { value: "" }, d.all));
        var counts = new Map();
        for (var i = 0; i < C.n; i++) { if (C.day[i] >= per.start) { counts.set(d.col[i], (counts.get(d.col[i]) || 0) + 1); } }
        Array.from(counts.keys()).sort(function (a, b) { return counts.get(b) - counts.get(a) || cmpStr(a, b); }).forEach(function (v) {
          sel.appendChild(el("option", { value: v }, v + " (" + fmtCount(counts.get(v)) + ")"));
        });
        sel.addEventListener("change", function () { state[d.key] = sel.value; location.hash = hashFor(state.view); });
      }
      selects[d.key] = sel;
      label.appendChild(sel);
      bar.appendChild(label);
    });
    var clear = el("button", { type: "button", "class": "clear" }, "Clear filters");
    clear.addEventListener("click", function () { dims.forEach(function (d) { state[d.key] = ""; }); location.hash = hashFor(state.view); });
    bar.appendChild(clear);
    bar.appendChild(el("span", { "class": "count", id: "slice-count" }));
  }
  function show() {
    readHash();
    dims.forEach(function (d) {
      var sel = selects[d.key];
      if (sel.disabled) { return; }
      if (!Array.prototype.some.call(sel.options, function (o) { return o.value === state[d.key]; })) {
        // A value the period does not hold (a link from another report): keep it, selectable.
        sel.appendChild(el("option", { value: state[d.key] }, state[d.key] + " (0)"));
      }
      sel.value = state[d.key];
    });
    cache = {};
    sliceSets = computeSets();
    var total = C.day.filter(function (d) { return d >= per.start; }).length;
    document.getElementById("slice-count").textContent = fmtCount(sliceSets.current.length) + " of " + fmtCount(total) + " conversations of the period";
    var notice = document.getElementById("slice-notice");
    notice.hidden = !(total > 0 && sliceSets.current.length === 0);
    notice.textContent = "No conversation of the period matches this slice: every figure below is empty.";
    var v = data.views.filter(function (x) { return x.id === state.view; })[0];
    document.querySelector("header.top h1").textContent = v.title;
    var sub = document.querySelector("header.top .subtitle");
    if (sub) { sub.textContent = v.subtitle; }
    document.title = v.title + " · Parley";
    document.querySelectorAll("nav.pages a").forEach(function (a, k) {
      // The views' links come first; the Now page (now.html) is a page of its own.
      if (k >= viewIDs.length) { return; }
      a.setAttribute("href", hashFor(viewIDs[k]));
      if (viewIDs[k] === state.view) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    viewIDs.forEach(function (id) { document.getElementById("view-" + id).hidden = id !== state.view; });
    var qn = document.getElementById("quality-slice-note");
    if (qn) { qn.hidden = sliceQuery() === ""; }
    renderView(state.view);
  }
  buildBar();
  window.addEventListener("hashchange", show);
  window.addEventListener("resize", function () {
    document.querySelectorAll("div.chart").forEach(function (c) { var inst = echarts.getInstanceByDom(c); if (inst) { inst.resize(); } });
  });
  show();
  // For tests and for anyone who wants the numbers behind the page: each query's CSV for the
  // current slice, and its rows.
  window.parleyReport = {
    csv: function (query) { return csv(query, runsOf(query)); },
    rows: function (query) { return rowsOf(query); },
    shellQuote: shellQuote,
    queries: Object.keys(Q)
  };
  document.body.setAttribute("data-ready", "true");
  // How long the page took to open, from the start of navigation: docs/dashboards.md quotes it.
  document.body.setAttribute("data-drawn-ms", String(Math.round(performance.now())));
}
})();

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/qa"
)

// review is what a reviewer enters on one transcript page: the radio
// values of solution (1-5), tone (1-3 or N/A) and process (0 or 1), as in
// testdata/qa/e2e.yaml's scorecard (weights 2, 1, 1; process critical).
type review struct {
	conversation, reviewer  string
	solution, tone, process string
	comment                 string
}

// The scores of the fixture (testdata/qa/e2e.jsonl), by hand, on 0-100:
//
//	a1 alice 5 3 1: (2·1 + 1 + 1) / 4            = 100
//	a2 bob   3 - 1: (2·0.5 + 1) / 3              = 66.67  (tone N/A)
//	b1 alice 4 2 1: (2·0.75 + 0.5 + 1) / 4       = 75
//	b2 alice 2 1 0: process failed               = 0
//	c1 bob   1 2 1: (0 + 0.5 + 1) / 4            = 37.5
//	c2 bob   5 3 1: (2 + 1 + 1) / 4              = 100, rescored after a dispute to
//	         4 3 1: (1.5 + 1 + 1) / 4            = 87.5
//
// c3 and c4 are the calibration conversations, scored by both.
var e2eReviews = []review{
	{"a1", "alice", "5", "3", "1", "Textbook."},
	{"b1", "alice", "4", "2", "1", ""},
	{"b2", "alice", "2", "1", "0", "Promised a refund without checking: =HYPERLINK(\"x\")"},
	{"c3", "alice", "4", "3", "1", ""},
	{"c4", "alice", "5", "2", "1", ""},
	{"a2", "bob", "3", "na", "1", ""},
	{"c1", "bob", "1", "2", "1", ""},
	{"c2", "bob", "5", "3", "1", ""},
	{"c3", "bob", "3", "3", "1", ""},
	{"c4", "bob", "5", "1", "0", ""},
}

// TestQAReviewLoopEndToEnd runs the whole quality loop as people would:
// sample with reviewers and calibration, score in the packet's forms in a
// real headless Chromium from file:// (drafts kept while moving between
// pages, the reviewer id remembered), download the scores, import them
// (twice: idempotent; and a bad file, refused), build, dispute and resolve,
// build again, and check qa_reviews, qa_agent_weekly, qa_calibration and
// the Quality page against the scores worked out by hand above.
func TestQAReviewLoopEndToEnd(t *testing.T) {
	dir := t.TempDir()
	lakeDir, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	qaDir, reportDir := filepath.Join(dir, "qa"), filepath.Join(dir, "report")
	cfg := filepath.Join("..", "..", "testdata", "qa", "e2e.yaml")
	var stderr string // the last command's
	exec := func(args ...string) (string, error) {
		t.Helper()
		cmd := newRootCmd()
		var out, errOut bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&errOut)
		cmd.SetArgs(args)
		err := cmd.ExecuteContext(context.Background())
		stderr = errOut.String()
		return out.String(), err
	}
	// run runs a command that must succeed. The review commands (qa ...)
	// say on stdout what they did; their stderr stays empty unless -v.
	run := func(args ...string) string {
		t.Helper()
		out, err := exec(args...)
		if err != nil {
			t.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "qa" && (stderr == "") == slices.Contains(args, "-v") {
			t.Errorf("parley %s: stderr %q, want it empty, and the steps with -v", strings.Join(args, " "), stderr)
		}
		return out
	}
	run("import", "--lake", lakeDir, filepath.Join("..", "..", "testdata", "qa", "e2e.jsonl"))
	run("build", "--lake", lakeDir, "--db", db, "--config", cfg)
	// Per agent, at most 2, targeted at low CSAT: ana's and bob's two each,
	// cy's two low-CSAT ones; cy's other two (complete, cy is no reviewer)
	// are the calibration.
	run("qa", "sample", "--db", db, "--out", qaDir, "--config", cfg, "--from", "2026-03-05", "--to", "2026-03-11",
		"--per-agent", "2", "--random-share", "0", "--strata", "low_csat", "--reviewers", "alice,bob", "--calibration", "2",
		"--seed", "1", "--date", "2026-03-12")
	packet := filepath.Join(qaDir, "2026-03-12-1")
	pages := map[string]string{}
	assigned := map[string]string{}
	for _, m := range readJSONLines(t, filepath.Join(packet, "manifest.jsonl")) {
		conv := m["conversation_id"].(string)
		pages[conv] = filepath.Join(packet, filepath.FromSlash(m["page"].(string)))
		assigned[conv] = m["reviewer"].(string)
		if m["calibration"].(bool) {
			assigned[conv] = "all"
		}
	}
	// Balanced, never the agent's own (bob's go to alice).
	want := map[string]string{"a1": "alice", "a2": "bob", "b1": "alice", "b2": "alice", "c1": "bob", "c2": "bob", "c3": "all", "c4": "all"}
	if !maps.Equal(assigned, want) {
		t.Fatalf("assignment %v, want %v", assigned, want)
	}

	b := browsertest.New(t)
	downloads := t.TempDir()
	b.Downloads(t, downloads)
	status := func(p *browsertest.Page) string {
		return browsertest.Eval[string](t, p, `document.getElementById("qa-status").textContent`)
	}
	open := func(r review) *browsertest.Page {
		t.Helper()
		p := b.Open(t, pages[r.conversation])
		if who := browsertest.Eval[string](t, p, `document.getElementById("qa-reviewer").value`); who != r.reviewer {
			// Empty the box, type the id, leave the box: what a reviewer does.
			browsertest.Eval[string](t, p, `document.getElementById("qa-reviewer").value = ""`)
			p.Run(t, chromedp.SendKeys("#qa-reviewer", r.reviewer), chromedp.Blur("#qa-reviewer"))
		}
		return p
	}
	rate := func(p *browsertest.Page, category int, value string) {
		t.Helper()
		p.Run(t, chromedp.Click(fmt.Sprintf(`input[name="qa-r%d"][value="%s"]`, category, value)))
	}
	fill := func(r review) *browsertest.Page {
		t.Helper()
		p := open(r)
		// bob on a calibration page alice scored starts from his own, empty, draft.
		if n := browsertest.Eval[int](t, p, `document.querySelectorAll("input[type=radio]:checked").length`); n != 0 {
			t.Errorf("%s opens for %s with %d ratings already made", r.conversation, r.reviewer, n)
		}
		for i, v := range []string{r.solution, r.tone, r.process} {
			rate(p, i, v)
		}
		if r.comment != "" {
			p.Run(t, chromedp.SendKeys("#qa-overall", r.comment))
		}
		if s := status(p); !strings.Contains(s, "3 of 3 categories rated · complete · score") {
			t.Errorf("%s by %s: status %q, want a complete review", r.conversation, r.reviewer, s)
		}
		p.RequireClean(t)
		return p
	}

	// alice starts a1, leaves it half done, scores b1, and comes back.
	p := open(e2eReviews[0])
	rate(p, 0, "5")
	if s := status(p); !strings.Contains(s, "1 of 3 categories rated") {
		t.Errorf("a1 after one rating: status %q", s)
	}
	next := fill(e2eReviews[1])
	if s := status(next); !strings.Contains(s, "score 75.0") {
		t.Errorf("b1: status %q, want score 75.0", s)
	}
	p = b.Open(t, pages["a1"])
	if who := browsertest.Eval[string](t, p, `document.getElementById("qa-reviewer").value`); who != "alice" {
		t.Errorf("the reviewer id is not remembered: %q", who)
	}
	if !browsertest.Eval[bool](t, p, `document.querySelector('input[name="qa-r0"][value="5"]').checked`) {
		t.Error("a1's draft (solution 5) was not restored")
	}
	rate(p, 1, "3")
	rate(p, 2, "1")
	p.Run(t, chromedp.SendKeys("#qa-overall", e2eReviews[0].comment))
	if s := status(p); !strings.Contains(s, "complete · score 100.0") {
		t.Errorf("a1: status %q, want score 100.0", s)
	}
	for _, r := range e2eReviews[2:] {
		p := fill(r)
		if r.reviewer == "bob" && r.conversation == "c4" && !strings.Contains(status(p), "score 0.0") {
			t.Errorf("c4 by bob: status %q, want score 0.0 (process failed)", status(p))
		}
	}
	idx := b.Open(t, filepath.Join(packet, "index.html"))
	idx.RequireClean(t)
	if got := browsertest.Eval[string](t, idx, `document.getElementById("qa-progress").textContent`); !strings.HasPrefix(got, "10 complete reviews in this browser, 0 drafts") {
		t.Errorf("index progress %q", got)
	}
	if got := browsertest.Eval[string](t, idx, `document.querySelector('a[href="transcripts/7.html"]').closest("tr").lastElementChild.textContent`); got != "reviewed by alice, bob" {
		t.Errorf("index review column of c3: %q", got)
	}
	idx.Run(t, chromedp.Click("#qa-download"))
	scores := b.Downloaded(t, "scores-2026-03-12-1.jsonl")
	lines := readJSONLines(t, scores)
	if len(lines) != 10 {
		t.Fatalf("downloaded %d reviews, want 10", len(lines))
	}
	ids := map[string]string{}
	for _, l := range lines {
		ids[l["conversation_id"].(string)+"/"+l["reviewer_id"].(string)] = l["review_id"].(string)
	}

	// A bad copy (line 4 rated 9 of 5) is refused with the line and field,
	// and the lake is left as it was.
	bad := filepath.Join(dir, "bad.jsonl")
	var badLines []byte
	for i, l := range lines {
		if i == 3 {
			l = maps.Clone(l)
			r := slices.Clone(l["ratings"].([]any))
			r[0] = map[string]any{"category": "solution", "rating": 9, "na": false, "comment": ""}
			l["ratings"] = r
		}
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		badLines = append(append(badLines, b...), '\n')
	}
	if err := os.WriteFile(bad, badLines, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec("qa", "import", "--lake", lakeDir, "--config", cfg, bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl line 4: ratings[0].rating: 9 is outside the scale 1-5") {
		t.Errorf("import of a bad file: %v\n%s", err, out)
	}
	if reviews, _ := filepath.Glob(filepath.Join(lakeDir, "reviews", "*")); len(reviews) != 0 {
		t.Errorf("a refused import wrote %v", reviews)
	}

	ledger := filepath.Join(qaDir, "ledger.csv")
	if out := run("qa", "import", "--lake", lakeDir, "--config", cfg, "--ledger", ledger, scores); !strings.Contains(out, "10 reviews read: 10 stored") || !strings.Contains(out, "ledger: 8 rows reviewed") {
		t.Errorf("import: %s", out)
	}
	lakeBefore := treeOf(t, filepath.Join(lakeDir, "reviews"))
	if out := run("qa", "import", "--lake", lakeDir, "--config", cfg, "-v", scores); !strings.Contains(out, "10 reviews read: 0 stored, 10 already in the lake") || !strings.Contains(stderr, `msg="qa: scores imported"`) {
		t.Errorf("second import: %s", out)
	}
	if !maps.Equal(treeOf(t, filepath.Join(lakeDir, "reviews")), lakeBefore) {
		t.Error("importing the same file twice changed the lake")
	}

	run("build", "--lake", lakeDir, "--db", db, "--config", cfg)
	sql := func(query string) []map[string]any {
		t.Helper()
		var rows []map[string]any
		if err := json.Unmarshal([]byte(run("sql", "--db", db, "--format", "json", query)), &rows); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return rows
	}
	cyScore := func() float64 {
		t.Helper()
		rows := sql("SELECT mean_score FROM qa_agent_weekly WHERE agent_id = 'cy'")
		if len(rows) != 1 {
			t.Fatalf("qa_agent_weekly has %d rows for cy, want 1 (did the build pick up the reviews?)", len(rows))
		}
		return rows[0]["mean_score"].(float64)
	}
	if got := cyScore(); math.Abs(got-68.75) > 1e-9 {
		t.Errorf("cy's quality before the dispute = %v, want (37.5 + 100) / 2", got)
	}

	// cy disputes c2 and the lead accepts with a rescore (solution 4); bob
	// disputes b2 (rejected); ana disputes a2 (left open).
	rescore := filepath.Join(dir, "rescore.jsonl")
	for _, l := range lines {
		if l["review_id"] == ids["c2/bob"] {
			l["ratings"].([]any)[0].(map[string]any)["rating"] = 4
			b, err := json.Marshal(l)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(rescore, append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	run("qa", "dispute", "--lake", lakeDir, "--review", ids["c2/bob"], "--by", "cy", "--reason", "the refund had been sent")
	run("qa", "resolve", "--lake", lakeDir, "--review", ids["c2/bob"], "--accept", "--rescore", rescore, "--by", "lead", "--config", cfg)
	run("qa", "dispute", "--lake", lakeDir, "--review", ids["b2/alice"], "--by", "bob", "--reason", "policy allowed it")
	run("qa", "resolve", "--lake", lakeDir, "--review", ids["b2/alice"], "--reject", "--by", "lead")
	run("qa", "dispute", "--lake", lakeDir, "--review", ids["a2/bob"], "--by", "ana", "--reason", "tone was fine")
	if out := run("build", "--lake", lakeDir, "--db", db, "--config", cfg); !strings.Contains(out, "updated") {
		t.Errorf("build after the disputes: %s, want an incremental update", out)
	}

	type row = map[string]any
	reviews := sql(`SELECT conversation_id, reviewer_id, agent_id, round(score, 9) AS score, critical_failed, status, calibration, conversation_found
		FROM qa_reviews ORDER BY conversation_id, reviewer_id`)
	wantReviews := []row{
		{"conversation_id": "a1", "reviewer_id": "alice", "agent_id": "ana", "score": 100.0, "critical_failed": false, "status": "submitted", "calibration": false},
		{"conversation_id": "a2", "reviewer_id": "bob", "agent_id": "ana", "score": round9(200.0 / 3), "critical_failed": false, "status": "disputed", "calibration": false},
		{"conversation_id": "b1", "reviewer_id": "alice", "agent_id": "bob", "score": 75.0, "critical_failed": false, "status": "submitted", "calibration": false},
		{"conversation_id": "b2", "reviewer_id": "alice", "agent_id": "bob", "score": 0.0, "critical_failed": true, "status": "dispute_rejected", "calibration": false},
		{"conversation_id": "c1", "reviewer_id": "bob", "agent_id": "cy", "score": 37.5, "critical_failed": false, "status": "submitted", "calibration": false},
		{"conversation_id": "c2", "reviewer_id": "bob", "agent_id": "cy", "score": 87.5, "critical_failed": false, "status": "dispute_accepted", "calibration": false},
		{"conversation_id": "c3", "reviewer_id": "alice", "agent_id": "cy", "score": 87.5, "critical_failed": false, "status": "submitted", "calibration": true},
		{"conversation_id": "c3", "reviewer_id": "bob", "agent_id": "cy", "score": 75.0, "critical_failed": false, "status": "submitted", "calibration": true},
		{"conversation_id": "c4", "reviewer_id": "alice", "agent_id": "cy", "score": 87.5, "critical_failed": false, "status": "submitted", "calibration": true},
		{"conversation_id": "c4", "reviewer_id": "bob", "agent_id": "cy", "score": 0.0, "critical_failed": true, "status": "submitted", "calibration": true},
	}
	if len(reviews) != len(wantReviews) {
		t.Fatalf("qa_reviews: %v", reviews)
	}
	for i, w := range wantReviews {
		w["conversation_found"] = true
		for k, v := range w {
			if reviews[i][k] != v {
				t.Errorf("qa_reviews %s/%s: %s = %v, want %v", w["conversation_id"], w["reviewer_id"], k, reviews[i][k], v)
			}
		}
	}
	if got := cyScore(); got != 62.5 {
		t.Errorf("cy's quality after the accepted dispute = %v, want (37.5 + 87.5) / 2", got)
	}

	// qa_agent_weekly: a1 and a2 fall in ISO weeks 10 and 11; category
	// means are the ratings scaled to 0-100.
	weekly := sql(`SELECT agent_id, iso_week, reviews, round(mean_score, 9) AS mean_score, critical_fails, critical_fail_rate,
		map_extract(category_means, 'solution')[1] AS solution, map_extract(category_means, 'tone')[1] AS tone,
		map_extract(category_means, 'process')[1] AS process
		FROM qa_agent_weekly ORDER BY agent_id, week`)
	wantWeekly := []row{
		{"agent_id": "ana", "iso_week": "2026-W10", "reviews": 1.0, "mean_score": 100.0, "critical_fails": 0.0, "critical_fail_rate": 0.0, "solution": 100.0, "tone": 100.0, "process": 100.0},
		{"agent_id": "ana", "iso_week": "2026-W11", "reviews": 1.0, "mean_score": round9(200.0 / 3), "critical_fails": 0.0, "critical_fail_rate": 0.0, "solution": 50.0, "tone": nil, "process": 100.0},
		{"agent_id": "bob", "iso_week": "2026-W10", "reviews": 2.0, "mean_score": 37.5, "critical_fails": 1.0, "critical_fail_rate": 0.5, "solution": 50.0, "tone": 25.0, "process": 50.0},
		{"agent_id": "cy", "iso_week": "2026-W10", "reviews": 2.0, "mean_score": 62.5, "critical_fails": 0.0, "critical_fail_rate": 0.0, "solution": 37.5, "tone": 75.0, "process": 100.0},
	}
	if len(weekly) != len(wantWeekly) {
		t.Fatalf("qa_agent_weekly: %v", weekly)
	}
	for i, w := range wantWeekly {
		for k, v := range w {
			if weekly[i][k] != v {
				t.Errorf("qa_agent_weekly %s %s: %s = %v, want %v", w["agent_id"], w["iso_week"], k, weekly[i][k], v)
			}
		}
	}
	// Calibration, scaled values: solution c3 .75 .5, c4 1 1 → alpha 1 - 3·0.125/1.375 = 8/11;
	// tone c3 1 1, c4 .5 0 → 1 - 3·0.5/5.5 = 8/11; process c3 1 1, c4 1 0 → 1 - 3·2/6 = 0.
	for _, c := range sql(`SELECT DISTINCT category, round(alpha, 9) AS alpha, items, reviewers FROM qa_calibration ORDER BY category`) {
		wantAlpha := map[string]float64{"process": 0, "solution": round9(8.0 / 11), "tone": round9(8.0 / 11)}[c["category"].(string)]
		if c["alpha"] != wantAlpha || c["items"] != 2.0 || c["reviewers"] != 2.0 {
			t.Errorf("qa_calibration %v, want alpha %v over 2 items and 2 reviewers", c, wantAlpha)
		}
	}
	for _, l := range readLedger(t, ledger) {
		if l[8] != "reviewed" {
			t.Errorf("ledger row %v is not reviewed", l)
		}
	}

	// The Quality page shows the same figures, and each is the query behind it.
	run("report", "--db", db, "--out", reportDir, "--from", "2026-03-05", "--to", "2026-03-11")
	// The Quality page is a view of the report's index.html (quality.html leads there).
	q := b.Open(t, filepath.Join(reportDir, "index.html"))
	q.WaitFor(t, `document.body.getAttribute("data-ready") === "true"`)
	browsertest.Eval[string](t, q, `location.hash = "#quality"`)
	q.WaitFor(t, `!document.getElementById("view-quality").hidden`)
	q.RequireClean(t)
	text := browsertest.Eval[string](t, q, `document.getElementById("view-quality").innerText`)
	csat := pearson([]float64{100, 200.0 / 3, 75, 0, 37.5, 87.5}, []float64{5, 3, 4, 1, 2, 1})
	for _, s := range []string{
		"Reviews\n6", "61.1 / 100", "16.7%", "Open disputes\n1", "Disputes accepted\n50.0%",
		fmt.Sprintf("Pearson correlation with CSAT: %.3f (n = 6)", csat),
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the Quality page lacks %q", s)
		}
	}
	agents := browsertest.Eval[[][]string](t, q, `Array.from(document.querySelectorAll("#view-quality table.data")[0].tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent))`)
	wantAgents := [][]string{{"ana", "83.3", "2", "2", "0", "1"}, {"cy", "62.5", "2", "2", "0", "0"}, {"bob", "37.5", "2", "2", "1", "0"}}
	if !slices.EqualFunc(agents, wantAgents, slices.Equal) {
		t.Errorf("agents table %v, want %v", agents, wantAgents)
	}
	var fromSQL [][]string
	csvOut := run("sql", "--db", db, "--format", "csv", "-f", filepath.Join("..", "..", "sql", "dashboards", "quality_agents.sql"),
		"--param", "from=2026-03-05", "--param", "to=2026-03-11")
	for _, line := range strings.Split(strings.TrimSpace(csvOut), "\n")[1:] {
		f := strings.Split(line, ",") // agent, reviews, scored, mean_score, critical_fails, disputes_open
		fromSQL = append(fromSQL, []string{f[0], f[3], f[2], f[1], f[4], f[5]})
	}
	if !slices.EqualFunc(fromSQL, wantAgents, slices.Equal) {
		t.Errorf("parley sql -f sql/dashboards/quality_agents.sql gives %v, the page %v", fromSQL, wantAgents)
	}
	if !strings.Contains(text, "0.727") || !strings.Contains(text, "tentative") {
		t.Errorf("the calibration table lacks alpha 0.727 (tentative)")
	}
}

func round9(v float64) float64 { return math.Round(v*1e9) / 1e9 }

// pearson is Pearson's correlation coefficient, written out.
func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx, my = mx+x[i], my+y[i]
	}
	mx, my = mx/float64(len(x)), my/float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func readJSONLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

// readLedger returns the rows of the QA ledger at path, without its header.
func readLedger(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

// treeOf maps every file under root to its content.
func treeOf(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestQACommandUsage: the QA commands' flag errors are usage errors that
// name the flag to fix.
func TestQACommandUsage(t *testing.T) {
	lakeDir := t.TempDir()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"qa", "import", "x.jsonl"}, []string{"--lake is required"}},
		{[]string{"qa", "import", "--lake", lakeDir}, []string{"give at least one scores file"}},
		{[]string{"qa", "dispute", "--lake", lakeDir}, []string{"--review: required", "--by: required", "--reason: required"}},
		{[]string{"qa", "resolve", "--lake", lakeDir, "--review", "rv-1", "--by", "lead"}, []string{"give --accept or --reject"}},
		{[]string{"qa", "resolve", "--lake", lakeDir, "--review", "rv-1", "--by", "lead", "--accept", "--reject"}, []string{"give --accept or --reject, not both"}},
		{[]string{"qa", "resolve", "--lake", lakeDir, "--review", "rv-1", "--by", "lead", "--accept"}, []string{"--rescore: an accepted dispute changes the review"}},
		{[]string{"qa", "sample", "--db", "w.duckdb", "--out", lakeDir, "--reviewers", "ana", "--calibration", "2"}, []string{"calibration: 2 conversations need at least two reviewers"}},
		// Zero used to mean the default: --size 0 sampled 50 conversations.
		{[]string{"qa", "sample", "--db", "w.duckdb", "--out", lakeDir, "--size", "0"}, []string{"--size: 0 must be > 0"}},
		{[]string{"qa", "sample", "--db", "w.duckdb", "--out", lakeDir, "--per-agent", "0"}, []string{"--per-agent: 0 must be > 0"}},
	}
	for _, tt := range tests {
		cmd := newRootCmd()
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SetArgs(tt.args)
		err := cmd.ExecuteContext(context.Background())
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", tt.args, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %v, want it to say %q", tt.args, err, w)
			}
		}
	}
}

// TestQASampleNothingToSample: qa sample with a --queue or --channel value no conversation
// has is a usage error naming the values that exist, and a period without conversations of
// the filters is an error too; neither leaves a packet or a ledger behind (both used to write
// an empty packet and exit 0, where report fails).
func TestQASampleNothingToSample(t *testing.T) {
	dir := t.TempDir()
	lakeDir, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	mustParley(t, "import", "--lake", lakeDir, metricsFixture("rules.jsonl"))
	mustParley(t, "build", "--lake", lakeDir, "--db", db)
	out := mustParley(t, "sql", "--db", db, "--format", "csv",
		"SELECT channel FROM conversations WHERE channel <> 'unknown' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	channel := strings.Split(out, "\n")[1]
	out = mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT contact_reason FROM conversations GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	reason := strings.Split(out, "\n")[1]
	for _, tc := range []struct {
		name  string
		args  []string
		usage bool
		want  []string
	}{
		{"unknown channel", []string{"--channel", "telegram"}, true, []string{`--channel: "telegram": not in the warehouse`, channel}},
		{"unknown queue", []string{"--queue", "no-such-queue"}, true, []string{`--queue: "no-such-queue": not in the warehouse`}},
		// --market and --reason are checked as report's are: the values that exist, "(none)"
		// for the conversations without a market, and the near miss.
		{"unknown market", []string{"--market", "Atlantis"}, true, []string{`--market: "Atlantis": not in the warehouse`, "(none)"}},
		{"unknown reason", []string{"--reason", reason[:len(reason)-1]}, true,
			[]string{`--reason: "` + reason[:len(reason)-1] + `": not in the warehouse`, "did you mean " + reason + "?"}},
		// A misspelt check is a usage error like a misspelt stratum (it exited 1, low_csa 2).
		{"unknown check", []string{"--strata", "auto_fail:greting"}, true, []string{`--strata: auto_fail:greting: automatic check "greting": not in the warehouse`, "did you mean greeting?"}},
		{"empty period", []string{"--channel", channel, "--from", "2030-01-01", "--to", "2030-01-07"}, false,
			[]string{"no conversations to sample of channel " + channel + " from 2030-01-01 to 2030-01-07", "pick another period"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qaDir := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			_, errOut, err := cli(strings.NewReader(""), append([]string{"qa", "sample", "--db", db, "--out", qaDir, "--date", "2026-08-01"}, tc.args...)...)
			var ue usageError
			if err == nil || errors.As(err, &ue) != tc.usage {
				t.Fatalf("qa sample %v: err %v (stderr %q), want an error (usage error: %v)", tc.args, err, errOut, tc.usage)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("qa sample %v: %v, want it to say %q", tc.args, err, w)
				}
			}
			if _, err := os.Stat(qaDir); errors.Is(err, os.ErrNotExist) {
				return
			}
			if left := treeOf(t, qaDir); len(left) > 0 {
				t.Errorf("qa sample %v left files behind: %v", tc.args, slices.Sorted(maps.Keys(left)))
			}
		})
	}
}

// TestQAImportLedgerFlag: a --ledger that does not exist is a usage error
// naming the flag, and nothing is written to the lake (the review was
// stored, then "qa: ledger: stat ...: no such file or directory", exit 1);
// a good ledger's one reviewed row is counted in the singular.
func TestQAImportLedgerFlag(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	if err := os.Mkdir(lakeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	card := config.DefaultScorecard()
	review := qa.Review{ReviewID: "rv-0123456789abcdef", Run: "2026-03-20-7", ConversationID: "c-1", AgentID: "ana", ReviewerID: "bob",
		Scorecard: card.Name, ScorecardVersion: card.Version(), ReviewedAt: "2026-03-21T09:30:00Z"}
	for _, c := range card.Categories {
		lo, _, _ := config.ScaleRange(c.Scale)
		n := json.Number(fmt.Sprint(lo))
		review.Ratings = append(review.Ratings, qa.Rating{Category: c.Name, Rating: &n})
	}
	line, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(dir, "new.jsonl")
	if err := os.WriteFile(scores, append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}

	missing := filepath.Join(dir, "nonexistent.csv")
	_, _, err = cli(strings.NewReader(""), "qa", "import", "--lake", lakeDir, "--ledger", missing, scores)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "qa import: --ledger: "+missing+" does not exist") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("qa import --ledger %s: %v; want a usage error naming --ledger, saying nothing was imported", missing, err)
	}
	for path := range treeOf(t, lakeDir) {
		if !strings.HasSuffix(path, ".lock") {
			t.Errorf("the refused import wrote %s", path)
		}
	}

	// Another packet folder's ledger: not one of the reviews' conversations is in it.
	other := filepath.Join(dir, "other-ledger.csv")
	if err := os.WriteFile(other, []byte("run,sampled_at,conversation_id,agent_id,reason,seed\n2026-03-20-9,2026-03-20T08:00:00Z,c-7,ana,random,9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = cli(strings.NewReader(""), "qa", "import", "--lake", lakeDir, "--ledger", other, scores)
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "qa import: --ledger: "+other+" sampled none of the conversations") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("qa import --ledger %s: %v; want a usage error naming --ledger, saying it sampled none of them and nothing was imported", other, err)
	}
	for path := range treeOf(t, lakeDir) {
		if !strings.HasSuffix(path, ".lock") {
			t.Errorf("the import into another ledger wrote %s", path)
		}
	}

	ledger := filepath.Join(dir, "ledger.csv")
	if err := os.WriteFile(ledger, []byte("run,sampled_at,conversation_id,agent_id,reason,seed\n2026-03-20-7,2026-03-20T08:00:00Z,c-1,ana,random,7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustParley(t, "qa", "import", "--lake", lakeDir, "--ledger", ledger, scores); !strings.Contains(out, "1 review read: 1 stored") || !strings.Contains(out, "ledger: 1 row reviewed\n") {
		t.Errorf("qa import with a good ledger printed %q, want \"1 review read: 1 stored\" and \"ledger: 1 row reviewed\"", out)
	}
}

// TestQASampleSlice: qa sample --market, --reason and --queue sample the slice parley report
// shows with the same flags: exactly the period's conversations of that market, contact reason
// and last queue (it said "unknown flag: --market"). A rerun of the run with another --market
// is refused and keeps the packet.
func TestQASampleSlice(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(dir, "events.jsonl")
	mustParley(t, "generate", "--days", "3", "--per-day", "300", "--start", "2026-03-02", "--out", events)
	_, db := importAndBuild(t, events)
	first := func(q string) string {
		t.Helper()
		rows := strings.Split(strings.TrimSpace(mustParley(t, "sql", "--db", db, "--format", "csv", q)), "\n")
		if len(rows) < 2 || rows[1] == "" {
			t.Fatalf("%s: no value", q)
		}
		return rows[1]
	}
	const period = "local_date BETWEEN DATE '2026-03-02' AND DATE '2026-03-04'"
	market := first("SELECT market FROM conversations WHERE market IS NOT NULL AND " + period + " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	queue := first("SELECT last_queue FROM conversations WHERE last_queue IS NOT NULL AND market = '" + market + "' AND " + period + " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	reason := first("SELECT contact_reason FROM conversations WHERE last_queue = '" + queue + "' AND market = '" + market + "' AND " + period + " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	for _, tc := range []struct {
		name, where string
		args        []string
	}{
		{"market", "market = '" + market + "'", []string{"--market", market}},
		{"reason", "contact_reason = '" + reason + "'", []string{"--reason", reason}},
		{"queue, market and reason", "last_queue = '" + queue + "' AND market = '" + market + "' AND contact_reason = '" + reason + "'",
			[]string{"--queue", queue, "--market", market, "--reason", reason}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := strings.Split(strings.TrimSpace(mustParley(t, "sql", "--db", db, "--format", "csv",
				"SELECT conversation_id FROM conversations WHERE "+tc.where+" AND "+period+" ORDER BY 1")), "\n")[1:]
			total := strings.Split(strings.TrimSpace(mustParley(t, "sql", "--db", db, "--format", "csv",
				"SELECT count(*) FROM conversations WHERE "+period)), "\n")[1]
			if len(rows) == 0 || strconv.Itoa(len(rows)) == total {
				t.Fatalf("the slice %s holds %d of the period's %s conversations, want some but not all", tc.where, len(rows), total)
			}
			qaDir := filepath.Join(dir, "qa-"+strings.ReplaceAll(tc.name, " ", ""))
			mustParley(t, append([]string{"qa", "sample", "--db", db, "--out", qaDir, "--date", "2026-03-20", "--seed", "1",
				"--from", "2026-03-02", "--to", "2026-03-04", "--size", "5000"}, tc.args...)...)
			packet := filepath.Join(qaDir, "2026-03-20-1")
			var sampled []string
			for _, r := range readJSONLines(t, filepath.Join(packet, "manifest.jsonl")) {
				sampled = append(sampled, r["conversation_id"].(string))
			}
			slices.Sort(sampled)
			if !slices.Equal(sampled, rows) {
				t.Errorf("sampled %d conversations, want the slice's %d (%s)", len(sampled), len(rows), tc.where)
			}
		})
	}
	// The packet of --market is another sample than one of another market.
	other := first("SELECT market FROM conversations WHERE market <> '" + market + "' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	qaDir := filepath.Join(dir, "qa-market")
	before := treeOf(t, qaDir)
	_, _, err := cli(strings.NewReader(""), "qa", "sample", "--db", db, "--out", qaDir, "--date", "2026-03-20", "--seed", "1",
		"--from", "2026-03-02", "--to", "2026-03-04", "--size", "5000", "--market", other)
	if err == nil || !strings.Contains(err.Error(), `--market "`+market+`" there, "`+other+`" now`) {
		t.Errorf("qa sample --market %s over the --market %s packet: %v, want it refused naming --market", other, market, err)
	}
	if after := treeOf(t, qaDir); !maps.Equal(before, after) {
		t.Errorf("the refused run changed %s", qaDir)
	}
}

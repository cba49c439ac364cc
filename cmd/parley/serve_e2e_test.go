package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
)

// TestServeInBrowser runs parley serve on 127.0.0.1 over the QA
// end-to-end fixture (testdata/qa: agents ana, bob and cy; reviewers alice
// and bob) and uses it in headless Chromium, one browser context per
// person: each role opens what it may and gets 403 elsewhere (an agent
// asking for another agent's review is refused and audited); a QA reviewer
// scores a transcript in the packet's form, which posts to the server, and
// the review is in qa_reviews after the next build, and the open Now page
// reloads once the reports of that build land; an agent disputes a
// review; a forged CSRF token, a cross-origin form and path traversal are
// refused. Passwords come from parley serve passwd.
func TestServeInBrowser(t *testing.T) {
	dir := t.TempDir()
	lakeDir, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	qaDir, reportDir := filepath.Join(dir, "qa"), filepath.Join(dir, "report")
	fixture := filepath.Join("..", "..", "testdata", "qa")
	scorecards, err := os.ReadFile(filepath.Join(fixture, "e2e.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e2eCfg := filepath.Join(fixture, "e2e.yaml")
	mustParley(t, "import", "--lake", lakeDir, filepath.Join(fixture, "e2e.jsonl"))
	mustParley(t, "build", "--lake", lakeDir, "--db", db, "--config", e2eCfg)
	mustParley(t, "report", "--db", db, "--out", reportDir)
	mustParley(t, "qa", "sample", "--db", db, "--out", qaDir, "--config", e2eCfg, "--from", "2026-03-05", "--to", "2026-03-11",
		"--per-agent", "2", "--random-share", "0", "--strata", "low_csat", "--reviewers", "alice,bob", "--calibration", "2",
		"--seed", "1", "--date", "2026-03-12")

	// Two reviews already imported and built: bob's of ana's a2, alice's of cy's c1.
	settings, err := config.Load(e2eCfg)
	if err != nil {
		t.Fatal(err)
	}
	version := settings.QA.List()[0].Version()
	line := func(id, conv, agent, reviewer string) string {
		return fmt.Sprintf(`{"review_id":%q,"run":"2026-03-12-1","conversation_id":%q,"agent_id":%q,"reviewer_id":%q,"calibration":false,`+
			`"scorecard":"chat","scorecard_version":%q,"reviewed_at":"2026-03-13T09:00:00Z","ratings":[`+
			`{"category":"solution","rating":3,"na":false,"comment":""},{"category":"tone","rating":2,"na":false,"comment":""},`+
			`{"category":"process","rating":1,"na":false,"comment":""}],"comment":"ok"}`, id, conv, agent, reviewer, version)
	}
	scores := filepath.Join(dir, "scores.jsonl")
	if err := os.WriteFile(scores, []byte(line("rv-ana", "a2", "ana", "bob")+"\n"+line("rv-cy", "c1", "cy", "alice")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustParley(t, "qa", "import", "--lake", lakeDir, "--config", e2eCfg, scores)
	mustParley(t, "build", "--lake", lakeDir, "--db", db, "--config", e2eCfg)

	passwords := map[string]string{"lead": "lead-pw-1", "alice": "alice-pw-2", "ana": "ana-pw-3", "cy": "cy-pw-4", "root": "root-pw-5"}
	hash := func(user string) string {
		out, _, err := cli(strings.NewReader(passwords[user]+"\n"), "serve", "passwd", "--cost", "4")
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out)
	}
	cfg := writeConfig(t, dir, string(scorecards)+fmt.Sprintf(`lake: %s
run: {db: %s, reports: %s, qa: {out: %s}}
serve:
  auth: password
  refresh_every: 1s
  users:
    - {name: lead, password_hash: '%s', roles: [leader]}
    - {name: alice, password_hash: '%s', roles: [qa]}
    - {name: ana, password_hash: '%s', roles: [agent]}
    - {name: cy, password_hash: '%s', roles: [agent]}
    - {name: root, password_hash: '%s', roles: [admin]}
`, lakeDir, db, reportDir, qaDir, hash("lead"), hash("alice"), hash("ana"), hash("cy"), hash("root")))
	srv := startCmd(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0")

	b := browsertest.New(t)
	signIn := func(user, password string) *browsertest.Page {
		t.Helper()
		p := b.Session(t).OpenURL(t, srv.url+"/reviews")
		p.Run(t, chromedp.SendKeys("#name", user), chromedp.SendKeys("#password", password),
			chromedp.Click("#signin"), chromedp.WaitReady("#message, #who"))
		return p
	}
	// A wrong password is refused, said so, and audited.
	p := signIn("ana", "guess")
	if p.Status() != http.StatusUnauthorized || !strings.Contains(p.Text(t), "Wrong name or password") {
		t.Errorf("a wrong password: status %d, page %q", p.Status(), p.Text(t))
	}
	people := map[string]*browsertest.Page{}
	for user, pw := range passwords {
		people[user] = signIn(user, pw)
		if got := browsertest.Eval[string](t, people[user], `(document.getElementById("who") || {}).textContent || ""`); got != user {
			t.Fatalf("%s signed in as %q: %d %q", user, got, people[user].Status(), people[user].Text(t))
		}
	}

	pages := map[string]string{}
	for _, m := range readJSONLines(t, filepath.Join(qaDir, "2026-03-12-1", "manifest.jsonl")) {
		pages[m["conversation_id"].(string)] = m["page"].(string)
	}
	// What each role may open; everything else is 403.
	transcript := "/qa/2026-03-12-1/" + pages["a2"]
	access := []struct {
		path string
		ok   []string
	}{
		{"/reports/index.html", []string{"lead", "root"}},
		{"/reports/now.html", []string{"lead", "root"}},
		{"/qa/", []string{"alice", "root"}},
		{"/qa/2026-03-12-1/", []string{"alice", "root"}},
		{transcript, []string{"alice", "root"}},
		{"/reviews", []string{"alice", "ana", "cy", "root"}},
		{"/reviews/rv-ana", []string{"alice", "ana", "root"}},
		{"/reviews/rv-cy", []string{"alice", "cy", "root"}},
	}
	for _, a := range access {
		for user, p := range people {
			want := http.StatusForbidden
			for _, ok := range a.ok {
				if ok == user {
					want = http.StatusOK
				}
			}
			p.Go(t, srv.url+a.path)
			if p.Status() != want {
				t.Errorf("%s opening %s: %d, want %d", user, a.path, p.Status(), want)
			}
		}
	}
	// The Now page served: the live queue, with the server's reload script and nothing leaving the origin.
	now := people["lead"]
	now.Go(t, srv.url+"/reports/now.html")
	if !strings.Contains(now.Text(t), "The queue as of") || browsertest.Eval[bool](t, now, `document.getElementById("parley-refresh") === null`) {
		t.Errorf("the Now page is not served with its reload block")
	}

	// The report served: a view's leading page opens its view of the one page, which draws
	// itself under the server's policy (its figures inflated in the page, nothing requested
	// beyond the origin), the Quality view's automatic checks included.
	report := people["root"]
	report.Go(t, srv.url+"/reports/quality.html")
	report.WaitFor(t, `location.pathname === "/reports/index.html" && document.body.getAttribute("data-ready") === "true"`)
	if got := browsertest.Eval[string](t, report, `location.hash + "|" + !document.getElementById("view-quality").hidden + "|" + (document.getElementById("parley-refresh") !== null)`); got != "#quality|true|true" {
		t.Errorf("quality.html served leads to %q, want the Quality view of index.html with the reload block", got)
	}
	if text := report.Text(t); !strings.Contains(text, "Failed an automatic check") || !strings.Contains(text, "Automatic checks against the reviewers") {
		t.Errorf("the served Quality view lacks the automatic checks:\n%s", text)
	}
	report.RequireClean(t)

	// alice scores a1 (assigned to her) in the form, which posts to the server.
	alice := people["alice"]
	alice.Go(t, srv.url+"/qa/2026-03-12-1/")
	alice.Run(t, chromedp.Click(`a[href="`+pages["a1"]+`"]`), chromedp.WaitReady("#qa-reviewer"))
	if got := browsertest.Eval[string](t, alice, `document.getElementById("qa-reviewer").value`); got != "alice" {
		t.Errorf("the reviewer field holds %q, want the signed-in alice", got)
	}
	alice.Run(t, chromedp.Click(`input[name="qa-r0"][value="4"]`), chromedp.Click(`input[name="qa-r1"][value="na"]`),
		chromedp.Click(`input[name="qa-r2"][value="1"]`), chromedp.Click("#qa-submit"), chromedp.WaitReady("#message"))
	if alice.Status() != http.StatusOK || !strings.Contains(alice.Text(t), "of conversation a1: stored") {
		t.Fatalf("submitting the review: %d %q", alice.Status(), alice.Text(t))
	}
	alice.Run(t, chromedp.Click("#back"), chromedp.WaitReady("#qa-submit"),
		chromedp.Click("#qa-submit"), chromedp.WaitReady("#message"))
	if !strings.Contains(alice.Text(t), "a1: already stored") {
		t.Errorf("submitting the same review again: %q, want it already stored", alice.Text(t))
	}
	// The next build, and the reports after it: the Now page the leader
	// has open reloads by itself (it asks the server whether its file changed).
	browsertest.Eval[any](t, now, `window.shownBeforeTheBuild = true`)
	mustParley(t, "build", "--lake", lakeDir, "--db", db, "--config", e2eCfg)
	mustParley(t, "report", "--db", db, "--out", reportDir)
	eventually(t, "the Now page to reload after the new build", func() bool {
		return browsertest.Eval[bool](t, now, `window.shownBeforeTheBuild === undefined && document.getElementById("parley-refresh") !== null`)
	})
	// solution 4 of 1-5 (0.75, weight 2), tone N/A, process Yes (1, weight 1): (1.5 + 1) / 3.
	got := mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT round(score, 4) AS score, status FROM qa_reviews WHERE reviewer_id = 'alice' AND conversation_id = 'a1'")
	if got != "score,status\n83.3333,submitted\n" {
		t.Errorf("qa_reviews after the next build:\n%s", got)
	}

	// ana disputes the review of her conversation.
	ana := people["ana"]
	ana.Go(t, srv.url+"/reviews/rv-ana")
	const reason = `The customer had <b>already</b> been refunded & "told so".`
	ana.Run(t, chromedp.SendKeys("#reason", reason),
		chromedp.Click("#dispute-submit"), chromedp.WaitReady("#message"))
	if ana.Status() != http.StatusOK || !strings.Contains(ana.Text(t), "Your dispute of review rv-ana is filed") {
		t.Errorf("the dispute: %d %q", ana.Status(), ana.Text(t))
	}
	disputes := func() int {
		rows, err := lake.ReadReviews(t.Context(), lakeDir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows {
			if r.Kind == lake.ReviewKindDispute {
				n++
			}
		}
		return n
	}
	if disputes() != 1 {
		t.Fatalf("%d disputes in the lake, want 1", disputes())
	}

	// Forged requests: cy's form with a forged token, and a form on another
	// origin posting to the server with cy's cookies. Neither files a dispute.
	cy := people["cy"]
	cy.Go(t, srv.url+"/reviews/rv-cy")
	cy.Run(t, chromedp.SendKeys("#reason", "forged"))
	browsertest.Eval[any](t, cy, `document.querySelector('#dispute input[name="csrf"]').value = "forged"`)
	cy.Run(t, chromedp.Click("#dispute-submit"), chromedp.WaitReady("#message"))
	if cy.Status() != http.StatusForbidden {
		t.Errorf("a forged CSRF token: %d, want 403", cy.Status())
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><form id="f" method="post" action="%s/reviews/rv-cy/dispute"><input type="hidden" name="reason" value="evil">`+
			`<button id="go" type="submit">win a prize</button></form>`, srv.url)
	}))
	defer evil.Close()
	trap := b.Session(t).OpenURL(t, srv.url+"/signin", evil.URL)
	trap.Run(t, chromedp.SendKeys("#name", "cy"), chromedp.SendKeys("#password", passwords["cy"]),
		chromedp.Click("#signin"), chromedp.WaitReady("#who"))
	trap.Go(t, evil.URL)
	trap.Run(t, chromedp.Click("#go"), chromedp.WaitReady("#message"))
	if trap.Status() != http.StatusForbidden {
		t.Errorf("a cross-origin form: %d, want 403", trap.Status())
	}
	if disputes() != 1 {
		t.Errorf("%d disputes in the lake after the forged requests, want still 1", disputes())
	}

	// After the next build the QA lead sees why ana disputes, as text, above the resolve form.
	mustParley(t, "build", "--lake", lakeDir, "--db", db, "--config", e2eCfg)
	alice.Go(t, srv.url+"/reviews/rv-ana")
	if got := browsertest.Eval[string](t, alice, `document.getElementById("status").textContent + "|" +
		document.getElementById("dispute-reason").textContent + "|" + document.querySelectorAll("#dispute-reason *").length + "|" +
		!!(document.getElementById("dispute-reason").compareDocumentPosition(document.getElementById("resolve")) & Node.DOCUMENT_POSITION_FOLLOWING)`); got != "disputed|"+reason+"|0|true" {
		t.Errorf("the disputed review shows %q, want status|the reason as text|no elements in it|before the resolve form", got)
	}
	if text := alice.Text(t); !strings.Contains(text, "Filed by ana") {
		t.Errorf("the disputed review does not say who filed the dispute:\n%s", text)
	}

	// Path traversal and folder listings, as a browser sends them.
	for _, path := range []string{
		"/qa/2026-03-12-1/..%2F..%2Fparley.yaml", "/qa/2026-03-12-1/transcripts/..%2F..%2F..%2Fparley.yaml",
		"/reports/..%2Fparley.yaml", "/qa/..%2Fparley.yaml/x", "/qa/2026-03-12-1/transcripts/", "/reports/..%2F..%2F..%2Fetc%2Fpasswd",
		"/qa/2026-03-12-1/%2e%2e/%2e%2e/lake/_audit/audit.jsonl",
	} {
		root := people["root"]
		root.Go(t, srv.url+path)
		if text := root.Text(t); root.Status() == http.StatusOK || strings.Contains(text, "password_hash") || strings.Contains(text, pages["a1"]) {
			t.Errorf("%s: %d %q", path, root.Status(), text)
		}
	}

	// The audit log: every sign-in, the failed one, the transcript views,
	// the review, the dispute, and every refusal with who and what.
	entries, err := lake.ReadAudit(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	has := func(action, user string, params map[string]string) bool {
		for _, e := range entries {
			if e.Action != action || e.User != user || e.Remote == "" || e.Time.IsZero() {
				continue
			}
			match := true
			for k, v := range params {
				match = match && e.Params[k] == v
			}
			if match {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		action, user string
		params       map[string]string
	}{
		{"signin-failed", "ana", nil},
		{"signin", "alice", map[string]string{"via": "password"}},
		{"signin", "cy", nil},
		{"view-transcript", "alice", map[string]string{"conversation_sha256": lake.IDDigest("a1"), "run": "2026-03-12-1"}},
		{"view-transcript", "root", map[string]string{"page": pages["a2"], "conversation_sha256": lake.IDDigest("a2")}},
		{"review", "alice", map[string]string{"conversation_sha256": lake.IDDigest("a1"), "result": "stored"}},
		{"review", "alice", map[string]string{"conversation_sha256": lake.IDDigest("a1"), "result": "already stored"}},
		{"dispute", "ana", map[string]string{"review_id": "rv-ana"}},
		{"denied", "ana", map[string]string{"path": "/reviews/rv-cy", "review_id": "rv-cy", "review_agent": "cy"}},
		{"denied", "lead", map[string]string{"path": transcript}},
		{"denied", "cy", map[string]string{"why": "missing or wrong CSRF token"}},
		{"denied", "cy", map[string]string{"why": "cross-origin request", "path": "/reviews/rv-cy/dispute"}},
	} {
		if !has(c.action, c.user, c.params) {
			t.Errorf("no audit entry %s by %s with %v", c.action, c.user, c.params)
		}
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("parley serve: %v\n%s", err, srv.log)
	}
}

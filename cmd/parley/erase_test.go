package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/qa"
)

// TestEraseRetentionCommands drives erase and retention through the CLI on
// the hand-made fixture: the flag errors a user meets first, a dry run, the
// real run, and the audit trail they leave.
func TestEraseRetentionCommands(t *testing.T) {
	lakeDir := filepath.Join(t.TempDir(), "lake")
	run := func(args ...string) (string, error) { return parley(t, args...) }
	if out, err := run("import", "--lake", lakeDir, metricsFixture("basic.jsonl")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	usage := []struct {
		args []string
		want string
	}{
		{[]string{"erase", "--customer", "cust-1"}, "--lake is required"},
		{[]string{"erase", "--lake", lakeDir}, "--customer is required"},
		{[]string{"erase", "--lake", filepath.Join(filepath.Dir(lakeDir), "nope"), "--customer", "x"}, "does not exist"},
		{[]string{"erase", "--lake", filepath.Join(lakeDir, "nope"), "--customer", "x"}, "is inside the lake " + lakeDir},
		// A customer ID no event has: a mistyped data-subject request must not look done.
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-100", "--conversations"}, `no event, dead letter or QA review in the lake has the customer ID "cust-100"`},
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-100"}, "did you mean cust-1 or cust-10 or cust-11 or cust-12?"},
		{[]string{"retention", "--lake", lakeDir}, "--keep is required"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "forever"}, "--keep: invalid duration"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "2h"}, "--keep: must be at least one day"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "400000d"}, `duration "400000d" is too large`},
	}
	for _, u := range usage {
		_, err := run(u.args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), u.want) {
			t.Errorf("%v: err = %v, want a usage error saying %q", u.args, err, u.want)
		}
	}

	steps := []struct {
		args []string
		want string
	}{
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1", "--conversations", "--dry-run"}, "would erase: 4 events of 1 conversations removed"},
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1", "--conversations", "--reason", "DSR-1"}, "erased: 4 events of 1 conversations removed"},
		// Repeated: nothing left, and it says why that is fine.
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1"}, "erased: 0 events of 0 conversations removed"},
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1"}, "the lake holds nothing of the customer: already erased by run "},
		{[]string{"retention", "--lake", lakeDir, "--keep", "4000d", "--dry-run"}, "dry run, would have dropped 0 event date partitions, 0 dead-letter"},
	}
	for _, s := range steps {
		out, err := run(s.args...)
		if err != nil || !strings.Contains(out, s.want) {
			t.Errorf("%v: %v\n%s\nwant %q", s.args, err, out, s.want)
		}
	}
	entries, err := governance.ReadAudit(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if e.Status != governance.StatusStarted { // each run's end line
			actions = append(actions, e.Action+" "+e.Status)
		}
	}
	if got := strings.Join(actions, ","); got != "erase failed,erase failed,erase completed,erase completed,erase completed,erase completed,retention completed" {
		t.Errorf("audit actions = %s", got)
	}
	// The failed runs' errors name no customer: the log knows them by digest only.
	audit, err := os.ReadFile(filepath.Join(lakeDir, lake.AuditDir, governance.AuditFile))
	if err != nil || strings.Contains(string(audit), "cust-") {
		t.Errorf("the audit log names a customer (%v):\n%s", err, audit)
	}
}

// TestEraseAlsoOutputs drives the whole chain through the CLI: a lake, its
// warehouse, a QA packet with its ledger, `parley export` and a `parley sql
// --out` CSV; erase removes the customer's two conversations from all of
// them and leaves everyone else's rows; a file erase cannot rewrite is
// listed and makes it exit non-zero; and outputs copied before the erase
// are still cleaned by a later run, when the lake no longer knows them.
func TestEraseAlsoOutputs(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	db := filepath.Join(dir, "warehouse.duckdb")
	qaDir, exportDir, later := filepath.Join(dir, "qa"), filepath.Join(dir, "export"), filepath.Join(dir, "later")
	run := func(args ...string) (string, error) { return parleyCombined(t, args...) }
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}
	must("import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	// A review of cust-10's conversation whose category comments quote them.
	review := importReview(t, lakeDir, "rv-00000000000000a1", "c-rep-a", "2026-03-21T09:30:00Z", "the customer said their password is hunter2")
	importReview(t, lakeDir, "rv-00000000000000a2", "c-bot-contained", "2026-03-21T09:40:00Z", "fine")
	must("build", "--lake", lakeDir, "--db", db)
	must("qa", "sample", "--db", db, "--out", qaDir, "--from", "2026-03-01", "--to", "2026-03-10", "--size", "14", "--date", "2026-03-20")
	must("export", "--db", db, "--out", exportDir)
	must("sql", "--db", db, "--out", filepath.Join(exportDir, "convs.csv"), "--format", "csv", "SELECT conversation_id, customer_id, channel FROM conversations ORDER BY 1")
	reportDir := filepath.Join(dir, "report")
	must("report", "--db", db, "--out", reportDir)
	if err := os.CopyFS(later, os.DirFS(qaDir)); err != nil {
		t.Fatal(err)
	}
	// cust-10's two conversations, and a near miss that must stay (cust-1).
	target := []string{"c-rep-a", "c-rep-b"}
	duck := func(q string, args ...any) int64 {
		t.Helper()
		conn, err := warehouse.Open("", false)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var n int64
		if err := conn.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	targetRows := func(file string) int64 {
		return duck(`SELECT count(*) FROM read_parquet(?) WHERE conversation_id IN ('c-rep-a', 'c-rep-b')`, file)
	}
	exported, err := filepath.Glob(filepath.Join(exportDir, "*.parquet"))
	if err != nil || len(exported) == 0 {
		t.Fatalf("export wrote %v (%v)", exported, err)
	}
	// Everyone else's rows, every column, and the schema: unchanged by the erase.
	others := func(f string) string {
		t.Helper()
		conn, err := warehouse.Open("", false)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var schema, rows string
		if err := conn.QueryRow(`SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM read_parquet(?))`, f).Scan(&schema); err != nil {
			t.Fatal(err)
		}
		q := `SELECT count(*) || ':' || coalesce(sum(hash(t::VARCHAR)), 0) FROM read_parquet(?) t`
		if duck(`SELECT count(*) FROM parquet_schema(?) WHERE name = 'conversation_id'`, f) > 0 {
			q += ` WHERE conversation_id IS NULL OR conversation_id NOT IN ('c-rep-a', 'c-rep-b')`
		} else if duck(`SELECT count(*) FROM parquet_schema(?) WHERE name = 'review_id'`, f) > 0 {
			q += ` WHERE review_id <> '` + review + `'`
		}
		if err := conn.QueryRow(q, f).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		return schema + " | " + rows
	}
	rowsBefore := map[string]int64{}
	othersBefore := map[string]string{}
	withTarget := 0
	for _, f := range exported {
		rowsBefore[f] = duck(`SELECT count(*) FROM read_parquet(?)`, f)
		othersBefore[f] = others(f)
		if n := duck(`SELECT count(*) FROM parquet_schema(?) WHERE name = 'conversation_id'`, f); n > 0 && targetRows(f) > 0 {
			withTarget++
		}
	}
	if withTarget < 3 {
		t.Fatalf("control: only %d exported files hold the target's conversations", withTarget)
	}
	ratings := filepath.Join(exportDir, "qa_ratings.parquet")
	reviewRatings := func() int64 {
		return duck(`SELECT count(*) FROM read_parquet(?) WHERE review_id = ?`, ratings, review)
	}
	if reviewRatings() == 0 || duck(`SELECT count(*) FROM read_parquet(?) WHERE comment LIKE '%hunter2%'`, ratings) == 0 {
		t.Fatalf("control: %s does not hold the review's commented ratings", ratings)
	}
	packet := filepath.Join(qaDir, "2026-03-20-20260320")
	for _, f := range []string{filepath.Join(packet, "manifest.csv"), filepath.Join(qaDir, "ledger.csv"), filepath.Join(exportDir, "convs.csv")} {
		if b, err := os.ReadFile(f); err != nil || !strings.Contains(string(b), "c-rep-a") {
			t.Fatalf("control: %s does not hold the target's conversation (%v)", f, err)
		}
	}

	tree := func() map[string]string {
		t.Helper()
		m := map[string]string{}
		for _, root := range []string{qaDir, exportDir} {
			err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				m[p] = string(b)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	// The report's figures are embedded gzipped: its bytes never show the
	// conversations, yet its pages do. Erase finds them decoded, and lists
	// the page (a dashboard is made again, not rewritten).
	if hits := filesHolding(t, reportDir, "c-rep-a"); len(hits) > 0 {
		t.Fatalf("control: the report's bytes show c-rep-a in %v; the test wants it embedded compressed", hits)
	}
	reportStillHolds := func(stage string) {
		t.Helper()
		out, err := run("erase", "--lake", lakeDir, "--customer", "cust-10", "--dry-run", "--also-outputs", reportDir)
		var still *governance.OutputsStillHoldError
		if !errors.As(err, &still) || !slices.Equal(still.Files, []string{filepath.Join(reportDir, "index.html")}) {
			t.Errorf("%s: erase over a report holding the customer's conversations: %v\n%s", stage, err, out)
		}
	}
	reportStillHolds("the lake holds the customer")

	before := tree()
	out := must("erase", "--lake", lakeDir, "--customer", "cust-10", "--dry-run", "--also-outputs", qaDir, "--also-outputs", exportDir, "-v")
	if !strings.Contains(out, "0 still holding the customer") || !maps.Equal(tree(), before) {
		t.Errorf("dry run changed outputs, or found files it could not rewrite:\n%s", out)
	}
	if strings.Contains(out, "output rewritten") || !strings.Contains(out, `msg="erase: would rewrite output"`) {
		t.Errorf("dry run log does not say it only would rewrite outputs:\n%s", out)
	}

	out = must("erase", "--lake", lakeDir, "--customer", "cust-10", "--reason", "DSR-9", "--also-outputs", qaDir, "--also-outputs", exportDir)
	if !strings.Contains(out, "0 still holding the customer") {
		t.Errorf("erase output:\n%s", out)
	}
	for _, f := range exported {
		if got := others(f); got != othersBefore[f] {
			t.Errorf("%s: other rows or schema changed:\n got %s\nwant %s", f, got, othersBefore[f])
		}
		if n := duck(`SELECT count(*) FROM parquet_schema(?) WHERE name = 'conversation_id'`, f); n == 0 {
			continue
		}
		if n := targetRows(f); n != 0 {
			t.Errorf("%s keeps %d rows of the target's conversations", f, n)
		}
		if n := duck(`SELECT count(*) FROM read_parquet(?) WHERE conversation_id = 'c-bot-contained'`, f); rowsBefore[f] > 0 && n == 0 && strings.Contains(f, "conversations") {
			t.Errorf("%s lost cust-1's conversation", f)
		}
	}
	// qa_ratings names only the review: its rows go with the review's conversation.
	if n := reviewRatings(); n != 0 {
		t.Errorf("%s keeps %d ratings of the review of the target's conversation", ratings, n)
	}
	if n := duck(`SELECT count(*) FROM read_parquet(?)`, filepath.Join(exportDir, "conversations.parquet")); n != rowsBefore[filepath.Join(exportDir, "conversations.parquet")]-2 {
		t.Errorf("conversations.parquet has %d rows, want 2 fewer than %d", n, rowsBefore[filepath.Join(exportDir, "conversations.parquet")])
	}
	for _, root := range []string{qaDir, exportDir} {
		for _, id := range append(target, "cust-10") {
			if hits := filesHolding(t, root, id); len(hits) > 0 {
				t.Errorf("%s still in %v", id, hits)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(exportDir, "convs.csv")); err != nil || !strings.Contains(string(b), "c-bot-contained,cust-1,") {
		t.Errorf("convs.csv lost other customers' rows: %v\n%s", err, b)
	}
	entries, err := governance.ReadAudit(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	end := entries[len(entries)-1]
	if end.Counts["outputs_removed"] == 0 || end.Counts["outputs_still_holding"] != 0 || len(strings.Split(end.Params["conversations_sha256"], ",")) != 2 {
		t.Errorf("audit end line %+v", end)
	}

	// A file erase cannot rewrite is named, and the run fails.
	notes := filepath.Join(dir, "notes", "escalations.txt")
	if err := os.MkdirAll(filepath.Dir(notes), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notes, []byte("follow up c-rep-b with the customer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run("erase", "--lake", lakeDir, "--customer", "cust-10", "--also-outputs", filepath.Dir(notes))
	var still *governance.OutputsStillHoldError
	if !errors.As(err, &still) || !slices.Equal(still.Files, []string{notes}) || !strings.Contains(err.Error(), notes) {
		t.Errorf("erase over a file it cannot rewrite: %v\n%s", err, out)
	}

	reportStillHolds("known from the audit log only")

	// The copy made before the erase: the lake no longer holds cust-10, the
	// audit log's digests still find their conversations.
	must("erase", "--lake", lakeDir, "--customer", "cust-10", "--also-outputs", later)
	for _, id := range target {
		if hits := filesHolding(t, later, id); len(hits) > 0 {
			t.Errorf("%s still in the later copy: %v", id, hits)
		}
	}

	usage := []struct {
		args []string
		want string
	}{
		{[]string{"erase", "--lake", lakeDir, "--customer", "x", "--also-outputs", filepath.Join(dir, "nope")}, "--also-outputs"},
		{[]string{"erase", "--lake", lakeDir, "--customer", "x", "--also-outputs", filepath.Join(lakeDir, "events")}, "overlaps the lake"},
	}
	for _, u := range usage {
		_, err := run(u.args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), u.want) {
			t.Errorf("%v: err = %v, want a usage error saying %q", u.args, err, u.want)
		}
	}
}

// TestEraseAgainAfterOutputsCheckFailed is the operator's sequence: an
// erase over a report made before it erases the lake but fails, since the
// report still holds the customer; the report is made again from the
// rebuilt warehouse and the same erase is run again. The second run must
// recognise the first (its lake part completed, as its audit line says)
// and exit 0, not refuse the ID as unknown.
func TestEraseAgainAfterOutputsCheckFailed(t *testing.T) {
	dir := t.TempDir()
	lakeDir, db, reportDir := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb"), filepath.Join(dir, "report")
	must := func(args ...string) string {
		t.Helper()
		out, err := parleyCombined(t, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}
	must("import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	must("build", "--lake", lakeDir, "--db", db)
	must("report", "--db", db, "--out", reportDir)
	erase := []string{"erase", "--lake", lakeDir, "--customer", "cust-10", "--conversations", "--also-outputs", reportDir}

	out, err := parleyCombined(t, erase...)
	var still *governance.OutputsStillHoldError
	var ue usageError
	if !errors.As(err, &still) || errors.As(err, &ue) {
		t.Fatalf("first erase, over the report made before it: %v (want outputs still holding the customer, exit 1)\n%s", err, out)
	}
	entries, err := governance.ReadAudit(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	first := entries[len(entries)-1]
	if first.Status != governance.StatusFailed || first.Params["lake_status"] != governance.StatusCompleted ||
		first.Counts["events"] == 0 || first.Params["conversations_sha256"] == "" {
		t.Errorf("first erase's end line: %+v; want failed, its lake part completed, events counted, conversations by digest", first)
	}

	must("build", "--lake", lakeDir, "--db", db)
	if err := os.RemoveAll(reportDir); err != nil {
		t.Fatal(err)
	}
	must("report", "--db", db, "--out", reportDir)
	if out, err = parleyCombined(t, erase...); err != nil {
		t.Fatalf("second erase, over the report made again: %v\n%s", err, out)
	}
	if want := "already erased by run " + first.Run; !strings.Contains(out, want) || !strings.Contains(out, "its outputs check failed") {
		t.Errorf("second erase: want it to say %q and that that run's outputs check failed:\n%s", want, out)
	}
	if entries, err = governance.ReadAudit(lakeDir); err != nil {
		t.Fatal(err)
	}
	if end := entries[len(entries)-1]; end.Status != governance.StatusCompleted || end.Params["lake_status"] != governance.StatusCompleted {
		t.Errorf("second erase's end line: %+v, want completed", end)
	}
}

// filesHolding lists the files under root whose bytes contain s (Parquet
// files are checked decoded by the caller; their bytes are compressed).
func filesHolding(t *testing.T, root, s string) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".parquet") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), s) {
			hits = append(hits, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// importReview imports with parley qa import one review, of the default
// scorecard, of conversation conv by reviewer bob of agent ag-1, every
// category at the bottom of its scale and commented; it returns its ID.
func importReview(t *testing.T, lakeDir, id, conv, reviewedAt, comment string) string {
	t.Helper()
	card := config.DefaultScorecard()
	review := qa.Review{ReviewID: id, Run: "2026-03-20-7", ConversationID: conv, AgentID: "ag-1", ReviewerID: "bob",
		Scorecard: card.Name, ScorecardVersion: card.Version(), ReviewedAt: reviewedAt, Comment: comment}
	for _, c := range card.Categories {
		lo, _, _ := config.ScaleRange(c.Scale)
		n := json.Number(fmt.Sprint(lo))
		review.Ratings = append(review.Ratings, qa.Rating{Category: c.Name, Rating: &n, Comment: comment})
	}
	line, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(t.TempDir(), "scores.jsonl")
	if err := os.WriteFile(scores, append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := parleyCombined(t, "qa", "import", "--lake", lakeDir, scores); err != nil {
		t.Fatalf("qa import: %v\n%s", err, out)
	}
	return id
}

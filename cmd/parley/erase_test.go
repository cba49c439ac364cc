package main

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/internal/warehouse"
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
		{[]string{"erase", "--lake", filepath.Join(lakeDir, "nope"), "--customer", "x"}, "not a directory"},
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
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1"}, "erased: 0 events of 0 conversations removed"},
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
			actions = append(actions, e.Action)
		}
	}
	if got := strings.Join(actions, ","); got != "erase,erase,erase,retention" {
		t.Errorf("audit actions = %s", got)
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
	must("build", "--lake", lakeDir, "--db", db)
	must("qa", "sample", "--db", db, "--out", qaDir, "--from", "2026-03-01", "--to", "2026-03-10", "--size", "14", "--date", "2026-03-20")
	must("export", "--db", db, "--out", exportDir)
	must("sql", "--db", db, "--out", filepath.Join(exportDir, "convs.csv"), "--format", "csv", "SELECT conversation_id, customer_id, channel FROM conversations ORDER BY 1")
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
	before := tree()
	out := must("erase", "--lake", lakeDir, "--customer", "cust-10", "--dry-run", "--also-outputs", qaDir, "--also-outputs", exportDir)
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

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// TestVerifyCommand builds a warehouse from the hand-made fixture through the CLI, verifies it
// (all conversations, then a sample), then corrupts one value with a direct DuckDB UPDATE and
// expects verify to exit 1 naming the column and the conversation; and it checks the errors a
// user meets first.
func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	db := filepath.Join(dir, "warehouse.duckdb")
	run := func(args ...string) (stdout, stderr string, err error) { return cli(strings.NewReader(""), args...) }
	mustRun := func(args ...string) string { return mustParley(t, args...) }
	mustRun("import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	mustRun("build", "--lake", lakeDir)

	out, progress, err := run("verify", "--db", db, "--all") // the lake next to the warehouse by default
	if err != nil {
		t.Fatalf("verify --all: %v\n%s", err, out)
	}
	for _, want := range []string{"verified all 14 conversations", "conversations.first_response_s", "columns agree on every row"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify --all output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(progress, "compared 14 of 14 conversations") {
		t.Errorf("no progress on stderr:\n%s", progress)
	}

	first := mustRun("verify", "--db", db, "--lake", lakeDir, "--sample", "5", "--seed", "3")
	if !strings.Contains(first, "a sample of 5 of 14 conversations") {
		t.Errorf("verify --sample 5:\n%s", first)
	}
	if again := mustRun("verify", "--db", db, "--sample", "5", "--seed", "3"); again != first {
		t.Errorf("the same seed verified something else:\n%s\nthen\n%s", first, again)
	}

	corrupt(t, db, "UPDATE conversations SET first_response_s = first_response_s + 5 WHERE conversation_id = 'c-notes'")
	out, _, err = run("verify", "--db", db, "--all")
	var ue usageError
	if err == nil || errors.As(err, &ue) {
		t.Fatalf("verify of a corrupted warehouse: err = %v (want a disagreement, exit 1)\n%s", err, out)
	}
	for _, want := range []string{"✗   conversations.first_response_s", "c-notes", "=== conversation c-notes disagrees", "245", "240"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify of a corrupted warehouse does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "✗   conversations.first_response_any_s") {
		t.Errorf("verify blames a column that was not corrupted:\n%s", out)
	}

	for _, c := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no --db", []string{"verify"}, true, "--db is required"},
		{"sample and all", []string{"verify", "--db", db, "--sample", "3", "--all"}, true, "not both"},
		{"no lake", []string{"verify", "--db", db, "--lake", filepath.Join(t.TempDir(), "nope")}, true, "not a directory"},
		{"other settings", []string{"verify", "--db", db, "--config", metricsFixture("europe.yaml")}, true, "timezone: warehouse UTC, --config Europe/Berlin"},
		{"missing warehouse", []string{"verify", "--db", filepath.Join(dir, "nope.duckdb")}, true, "warehouse file does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := run(c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
			if got := errors.As(err, &ue); got != c.usage {
				t.Errorf("usage error = %v, want %v", got, c.usage)
			}
		})
	}

	// Without --config, verify checks a warehouse against the settings it
	// records, not the defaults: one built with Europe/Berlin verifies.
	euLake, euDB := filepath.Join(dir, "eu", "lake"), filepath.Join(dir, "eu", "warehouse.duckdb")
	mustRun("import", "--lake", euLake, metricsFixture("europe.jsonl"))
	mustRun("build", "--lake", euLake, "--config", metricsFixture("europe.yaml"))
	if out, _, err := run("verify", "--db", euDB, "--all"); err != nil {
		t.Errorf("verify without --config of a warehouse built with europe.yaml: %v\n%s", err, out)
	}
	// A warehouse built from another lake is not "older than the lake":
	// verify names the lake it was built from, as build does.
	_, _, err = run("verify", "--db", euDB, "--lake", lakeDir)
	if want := "verify: " + euDB + " was built from the lake " + euLake + ", not " + lakeDir + ": give --lake " + euLake; err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
		t.Errorf("verify of another lake's warehouse: %v; want a usage error saying %q", err, want)
	}

	// A lake file added after the build, then one removed: the warehouse is not the lake's.
	mustRun("import", "--lake", lakeDir, metricsFixture("edge.jsonl"))
	if _, _, err := run("verify", "--db", db, "--all"); err == nil || !strings.Contains(err.Error(), "new or changed since the build") {
		t.Errorf("verify of a warehouse older than its lake: %v", err)
	}
	mustRun("build", "--lake", lakeDir, "--full") // --full: an update would keep the corrupted row
	mustRun("verify", "--db", db, "--all")
	files, err := filepath.Glob(filepath.Join(lakeDir, "events", "date=*", "basic-*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("lake files: %v %v", files, err)
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run("verify", "--db", db, "--all"); err == nil || !strings.Contains(err.Error(), "are gone (first: ") {
		t.Errorf("verify of a warehouse whose lake lost a file: %v", err)
	}
}

// corrupt changes the warehouse behind the build's back, as a bug or a hand edit would.
func corrupt(t *testing.T, db, statement string) {
	t.Helper()
	w, err := warehouse.Open(db, false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Exec(statement)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("%s changed %d rows (%v)", statement, n, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

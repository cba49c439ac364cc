package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

// TestBuildSQLExportCommands drives build, sql and export through the CLI
// on the hand-made fixture, including the errors a user meets first.
func TestBuildSQLExportCommands(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	run := func(args ...string) (string, error) { return parleyCombined(t, args...) }
	if out, err := run("import", "--lake", lakeDir, metricsFixture("basic.jsonl")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err := run("build", "--lake", lakeDir)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "warehouse.duckdb") // next to the lake folder by default
	if !strings.Contains(out, "77 events (2 duplicates dropped) in 14 conversations") {
		t.Errorf("build output:\n%s", out)
	}
	if _, err := os.Stat(db + ".building"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary warehouse was left behind: %v", err)
	}

	out, err = run("sql", "--db", db, "--format", "csv", "SELECT conversation_id, first_response_s FROM conversations WHERE conversation_id = 'c-notes'")
	if err != nil || out != "conversation_id,first_response_s\nc-notes,240\n" {
		t.Errorf("sql: %v\n%q", err, out)
	}
	query := filepath.Join(dir, "q.sql")
	if err := os.WriteFile(query, []byte("SELECT count(*) AS n FROM kpi_daily;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err = run("sql", "--db", db, "--format", "json", "-f", query); err != nil || !strings.Contains(out, `"n": `) {
		t.Errorf("sql -f: %v\n%s", err, out)
	}
	if out, err = run("export", "--db", db, "--out", filepath.Join(dir, "export")); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "export", "conversations.parquet")); err != nil {
		t.Error(err)
	}

	errCases := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"build without --lake", []string{"build"}, true, "--lake is required"},
		{"lake without events", []string{"build", "--lake", t.TempDir()}, true, "no complete events files"},
		{"bad config", []string{"build", "--lake", lakeDir, "--config", query}, true, "--config"},
		{"missing warehouse", []string{"sql", "--db", filepath.Join(dir, "nope.duckdb"), "SELECT 1"}, true, "does not exist"},
		{"bad format", []string{"sql", "--db", db, "--format", "xml", "SELECT 1"}, true, `--format "xml"`},
		{"no query", []string{"sql", "--db", db}, true, "no query"},
		{"bad SQL", []string{"sql", "--db", db, "SELEC 1"}, false, "syntax error"},
		{"write attempt", []string{"sql", "--db", db, "DELETE FROM conversations"}, false, "read-only"},
		{"export without --out", []string{"export", "--db", db}, true, "--out is required"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			var ue usageError
			if errors.As(err, &ue) != c.usage {
				t.Errorf("usage error = %v, want %v (exit 2 only for misuse)", !c.usage, c.usage)
			}
		})
	}
	out, err = run("sql", "--db", db, "--format", "csv", "SELECT count(*) FROM conversations")
	if err != nil || out != "count_star()\n14\n" {
		t.Errorf("warehouse changed by the refused write: %v %q", err, out)
	}
}

// TestBuildIsIncremental: a second build with no new lake files changes
// nothing, one after an import updates the warehouse in place of a full
// rebuild, and --full rebuilds it; every count matches a full build.
func TestBuildIsIncremental(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	run := func(args ...string) string { return mustParley(t, args...) }
	run("import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	if out := run("build", "--lake", lakeDir); !strings.HasPrefix(out, "built ") {
		t.Errorf("first build: %s", out)
	}
	if out := run("build", "--lake", lakeDir); !strings.Contains(out, "is up to date: no new lake files") {
		t.Errorf("second build: %s", out)
	}
	run("import", "--lake", lakeDir, metricsFixture("async.jsonl"))
	updated := run("build", "--lake", lakeDir)
	if !strings.HasPrefix(updated, "updated ") || !strings.Contains(updated, "conversations recomputed") {
		t.Errorf("build after an import: %s", updated)
	}
	full := run("build", "--lake", lakeDir, "--full")
	if !strings.HasPrefix(full, "built ") {
		t.Errorf("build --full: %s", full)
	}
	counts := regexp.MustCompile(`\d+ events \(\d+ duplicates dropped\) in \d+ conversations from \d+ files`)
	if a, b := counts.FindString(updated), counts.FindString(full); a == "" || a != b {
		t.Errorf("incremental build says %q, full build %q", a, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "warehouse.duckdb.building")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary warehouse was left behind: %v", err)
	}
}

// TestBuildPicksUpNewGapRecords: a gap record that ingest wrote with no new
// events file must still reach warehouse_info through an incremental build
// (not "up to date"), and every build says the lake records gaps.
func TestBuildPicksUpNewGapRecords(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	run := func(args ...string) string { return mustParley(t, args...) }
	run("import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	if out := run("build", "--lake", lakeDir); strings.Contains(out, "WARNING") {
		t.Errorf("build of a lake without gaps warns: %s", out)
	}
	g := lake.OffsetGap{Topic: "events", Partition: 2, From: 100, To: 149, DetectedAt: time.Now().UTC()}
	raw, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(lake.GapDir(lakeDir, g.Topic), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lake.GapDir(lakeDir, g.Topic), lake.GapFileName(g)), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "warehouse.duckdb")
	for i, want := range []string{"updated ", "is up to date"} {
		out := run("build", "--lake", lakeDir)
		if !strings.Contains(out, want) || !strings.Contains(out, "WARNING: the lake records 1 offset gaps") {
			t.Errorf("build %d after the gap record: want %q and the warning:\n%s", i+1, want, out)
		}
		if out := run("sql", "--db", db, "--format", "csv", "SELECT offset_gaps, offset_gap_messages FROM warehouse_info"); out != "offset_gaps,offset_gap_messages\n1,50\n" {
			t.Errorf("build %d: warehouse_info says %q, want 1 gap of 50 messages", i+1, out)
		}
	}
}

// TestImportAndBuildKeepFirstCopy: two exports with the same file name,
// the second resending an event with other content in another
// conversation, are both imported; the build keeps the first-ingested copy,
// says how many copies differed (stdout, WARN log, warehouse_info) and lists
// them in duplicate_conflicts; importing the first export again changes
// nothing, so the same copy stays kept.
func TestImportAndBuildKeepFirstCopy(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	db := filepath.Join(dir, "warehouse.duckdb")
	run := func(args ...string) (stdout, stderr string) { return mustParleyLog(t, args...) }
	export := func(day string, lines ...string) string {
		t.Helper()
		p := filepath.Join(dir, day, "events.jsonl")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	day1 := export("day1",
		`{"event_id":"e1","conversation_id":"c1","type":"conversation_started","occurred_at":"2026-03-01T09:00:00Z","channel":"webchat","actor":{"role":"customer","id":"u1"}}`,
		`{"event_id":"e2","conversation_id":"c1","type":"message","occurred_at":"2026-03-01T09:01:00Z","channel":"webchat","actor":{"role":"customer","id":"u1"},"message":{"text":"where is my order?"}}`)
	day2 := export("day2",
		`{"event_id":"e3","conversation_id":"c2","type":"conversation_started","occurred_at":"2026-03-01T09:00:00Z","channel":"webchat","actor":{"role":"customer","id":"u2"}}`,
		`{"event_id":"e2","conversation_id":"c2","type":"message","occurred_at":"2026-03-01T09:01:00Z","channel":"webchat","actor":{"role":"customer","id":"u2"},"message":{"text":"cancel it"}}`)
	run("import", "--lake", lakeDir, day1)
	run("import", "--lake", lakeDir, day2)
	out, log := run("build", "--lake", lakeDir, "--db", db)
	if !strings.Contains(out, "3 events (1 duplicates dropped)") || !strings.Contains(out, "1 dropped duplicates differ from the copy kept") {
		t.Errorf("build output:\n%s", out)
	}
	if !strings.Contains(log, "level=WARN") || !strings.Contains(log, "conflicts=1") {
		t.Errorf("build log has no warning of the conflict:\n%s", log)
	}
	const query = `SELECT e.conversation_id, e.message_text, i.duplicate_conflicts,
		array_to_string(d.differing_fields, ' '), d.kept_conversation_id, d.dropped_conversation_id
		FROM events e, warehouse_info i, duplicate_conflicts d WHERE e.event_id = 'e2' AND d.event_id = 'e2'`
	const want = "c1,where is my order?,1,conversation_id actor_id message_text,c1,c2\n"
	if got, _ := run("sql", "--db", db, "--format", "csv", query); !strings.HasSuffix(got, want) {
		t.Errorf("kept copy and conflict:\n%s\nwant the row %q", got, want)
	}

	if out, _ := run("import", "--lake", lakeDir, day1); !strings.Contains(out, "1 input(s) already in the lake") {
		t.Errorf("importing day1 again: %s", out)
	}
	if out, _ := run("build", "--lake", lakeDir, "--db", db); !strings.Contains(out, "is up to date") {
		t.Errorf("build after importing day1 again: %s", out)
	}
	run("build", "--lake", lakeDir, "--db", db, "--full")
	if got, _ := run("sql", "--db", db, "--format", "csv", query); !strings.HasSuffix(got, want) {
		t.Errorf("after importing day1 again and rebuilding:\n%s\nwant the row %q", got, want)
	}
}

// TestBuildWarnsOnChangedSettings: a build with settings that differ from
// the warehouse's names each changed setting and what it does before
// rebuilding; the same settings, or other build resources, warn of nothing.
func TestBuildWarnsOnChangedSettings(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	london := write("london.yaml", "timezone: Europe/London\nsla:\n  webchat: {first_response: 2m, goal: 0.9}\n")
	londonThreads := write("london-threads.yaml", "timezone: Europe/London\nsla:\n  webchat: {first_response: 2m, goal: 0.9}\nbuild: {threads: 1}\n")
	mustParley(t, "import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	if out := mustParley(t, "build", "--lake", lakeDir, "--config", london); strings.Contains(out, "WARNING") {
		t.Errorf("first build warns:\n%s", out)
	}
	if out := mustParley(t, "build", "--lake", lakeDir, "--config", londonThreads); strings.Contains(out, "WARNING") || !strings.Contains(out, "up to date") {
		t.Errorf("a build with other build resources only warns or rebuilds:\n%s", out)
	}
	out := mustParley(t, "build", "--lake", lakeDir) // the defaults: UTC, webchat 1m
	db := filepath.Join(dir, "warehouse.duckdb")
	for _, want := range []string{
		"WARNING: " + db + " was built with other settings; it is rebuilt in full with these changes:\n",
		"WARNING:   sla.webchat.first_response: 2m0s -> 1m0s: first-response SLA attainment is measured against other targets\n",
		"WARNING:   sla.webchat.goal: 0.9 -> 0.8:",
		"WARNING:   timezone: Europe/London -> UTC: local dates, daily rollups and hour-of-week heatmaps are counted in UTC instead of Europe/London\n",
		"built " + db,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("build with the defaults after Europe/London printed\n%s\nwant %q", out, want)
		}
	}
	if strings.Index(out, "WARNING") > strings.Index(out, "built ") {
		t.Error("the warning comes after the build, not before it")
	}
	if out := mustParley(t, "build", "--lake", lakeDir); strings.Contains(out, "WARNING") {
		t.Errorf("a build with the same settings warns:\n%s", out)
	}
}

// TestBuildRefusesAnotherLakesWarehouse: two lakes in one folder share the
// default --db, two buckets the default --db and cache; a build of the
// second must not silently replace the first's warehouse (nor its cache).
// --full says the replacement is meant.
func TestBuildRefusesAnotherLakesWarehouse(t *testing.T) {
	for _, kind := range []string{"folder", "bucket"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			first, second := filepath.Join(dir, "lake"), filepath.Join(dir, "lake2")
			var flags []string
			if kind == "bucket" {
				srv := s3test.Start(t, s3test.Options{})
				srv.SetEnv(t)
				first, second = srv.LakeURL("acme/lake"), srv.LakeURL("acme/lake2")
				flags = []string{"--s3-endpoint", srv.Endpoint, "--db", filepath.Join(dir, "warehouse.duckdb")}
			}
			run := func(args ...string) (string, error) { return parley(t, append(args, flags...)...) }
			for lake, input := range map[string]string{first: "basic.jsonl", second: "async.jsonl"} {
				if out, err := parley(t, append([]string{"import", "--lake", lake, metricsFixture(input)}, flags[:min(len(flags), 2)]...)...); err != nil {
					t.Fatalf("import: %v\n%s", err, out)
				}
			}
			if out, err := run("build", "--lake", first); err != nil {
				t.Fatalf("build: %v\n%s", err, out)
			}
			_, err := run("build", "--lake", second)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "was built from the lake "+strings.TrimSuffix(first, "/")) || !strings.Contains(err.Error(), "--db FILE") {
				t.Fatalf("build of another lake into the same warehouse: %v, want a usage error naming both lakes", err)
			}
			// Refused before the cache is touched: nothing to download again.
			// The same lake spelt with a trailing slash is the same lake.
			if out, err := run("build", "--lake", first+"/"); err != nil || !strings.Contains(out, "is up to date") || kind == "bucket" && !regexp.MustCompile(`: \d+ objects: 0 downloaded`).MatchString(out) {
				t.Errorf("the first lake's warehouse or cache changed: %v\n%s", err, out)
			}
			if out, err := run("build", "--lake", second, "--full"); err != nil || !regexp.MustCompile(`(?m)^built `).MatchString(out) {
				t.Errorf("build --full of the other lake: %v\n%s", err, out)
			}
		})
	}
}

// TestBuildStderr runs build as a process of its own. By default stderr
// holds the warnings (here of a queue parley.yaml names that no event
// does) and a line as each part of the build ends, and no INFO log (it
// held about 50 lines, one per SQL file); -v logs every step as before;
// stdout is the same summary either way. An update with nothing to do
// writes nothing on stderr; one rebuilt in full says why there. --help
// says so.
func TestBuildStderr(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lakeDir, metricsFixture("basic.jsonl")) // queues billing, sales, support
	cfg := filepath.Join(dir, "parley.yaml")
	if err := os.WriteFile(cfg, []byte("queues:\n  suport: {hours: {weekly: {mon: [\"08:00-18:00\"]}}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const warning = `level=WARN msg="metrics: a queue named in the settings is in no event`
	progress := []string{"transform done in ", "metric tables done in ", "automatic QA checks done in "}
	// count is how many lines of stderr start with prefix, or hold it at
	// all (in).
	count := func(stderr, prefix string, in bool) int {
		n := 0
		for _, line := range strings.Split(stderr, "\n") {
			if in && strings.Contains(line, prefix) || strings.HasPrefix(line, prefix) {
				n++
			}
		}
		return n
	}
	help := strings.Join(strings.Fields(mustParley(t, "build", "--help")), " ")
	for _, says := range []string{"-v, --verbose also log each SQL file run", "Stderr holds the warnings and errors, and a few lines of progress"} {
		if !strings.Contains(help, says) {
			t.Errorf("build --help does not say %q", says)
		}
	}
	var db string
	for _, verbose := range []bool{false, true} {
		db = filepath.Join(dir, fmt.Sprintf("verbose-%v.duckdb", verbose))
		args := []string{"build", "--lake", lakeDir, "--db", db, "--config", cfg}
		if verbose {
			args = append(args, "-v")
		}
		stdout, stderr := parleyProcess(t, args...)
		if want := regexp.MustCompile(`^built ` + regexp.QuoteMeta(db) + `: 77 events \(2 duplicates dropped\) in 14 conversations from \d+ files in \S+\n$`); !want.MatchString(stdout) {
			t.Errorf("parley %v: stdout %q, want the summary line", args, stdout)
		}
		if count(stderr, warning, true) != 1 || !strings.Contains(stderr, "setting=queues.suport queue=suport did_you_mean=support") {
			t.Errorf("parley %v: stderr %q, want the warning of queues.suport", args, stderr)
		}
		for _, p := range progress {
			if count(stderr, p, false) != 1 {
				t.Errorf("parley %v: stderr %q, want one line starting %q", args, stderr, p)
			}
		}
		if info := count(stderr, "level=INFO", true); verbose != (info > 0) {
			t.Errorf("parley %v: stderr has %d INFO lines, want them only with -v:\n%s", args, info, stderr)
		}
		if lines := strings.Count(stderr, "\n"); !verbose && lines != 1+len(progress) {
			t.Errorf("parley %v: stderr has %d lines, want the warning and %d of progress:\n%s", args, lines, len(progress), stderr)
		}
		if verbose && !strings.Contains(stderr, `level=INFO msg="metrics: ran 210_messages.sql"`) {
			t.Errorf("parley %v -v: stderr %q, want the log of each SQL file", args, stderr)
		}
	}

	if stdout, stderr := parleyProcess(t, "build", "--lake", lakeDir, "--db", db, "--config", cfg); !strings.Contains(stdout, "is up to date") || stderr != "" {
		t.Errorf("a build with nothing to do: stdout %q, stderr %q; want it up to date and stderr empty", stdout, stderr)
	}
	// The default settings name no queue, and differ from cfg's.
	stdout, stderr := parleyProcess(t, "build", "--lake", lakeDir, "--db", db)
	if !strings.HasPrefix(stderr, "transform: the warehouse needs a full rebuild: it was built with other settings") ||
		count(stderr, "level=", true) > 0 || strings.Count(stderr, "\n") != 1+len(progress) || !strings.Contains(stdout, "built "+db) {
		t.Errorf("an update rebuilt in full: stdout %q, stderr %q; want stderr to say why, then the progress", stdout, stderr)
	}
}

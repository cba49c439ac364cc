package build_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/buildtest"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/internal/whdiff"
)

// generated is a few days of the synthetic operation, split in two: the
// lake's first files and the files that land later.
func generated(t *testing.T) (first, later []event.Event) {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 3, 20
	var evs []event.Event
	if _, err := synth.Generate(context.Background(), cfg, func(e *event.Event) error {
		evs = append(evs, *e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// By time, so that the later files hold the later conversations' events
	// and the ends of some conversations begun before.
	cut := evs[0].OccurredAt.Add(48 * time.Hour)
	for _, e := range evs {
		if e.OccurredAt.Before(cut) {
			first = append(first, e)
		} else {
			later = append(later, e)
		}
	}
	if len(first) == 0 || len(later) == 0 {
		t.Fatalf("the generated events do not split: %d before %v, %d after", len(first), cut, len(later))
	}
	return first, later
}

// builtFirst writes rows as the lake's "first" files in a new temporary
// folder, builds them, and returns the lake's and the warehouse's paths.
func builtFirst(t *testing.T, rows []event.Event) (root, db string) {
	t.Helper()
	dir := t.TempDir()
	root, db = filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	writeFiles(t, root, "first", rows)
	if _, err := build.Run(context.Background(), build.Config{Lake: root, DB: db}); err != nil {
		t.Fatal(err)
	}
	return root, db
}

// writeFiles writes evs into the lake as source's files, one per UTC date,
// as ingest does, and returns their paths.
func writeFiles(t *testing.T, root, source string, evs []event.Event) []string {
	t.Helper()
	paths, err := buildtest.WriteBatch(root, source, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), evs)
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

func digest(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// sameAsFullBuild checks that db holds what a full build of the lake makes,
// all but the record of the conversations the last update recomputed.
func sameAsFullBuild(t *testing.T, root, db string) {
	t.Helper()
	full := filepath.Join(t.TempDir(), "full.duckdb")
	if _, err := build.Run(context.Background(), build.Config{Lake: root, DB: full, Full: true}); err != nil {
		t.Fatal(err)
	}
	objs, err := whdiff.Check(context.Background(), db, full,
		"warehouse_info.built_at", "build_affected", "build_affected_conversations")
	if err != nil {
		for _, o := range objs {
			t.Log(o)
		}
		t.Error(err)
	}
}

// TestRun: what `parley build` does with the warehouse it finds. Each case
// starts from a warehouse built from the first files, changes the lake and
// builds again.
func TestRun(t *testing.T) {
	first, later := generated(t)
	cases := []struct {
		name   string
		change func(t *testing.T, root string, firstFiles []string)
		full   bool // --full
		// want: an update (not a full build), a fall back to a full build,
		// nothing to do (the warehouse file untouched).
		wantIncremental, wantFallback, wantUpToDate bool
	}{
		{name: "new files are added to a copy", wantIncremental: true,
			change: func(t *testing.T, root string, _ []string) { writeFiles(t, root, "later", later) }},
		{name: "nothing new leaves the warehouse as it is", wantIncremental: true, wantUpToDate: true,
			change: func(*testing.T, string, []string) {}},
		{name: "a file built from is gone: rebuilt in full", wantFallback: true,
			change: func(t *testing.T, root string, firstFiles []string) {
				writeFiles(t, root, "later", later)
				if err := os.Remove(firstFiles[0]); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "--full rebuilds", full: true,
			change: func(t *testing.T, root string, _ []string) { writeFiles(t, root, "later", later) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			root, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
			firstFiles := writeFiles(t, root, "first", first)
			stats, err := build.Run(ctx, build.Config{Lake: root, DB: db})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Incremental || stats.FullRebuild != "" || stats.NewFiles != len(firstFiles) {
				t.Fatalf("first build: %+v; want a full build of %d files", stats, len(firstFiles))
			}
			before := digest(t, db)
			tc.change(t, root, firstFiles)
			stats, err = build.Run(ctx, build.Config{Lake: root, DB: db, Full: tc.full})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Incremental != tc.wantIncremental || (stats.FullRebuild != "") != tc.wantFallback || stats.UpToDate() != tc.wantUpToDate {
				t.Errorf("stats %+v: want incremental %v, fallback %v, up to date %v", stats, tc.wantIncremental, tc.wantFallback, tc.wantUpToDate)
			}
			if untouched := digest(t, db) == before; untouched != tc.wantUpToDate {
				t.Errorf("warehouse file untouched: %v, want %v", untouched, tc.wantUpToDate)
			}
			if _, err := os.Stat(db + ".building"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s.building left behind: %v", db, err)
			}
			sameAsFullBuild(t, root, db)
		})
	}
}

// TestRunFailureKeepsWarehouse: a build that fails (here on a corrupt lake
// file) leaves the warehouse it would have replaced as it was, and no
// partial one.
func TestRunFailureKeepsWarehouse(t *testing.T) {
	first, later := generated(t)
	for _, full := range []bool{false, true} {
		t.Run(fmt.Sprintf("full=%v", full), func(t *testing.T) {
			ctx := context.Background()
			root, db := builtFirst(t, first)
			before := digest(t, db)
			paths := writeFiles(t, root, "later", later)
			if err := os.WriteFile(paths[0], []byte("not parquet"), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := build.Run(ctx, build.Config{Lake: root, DB: db, Full: full}); err == nil {
				t.Fatal("a build over a corrupt lake file succeeded")
			}
			if digest(t, db) != before {
				t.Error("the failed build changed the warehouse")
			}
			if _, err := os.Stat(db + ".building"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s.building left behind: %v", db, err)
			}
		})
	}
}

// TestRunNoEvents: a folder that is no lake (none of a lake's folders,
// no events file) is ErrNoEvents, and no warehouse is written.
func TestRunNoEvents(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "warehouse.duckdb")
	_, err := build.Run(context.Background(), build.Config{Lake: filepath.Join(dir, "lake"), DB: db})
	if !errors.Is(err, build.ErrNoEvents) {
		t.Fatalf("err %v, want ErrNoEvents", err)
	}
	for _, p := range []string{db, db + ".building"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists: %v", p, err)
		}
	}
}

// TestRunEmptiedLake: a lake that held events and holds none any more
// (retention dropped every date partition) gives an empty warehouse, not
// an error that leaves the old warehouse, expired conversations and all,
// in place.
func TestRunEmptiedLake(t *testing.T) {
	first, _ := generated(t)
	root, db := builtFirst(t, first)
	parts, err := filepath.Glob(filepath.Join(root, "events", "date=*"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("the lake's date partitions: %v (%v)", parts, err)
	}
	for _, p := range parts {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := build.Run(context.Background(), build.Config{Lake: root, DB: db})
	if err != nil {
		t.Fatalf("build of the emptied lake: %v", err)
	}
	if stats.FullRebuild == "" || stats.Files != 0 || stats.Events != 0 {
		t.Errorf("stats %+v, want a full rebuild of no files", stats)
	}
	wh, err := warehouse.Open(db, true)
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	for _, table := range []string{"events", "messages", "conversations", "kpi_daily", "agent_daily", "auto_qa"} {
		var n int64
		if err := wh.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s holds %d rows (%v), want none", table, n, err)
		}
	}
}

// TestRunBesideFailureKeepsWarehouse: the automatic checks run on a
// connection of their own beside the steps after 247_auto_qa.sql (the
// plan's Beside). When either side fails (here on a warehouse tampered
// with before an update, a real DuckDB error), the build fails with that
// side's error, after waiting for the other, and leaves the warehouse it
// would have replaced as it was, and no partial one.
func TestRunBesideFailureKeepsWarehouse(t *testing.T) {
	first, later := generated(t)
	for _, tc := range []struct {
		name   string
		tamper string // run on the warehouse before the update
		want   []string
		not    string
	}{
		{
			name: "the checks fail",
			// The checks' na verdicts have no evidence: their append fails.
			tamper: `CREATE OR REPLACE TABLE auto_qa (conversation_id VARCHAR NOT NULL, "check" VARCHAR NOT NULL,
				result VARCHAR NOT NULL, evidence_seq BIGINT NOT NULL, detail VARCHAR)`,
			want: []string{"247_auto_qa.sql, run beside the steps after it", "NOT NULL"},
		},
		{
			name: "a step beside them fails",
			// 265_report_views.sql cannot replace a table by a view.
			tamper: `DROP VIEW customer_returns; CREATE TABLE customer_returns (x INTEGER)`,
			want:   []string{"265_report_views.sql", "customer_returns"},
			not:    "run beside",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root, db := builtFirst(t, first)
			wh, err := warehouse.Open(db, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := wh.ExecContext(ctx, tc.tamper); err != nil {
				t.Fatal(err)
			}
			if err := wh.Close(); err != nil {
				t.Fatal(err)
			}
			before := digest(t, db)
			writeFiles(t, root, "later", later)
			_, err = build.Run(ctx, build.Config{Lake: root, DB: db})
			if err == nil {
				t.Fatal("the update succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q: want it to say %q", err, w)
				}
			}
			if tc.not != "" && strings.Contains(err.Error(), tc.not) {
				t.Errorf("error %q: want the step's error, not the checks'", err)
			}
			if digest(t, db) != before {
				t.Error("the failed build changed the warehouse")
			}
			if _, err := os.Stat(db + ".building"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s.building left behind: %v", db, err)
			}
		})
	}
}

// TestRunProgress: Config.Progress gets a few lines a person can follow a
// long build by (parley build prints them on stderr by default): why an
// update is rebuilt in full; the end of the transform, of each pass of a
// chunked build's metric tables, of the metric tables and of the automatic
// checks, with the counts the warehouse holds; nothing for a build with
// nothing to do.
func TestRunProgress(t *testing.T) {
	first, later := generated(t)
	ctx := context.Background()
	dir := t.TempDir()
	root, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	firstFiles := writeFiles(t, root, "first", first)
	run := func(cfg build.Config) (build.Stats, []string) {
		t.Helper()
		var lines []string
		cfg.Lake, cfg.DB, cfg.Progress = root, db, func(line string) { lines = append(lines, line) }
		stats, err := build.Run(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return stats, lines
	}
	const (
		ms      = `(?:\d+m)?\d+(?:\.\d+)?m?s` // a time.Duration to the millisecond
		tables  = `^metric tables done in ` + ms + `: messages, episodes, escalations, conversations$`
		checked = `^automatic QA checks done in ` + ms + `: (\d+) verdicts \((\d+) checks on (\d+) conversations\)$`
	)
	transformed := func(s build.Stats) string {
		return fmt.Sprintf(`^transform done in %s: %d events \(%d duplicates dropped\) in %d conversations from %d files`,
			ms, s.Events, s.Duplicates, s.Conversations, s.Files)
	}
	// verdicts is what auto_qa holds: the checks' rows, checks and conversations.
	verdicts := func() []string {
		t.Helper()
		wh, err := warehouse.Open(db, true)
		if err != nil {
			t.Fatal(err)
		}
		defer wh.Close()
		got := make([]string, 3)
		if err := wh.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT "check"), count(DISTINCT conversation_id) FROM auto_qa`).Scan(&got[0], &got[1], &got[2]); err != nil {
			t.Fatal(err)
		}
		return got
	}
	check := func(name string, lines, want []string) {
		t.Helper()
		if len(lines) != len(want) {
			t.Fatalf("%s: progress %q, want %d lines matching %q", name, lines, len(want), want)
		}
		for i, w := range want {
			if !regexp.MustCompile(w).MatchString(lines[i]) {
				t.Errorf("%s: progress line %d %q, want it to match %q", name, i+1, lines[i], w)
			}
		}
	}

	stats, lines := run(build.Config{Chunks: 3})
	check("a full build in 3 passes", lines, []string{transformed(stats) + "$",
		`^metric tables: pass 1 of 3 done in ` + ms + `$`, `^metric tables: pass 2 of 3 done in ` + ms + `$`, `^metric tables: pass 3 of 3 done in ` + ms + `$`,
		tables, checked})
	if m := regexp.MustCompile(checked).FindStringSubmatch(lines[len(lines)-1]); m != nil && !slices.Equal(m[1:], verdicts()) {
		t.Errorf("%q: auto_qa holds %v verdicts, checks, conversations", lines[len(lines)-1], verdicts())
	}

	if _, lines = run(build.Config{}); len(lines) > 0 {
		t.Errorf("a build with nothing to do: progress %q, want none", lines)
	}

	writeFiles(t, root, "later", later)
	stats, lines = run(build.Config{})
	check("an update", lines, []string{
		transformed(stats) + fmt.Sprintf(`; %d new files, %d conversations to recompute$`, stats.NewFiles, stats.Affected), tables, checked})
	if !stats.Incremental || stats.NewFiles == 0 || stats.Affected == 0 {
		t.Errorf("stats %+v, want an update with new files", stats)
	}

	if err := os.Remove(firstFiles[0]); err != nil {
		t.Fatal(err)
	}
	stats, lines = run(build.Config{})
	check("an update rebuilt in full", lines, []string{`^transform: the warehouse needs a full rebuild: lake file .* is gone since the last build$`,
		transformed(stats) + "$", tables, checked})
}

// TestRunRefusesSecondBuild: two real builds of one warehouse at once. The
// first is held inside its build (in its first progress line, so holding
// the lock) while the second runs: the second fails at once with a
// RunningError naming the warehouse and this process, and changes nothing;
// the first then completes, and once it has, a build runs again.
func TestRunRefusesSecondBuild(t *testing.T) {
	first, later := generated(t)
	ctx := context.Background()
	root, db := builtFirst(t, first)
	writeFiles(t, root, "later", later)
	before := digest(t, db)

	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		var once bool
		_, err := build.Run(ctx, build.Config{Lake: root, DB: db, Full: true, Progress: func(string) {
			if !once {
				once = true
				close(inside)
				<-release
			}
		}})
		done <- err
	}()
	select {
	case <-inside:
	case err := <-done:
		t.Fatalf("the first build ended before it reported progress: %v", err)
	}

	_, err := build.Run(ctx, build.Config{Lake: root, DB: db, Full: true})
	var running *build.RunningError
	if !errors.As(err, &running) || !errors.Is(err, build.ErrBuildRunning) || running.PID != os.Getpid() ||
		!strings.Contains(err.Error(), "another build of "+db+" is running (pid "+fmt.Sprint(os.Getpid())+")") {
		t.Errorf("second build while the first runs: %v; want a RunningError naming %s and pid %d", err, db, os.Getpid())
	}
	if digest(t, db) != before {
		t.Error("the refused build changed the warehouse")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the first build failed: %v", err)
	}
	sameAsFullBuild(t, root, db)
	if _, err := build.Run(ctx, build.Config{Lake: root, DB: db}); err != nil {
		t.Errorf("a build after the first ended: %v", err)
	}
}

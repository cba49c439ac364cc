package governance

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

const (
	target = "cust-target"
	other  = "cust-other"
	// Secrets sort after every other text ('~' is the highest printable
	// ASCII byte), so each is the maximum of its message_text column chunk
	// and Parquet writes it verbatim, uncompressed, into the chunk
	// statistics: a raw byte scan of the lake then finds it before an erase,
	// which makes the scan after an erase a check that can fail.
	secretA    = "~~target-secret-A: my card is 4111 1111 1111 1111"
	secretB    = "~~target-secret-B: I live at 1 Hidden Lane"
	deadSecret = "~~target-secret-C: in a rejected event"
	otherText  = "~~other customer text that must stay"
)

var (
	day1 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	day2 = time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
)

// testLines: two conversations of the target on two days, one of another
// customer, and three dead letters: two the target's (an unknown type; a
// broken line that still names them), one the other customer's.
func testLines() []line {
	var ls []line
	ls = append(ls, conversation("c-target-1", target, secretA, day1)...)
	ls = append(ls, conversation("c-other", other, otherText, day1)...)
	ls = append(ls, conversation("c-target-2", target, secretB, day2)...)
	ls = append(ls,
		line{"event_id": "bad-1", "conversation_id": "c-target-1", "type": "teleported", "occurred_at": day1.Format(time.RFC3339),
			"channel": "webchat", "actor": line{"role": "customer", "id": target}, "message": line{"text": deadSecret}},
		line{"event_id": "bad-2", "conversation_id": "c-other", "type": "teleported", "occurred_at": day1.Format(time.RFC3339),
			"channel": "webchat", "actor": line{"role": "customer", "id": other}, "message": line{"text": otherText}},
		// Not an event at all, but it names the target.
		line{"actor": line{"id": target}, "message": deadSecret + " (again)"},
	)
	return ls
}

// parquetNames lists the lake's complete data files, relative to root.
func parquetNames(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	for _, g := range []string{lake.EventsGlob(root), lake.DeadLetterGlob(root)} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(root, p)
			names = append(names, rel)
		}
	}
	slices.Sort(names)
	return names
}

func TestErase(t *testing.T) {
	tests := []struct {
		name          string
		conversations bool
		dryRun        bool
		want          EraseStats
		// wantLeft: events left per actor ID; the agent's replies in the
		// target's conversations go only when whole conversations do.
		wantLeft map[string]int64
	}{
		{"customer only", false, false,
			EraseStats{FilesScanned: 3, FilesRewritten: 3, Events: 4, Conversations: 2, DeadLetters: 2},
			map[string]int64{other: 2, "agent-1": 6}},
		{"whole conversations", true, false,
			EraseStats{FilesScanned: 3, FilesRewritten: 3, Events: 8, Conversations: 2, DeadLetters: 2},
			map[string]int64{other: 2, "agent-1": 2}},
		{"dry run", true, true,
			EraseStats{FilesScanned: 3, FilesRewritten: 3, Events: 8, Conversations: 2, DeadLetters: 2},
			map[string]int64{target: 4, other: 2, "agent-1": 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := importLake(t, "erase", testLines())
			names := parquetNames(t, root)
			before := snapshot(t, filepath.Join(root, lake.EventsDir))
			st, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target,
				Conversations: tt.conversations, DryRun: tt.dryRun, Reason: "DSR-42"})
			if err != nil {
				t.Fatal(err)
			}
			if st != tt.want {
				t.Errorf("stats = %+v, want %+v", st, tt.want)
			}
			if got := parquetNames(t, root); !slices.Equal(got, names) {
				t.Errorf("file names changed:\n got %v\nwant %v", got, names)
			}
			if tt.dryRun && !maps.Equal(snapshot(t, filepath.Join(root, lake.EventsDir)), before) {
				t.Error("dry run changed the events files")
			}
			if tmp := filesContaining(t, root, []byte(lake.TempPrefix)); len(tmp) > 0 {
				t.Errorf("temporary files or names left: %v", tmp)
			}

			db := openDuck(t)
			for actor, want := range tt.wantLeft {
				if got := queryInt(t, db, "SELECT count(*) FROM read_parquet(?) WHERE actor_id = ?", lake.EventsGlob(root), actor); got != want {
					t.Errorf("events of %s left = %d, want %d", actor, got, want)
				}
			}
			if got := queryInt(t, db, "SELECT count(*) FROM read_parquet(?) WHERE actor_id = ?", lake.EventsGlob(root), target); !tt.dryRun && got != 0 {
				t.Errorf("%d events of the target left", got)
			}
			// Dead letters keep their rows (counts reconcile); the other customer's bytes are untouched.
			if got := queryInt(t, db, "SELECT count(*) FROM read_parquet(?)", lake.DeadLetterGlob(root)); got != 3 {
				t.Errorf("dead letters = %d, want 3 (rows are scrubbed, not removed)", got)
			}
			if got := queryInt(t, db, "SELECT count(*) FROM read_parquet(?) WHERE contains(raw::VARCHAR, ?)", lake.DeadLetterGlob(root), otherText); got != 1 {
				t.Errorf("other customer's dead letter raw bytes found %d times, want 1", got)
			}
			wantScrubbed := int64(2)
			if tt.dryRun {
				wantScrubbed = 0
			}
			if got := queryInt(t, db, "SELECT count(*) FROM read_parquet(?) WHERE octet_length(raw) = 0 AND detail = ?", lake.DeadLetterGlob(root), erasedDetail); got != wantScrubbed {
				t.Errorf("scrubbed dead letters = %d, want %d", got, wantScrubbed)
			}

			entries, err := ReadAudit(root)
			if err != nil {
				t.Fatal(err)
			}
			// One run, two lines: started before anything changed, then its result.
			if len(entries) != 2 {
				t.Fatalf("audit entries = %d, want 2", len(entries))
			}
			if s := entries[0]; s.Status != StatusStarted || s.Run == "" || s.Action != "erase" || len(s.Counts) != 0 || s.Params["customer_sha256"] != CustomerDigest(target) {
				t.Errorf("start line = %+v", s)
			}
			e := entries[1]
			if e.Action != "erase" || e.Status != StatusCompleted || e.Run != entries[0].Run || e.DryRun != tt.dryRun || e.Reason != "DSR-42" || e.Params["customer_sha256"] != CustomerDigest(target) ||
				e.Counts["events"] != tt.want.Events || e.Counts["dead_letters"] != tt.want.DeadLetters || e.User == "" || e.Error != "" {
				t.Errorf("audit entry = %+v", e)
			}
			// The log names the customer only by digest and holds no erased text.
			for _, s := range []string{target, secretA, secretB, deadSecret} {
				if hits := filesContaining(t, filepath.Join(root, lake.AuditDir), []byte(s)); len(hits) > 0 {
					t.Errorf("audit log contains %q", s)
				}
			}
		})
	}
}

// TestEraseLeavesNoTrace checks that no byte of the erased customer's text
// survives in the lake or in a warehouse rebuilt from it, two independent
// ways: decoded (DuckDB reads every column of every file and table, so
// compression and encoding cannot hide a value) and raw (every byte of every
// file, which catches what decoding skips: Parquet footers and page headers
// hold min/max statistics uncompressed, and a stale copy would sit there).
// Each check is first shown to find the text before the erase.
func TestEraseLeavesNoTrace(t *testing.T) {
	root := importLake(t, "trace", testLines())
	// QA reviews quoting the target, in comments and a dispute.
	writeReviewRows(t, root, "import-1", reviewRows(day2))
	secrets := []string{secretA, secretB, deadSecret}

	decodedHits := func(t *testing.T, whDB string) int64 {
		t.Helper()
		db := openDuck(t)
		var n int64
		for _, s := range secrets {
			n += queryInt(t, db, "SELECT count(*) FROM read_parquet(?) AS t WHERE contains(t::VARCHAR, ?)", lake.EventsGlob(root), s)
			n += queryInt(t, db, "SELECT count(*) FROM read_parquet(?) AS t WHERE contains(t::VARCHAR, ?) OR contains(raw::VARCHAR, ?)", lake.DeadLetterGlob(root), s, s)
			n += queryInt(t, db, "SELECT count(*) FROM read_parquet(?) AS t WHERE contains(t::VARCHAR, ?)", lake.ReviewsGlob(root), s)
		}
		n += warehouseHits(t, whDB, secrets)
		return n
	}
	// rawHits: the files whose bytes contain each secret, lake and warehouse.
	rawHits := func(t *testing.T, whDB string) map[string][]string {
		t.Helper()
		hits := make(map[string][]string)
		for _, s := range secrets {
			if h := append(filesContaining(t, root, []byte(s)), filesContaining(t, filepath.Dir(whDB), []byte(s))...); len(h) > 0 {
				hits[s] = h
			}
		}
		return hits
	}

	wh := buildNew(t, root)
	if n := decodedHits(t, wh); n == 0 {
		t.Fatal("control: the decoded check finds no secret before the erase")
	}
	if hits := rawHits(t, wh); len(hits) != len(secrets) {
		t.Fatalf("control: the raw byte check finds only %d of %d secrets before the erase: %v", len(hits), len(secrets), hits)
	}

	if _, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target}); err != nil {
		t.Fatal(err)
	}
	// `parley build` updates an existing warehouse incrementally: it must
	// notice the rewritten files (and rebuild) rather than keep erased rows.
	stats, err := build.Run(context.Background(), build.Config{Lake: root, DB: wh})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the build after the erase: incremental %v, full rebuild because %q", stats.Incremental, stats.FullRebuild)
	if n := warehouseHits(t, wh, secrets); n != 0 {
		t.Errorf("the build after the erase kept %d values of the target's text", n)
	}
	wh = buildNew(t, root)
	if n := decodedHits(t, wh); n != 0 {
		t.Errorf("decoded check: %d values still hold the target's text", n)
	}
	if hits := rawHits(t, wh); len(hits) > 0 {
		t.Errorf("raw byte check: target's text still in %v", hits)
	}
	// The other customer is still there, end to end.
	if n := warehouseHits(t, wh, []string{otherText}); n == 0 {
		t.Error("the other customer's text is gone from the warehouse too")
	}
}

// warehouseHits counts values containing any of needles in every table and
// view of the warehouse file at path, every column read as text.
func warehouseHits(t *testing.T, path string, needles []string) int64 {
	t.Helper()
	db, err := warehouse.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT table_name FROM information_schema.tables")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("warehouse has no tables")
	}
	var n int64
	for _, tbl := range tables {
		for _, s := range needles {
			// Table names come from the catalogue, not from input.
			n += queryInt(t, db, `SELECT count(*) FROM "`+strings.ReplaceAll(tbl, `"`, `""`)+`" AS t WHERE contains(t::VARCHAR, ?)`, s)
		}
	}
	return n
}

func TestEraseValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  EraseConfig
		want string
	}{
		{"no lake", EraseConfig{Customer: "c"}, "lake: required"},
		{"no customer", EraseConfig{Lake: t.TempDir()}, "customer: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Erase(context.Background(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

// TestEraseRefusesSymlinks: a lake file that is a symlink to a file outside
// the lake is neither followed nor rewritten, and the outside file is untouched.
func TestEraseRefusesSymlinks(t *testing.T) {
	root := importLake(t, "links", testLines())
	outside := filepath.Join(t.TempDir(), "outside.parquet")
	names := parquetNames(t, root)
	src := filepath.Join(root, names[0])
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, b, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(filepath.Dir(src), "planted-0-1.parquet")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	_, err = Erase(context.Background(), EraseConfig{Lake: root, Customer: target})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v, want a refusal naming the symlink", err)
	}
	after, err := os.ReadFile(outside)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(b) {
		t.Error("the file outside the lake was changed")
	}
	entries, err := ReadAudit(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[1].Status != StatusFailed || entries[1].Error == "" {
		t.Errorf("failed run not audited with its error: %+v", entries)
	}
}

// TestEraseAndRetentionWaitForPublishers: both take the lake's lock
// exclusively, so while any writer holds it shared (ingest publishing a
// batch) they wait, and they change nothing until it is released.
func TestEraseAndRetentionWaitForPublishers(t *testing.T) {
	runs := []struct {
		name string
		run  func(root string) error
	}{
		{"erase", func(root string) error {
			_, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target})
			return err
		}},
		{"retention", func(root string) error {
			_, err := Retention(context.Background(), RetentionConfig{Lake: root, Keep: 24 * time.Hour})
			return err
		}},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			root := importLake(t, "lock", testLines())
			before := snapshot(t, root)
			unlock, err := lake.Lock(root, false)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- r.run(root) }()
			select {
			case err := <-done:
				t.Fatalf("%s finished while a publisher held the lock: %v", r.name, err)
			case <-time.After(300 * time.Millisecond):
			}
			if !maps.Equal(snapshot(t, root), before) {
				t.Errorf("%s changed the lake while waiting for the lock", r.name)
			}
			if err := unlock(); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%s still waiting after the lock was released", r.name)
			}
			if maps.Equal(snapshot(t, root), before) {
				t.Errorf("%s changed nothing once it had the lock", r.name)
			}
		})
	}
}

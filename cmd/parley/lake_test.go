package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// TestLakeStatus: parley lake status on a lake of imports only (no dead
// letters, checkpoints or gaps: every part says "none"), then after a Kafka
// ingest with bad messages, a gap record and a file left by a crash.
func TestLakeStatus(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lakeDir, filepath.Join("..", "..", "testdata", "metrics", "basic.jsonl"))
	out := status(t, lakeDir)
	for _, line := range []string{"dead letters", "checkpoints", "gap records", "temporary", "QA reviews", "audit log"} {
		if !strings.Contains(out, "\n"+line+" none\n") {
			t.Errorf("status of an imports-only lake lacks %q none:\n%s", line, out)
		}
	}
	wantRows := lakeRows(t, dir, lake.EventsGlob(lakeDir))
	if !strings.Contains(out, fmt.Sprintf("\nevents %d rows in ", wantRows)) {
		t.Errorf("status does not count the %d rows DuckDB reads:\n%s", wantRows, out)
	}

	b, err := broker.Start(context.Background(), broker.Config{Partitions: 2, Topics: []string{"events"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	var msgs []kafka.Message
	for i := range 20 {
		msgs = append(msgs, kafka.Message{Value: fmt.Appendf(nil, `{"event_id":"k%d","conversation_id":"kc%d","type":"resolved","occurred_at":"2026-03-05T10:00:00Z"}`, i, i%4)})
	}
	for range 3 {
		msgs = append(msgs, kafka.Message{Value: []byte("not json")})
	}
	for range 2 {
		msgs = append(msgs, kafka.Message{Value: []byte(`{"conversation_id":"kc1","type":"resolved","occurred_at":"2026-03-05T10:00:00Z"}`)})
	}
	w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: "events", BatchTimeout: time.Millisecond}
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	mustParley(t, "ingest", "--brokers", b.Addr(), "--topic", "events", "--lake", lakeDir, "--until-idle", "1s")
	g := lake.OffsetGap{Topic: "events", Partition: 1, From: 100, To: 149, DetectedAt: time.Date(2026, 3, 6, 1, 2, 3, 0, time.UTC)}
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
	days, _ := filepath.Glob(filepath.Join(lakeDir, lake.EventsDir, "date=*"))
	if err := os.WriteFile(filepath.Join(days[0], lake.TempPrefix+"crashed.parquet.1.part"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	// An erase killed part way: a "started" line and no end.
	killed := lake.NewAuditEntry("erase", "ticket-9", false, time.Date(2026, 3, 7, 8, 0, 0, 0, time.UTC))
	killed.Run, killed.Status = "run-1", "started"
	if err := lake.AppendAudit(lakeDir, killed); err != nil {
		t.Fatal(err)
	}

	out = status(t, lakeDir)
	for _, want := range []string{
		"\naudit log 1 entries, the last erase started 2026-03-07 08:00:00 UTC\n",
		" interrupted erase run run-1 started 2026-03-07 08:00:00 UTC by ",
		"\ndead letters 5 in 2 files, by reason:\n malformed_json 3\n missing_field 2\n",
		"\ncheckpoints 2 Kafka partitions\n",
		"\ngap records 1: 50 Kafka offsets deleted before ingest read them\n",
		"\n events/1 offsets 100-149 (50 messages), epoch 0, detected 2026-03-06 01:02:03 UTC\n",
		"\ntemporary 1 files being written or left by a crash",
		"\nsources 2\n events 2 files\n import basic 5 files\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// Every message read is below a checkpoint: the next offsets add up to the 25 produced.
	next := 0
	for _, m := range regexp.MustCompile(`\n events/\d next offset (\d+),`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		next += n
	}
	if next != len(msgs) {
		t.Errorf("checkpoints add up to %d, want the %d messages produced:\n%s", next, len(msgs), out)
	}
	if rows := lakeRows(t, dir, lake.EventsGlob(lakeDir)); !strings.Contains(out, fmt.Sprintf("\nevents %d rows in ", rows)) {
		t.Errorf("status does not count the %d rows DuckDB reads:\n%s", rows, out)
	}
}

// status runs parley lake status with the table's runs of spaces as one.
func status(t *testing.T, lakeDir string) string {
	t.Helper()
	return regexp.MustCompile(` +`).ReplaceAllString(mustParley(t, "lake", "status", "--lake", lakeDir), " ")
}

// lakeRows counts the rows of the Parquet files matching glob with DuckDB.
func lakeRows(t *testing.T, dir, glob string) int64 {
	t.Helper()
	db, err := warehouse.Open(filepath.Join(dir, "count.duckdb"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM read_parquet(?)", glob).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLakeFolderErrors: lake status, retention and erase say when --lake
// does not exist, is a file, or is the folder above the lake (did you mean
// …?), as usage errors; an empty folder is an empty lake. (Erase said "not
// a directory" of a folder that does not exist, and erased nothing from the
// folder above the lake without a word.)
func TestLakeFolderErrors(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nolake")
	events := filepath.Join(lakeDir, "events")
	cases := []struct {
		root, want string
	}{
		{missing, "--lake " + missing + " does not exist"},
		{file, "--lake " + file + " is not a directory"},
		{dir, "--lake " + dir + " holds no lake, but " + lakeDir + " does: did you mean --lake " + lakeDir + "?"},
		{events, "--lake " + events + " is inside the lake " + lakeDir + ": did you mean --lake " + lakeDir + "?"},
	}
	db := filepath.Join(t.TempDir(), "w.duckdb")
	for _, command := range [][]string{{"lake", "status"}, {"retention", "--keep", "400d", "--dry-run"}, {"build", "--db", db}, {"erase", "--customer", "cust-1", "--dry-run"}} {
		for _, c := range cases {
			_, err := parley(t, append(command, "--lake", c.root)...)
			want := command[0] + ": " + c.want
			if command[0] == "lake" {
				want = "lake status: " + c.want
			}
			var ue usageError
			if !errors.As(err, &ue) || err.Error() != want {
				t.Errorf("%v --lake %s: err = %v, want a usage error %q", command, c.root, err, want)
			}
		}
	}
	if out := status(t, t.TempDir()); !strings.Contains(out, "\nevents none\n") {
		t.Errorf("status of an empty folder:\n%s", out)
	}
}

// TestLakeTargetErrors: import and ingest, which create --lake when it
// does not exist, refuse the folder above a lake, a folder inside one and
// a folder holding other things, before reading any input or broker; a
// new folder, an empty one, or one holding only a lake's own entries is
// taken.
func TestLakeTargetErrors(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lakeDir, metricsFixture("basic.jsonl"))
	other := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	events := filepath.Join(lakeDir, "events")
	cases := []struct {
		root, want string
	}{
		{dir, "--lake " + dir + " holds no lake, but " + lakeDir + " does: did you mean --lake " + lakeDir + "?"},
		{events, "--lake " + events + " is inside the lake " + lakeDir + ": did you mean --lake " + lakeDir + "?"},
		{filepath.Join(events, "new"), "--lake " + filepath.Join(events, "new") + " is inside the lake " + lakeDir + ": did you mean --lake " + lakeDir + "?"},
		{other, "--lake " + other + " holds other things (notes.txt) and no lake: give a new or empty folder, or an existing lake"},
	}
	for _, command := range [][]string{{"import", metricsFixture("basic.jsonl")}, {"ingest", "--brokers", "127.0.0.1:1", "--topic", "t", "--until-idle", "1s"}} {
		for _, c := range cases {
			_, err := parley(t, append(command, "--lake", c.root)...)
			want := command[0] + ": " + c.want
			var ue usageError
			if !errors.As(err, &ue) || err.Error() != want {
				t.Errorf("%s --lake %s: err = %v, want a usage error %q", command[0], c.root, err, want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(other, lake.EventsDir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused import wrote into %s: %v", other, err)
	}
	// Taken: a new folder, an empty one, one holding only a lock file.
	empty, locked := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(locked, lake.LockFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{filepath.Join(t.TempDir(), "new"), empty, locked} {
		mustParley(t, "import", "--lake", root, metricsFixture("basic.jsonl"))
	}
}

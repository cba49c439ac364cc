package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
)

// crashCompact runs compact in a child process that SIGKILLs itself right
// after its first directory swap, and returns the staging directory the
// crash leaves: the partition's old files, under a name no reader globs.
func crashCompact(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), compactCrashEnv+"="+root)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("compact child: %v, want it killed by SIGKILL after the swap\n%s", err, stderr.String())
	}
	stages, err := filepath.Glob(filepath.Join(root, lake.EventsDir, lake.StagePrefix+"*"))
	if err != nil || len(stages) != 1 {
		t.Fatalf("staging directories after the crash: %v (%v), want exactly one", stages, err)
	}
	old, err := filepath.Glob(filepath.Join(stages[0], "*.parquet"))
	if err != nil || len(old) < 2 {
		t.Fatalf("the leftover holds %d files (%v), want the partition's old small files", len(old), err)
	}
	return stages[0]
}

// TestCompactCrashLeftoverRemovedByNextCommand: a compact killed right
// after its swap leaves the partition's old files in events/_tmp-date=…
// (copies of events, erased customers' included, that nothing else would
// ever remove). The next lake command, whichever it is, removes them and
// says so, and the lake itself is unchanged.
func TestCompactCrashLeftoverRemovedByNextCommand(t *testing.T) {
	b := startBroker(t, 2)
	msgs, _, _ := mixedMessages(t, 600)
	produce(t, b.Addr(), msgs)
	// kafkaRows fingerprints the lake's Kafka events, which no command below may change.
	kafkaRows := func(root string) string {
		return `SELECT count(*) || ':' || sum(hash(partition, "offset", event_id, message_text)) FROM ` + lakeEvents(root) + ` WHERE source = '` + testTopic + `'`
	}

	next := []struct {
		name string
		run  func(t *testing.T, root string, log *slog.Logger)
	}{
		{"compact", func(t *testing.T, root string, log *slog.Logger) {
			if _, err := Compact(context.Background(), CompactConfig{Lake: root, Log: log}); err != nil {
				t.Fatal(err)
			}
		}},
		{"import", func(t *testing.T, root string, log *slog.Logger) {
			in := filepath.Join(t.TempDir(), "later.jsonl")
			if err := os.WriteFile(in, eventLines(t, 1, 1), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{in}, Log: log}); err != nil {
				t.Fatal(err)
			}
		}},
		{"ingest", func(t *testing.T, root string, log *slog.Logger) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: root, UntilIdle: time.Second, Log: log}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, n := range next {
		t.Run(n.name, func(t *testing.T) {
			root := t.TempDir()
			ingestSmallFiles(t, b.Addr(), root)
			db := openDuck(t)
			before := queryString(t, db, kafkaRows(root))
			stage := crashCompact(t, root)
			if got := queryString(t, db, kafkaRows(root)); got != before {
				t.Fatalf("lake after the crashed compact: %s, want %s (the swap itself is atomic)", got, before)
			}

			var logs bytes.Buffer
			n.run(t, root, slog.New(slog.NewTextHandler(&logs, nil)))
			if _, err := os.Stat(stage); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s left the crashed compact's staging directory %s (stat: %v)", n.name, stage, err)
			}
			rel, _ := filepath.Rel(root, stage)
			if !strings.Contains(logs.String(), "removed a leftover") || !strings.Contains(logs.String(), rel) {
				t.Errorf("%s did not log the removal of %s:\n%s", n.name, rel, logs.String())
			}
			if got := queryString(t, db, kafkaRows(root)); got != before {
				t.Errorf("Kafka rows after %s: %s, want %s", n.name, got, before)
			}
			assertNoTempFiles(t, root)
		})
	}
}

// TestSweepLeavesBatchesInProgress: temporary files of a batch that a live
// process is still writing are held, so a sweep (another command starting
// meanwhile) leaves them, and the batch still publishes.
func TestSweepLeavesBatchesInProgress(t *testing.T) {
	root := t.TempDir()
	b := newBatch("inflight", -1)
	b.add([]byte(`{"event_id":"e1","conversation_id":"c1","type":"conversation_started","occurred_at":"2026-03-01T10:00:00Z","channel":"webchat","actor":{"role":"customer","id":"cust-1"}}`), nil, 1, time.Now())
	b.add([]byte(`{"broken`), nil, 2, time.Now())
	fs := fileSet{root: root}
	files, err := b.writeTemp(root, &fs)
	if err != nil || files != 2 {
		t.Fatalf("writeTemp: %d files, %v", files, err)
	}
	sw := sweepLocked(t, root)
	if len(sw.Removed) != 0 || len(sw.InUse) != 2 {
		t.Fatalf("sweep %+v, want both temporary files left alone as in use", sw)
	}
	if err := fs.publish(); err != nil {
		t.Fatalf("publish after the sweep: %v", err)
	}
	if n := len(mustGlob(t, lake.EventsGlob(root))) + len(mustGlob(t, lake.DeadLetterGlob(root))); n != 2 {
		t.Errorf("%d files published, want 2", n)
	}
	// Once published nothing is held; an unpublished file of a dead writer is not either.
	dead := filepath.Join(lake.PartitionDir(root, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), lake.TempPrefix+"inflight-9-9.parquet.123.part")
	if err := os.WriteFile(dead, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	sw = sweepLocked(t, root)
	if len(sw.Removed) != 1 || len(sw.InUse) != 0 {
		t.Errorf("second sweep %+v, want only the dead writer's file removed", sw)
	}
	assertNoTempFiles(t, root)
}

// sweepLocked sweeps the lake as another command starting would.
func sweepLocked(t *testing.T, root string) lake.Swept {
	t.Helper()
	unlock, err := lake.Lock(root, true)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock() //nolint:errcheck // test cleanup
	sw, err := lake.Sweep(root, lake.SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sw
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func queryString(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	var s string
	if err := db.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// TestCompactRefusesInputsRewrittenWhileMerging: compact merges without the
// lake lock; if erase rewrites one of its inputs meanwhile (same name, new
// file), swapping the merged file in would bring the erased rows back. The
// swap must be refused, the rewritten file kept, and the staging removed.
func TestCompactRefusesInputsRewrittenWhileMerging(t *testing.T) {
	b := startBroker(t, 1)
	msgs, _, _ := mixedMessages(t, 300)
	produce(t, b.Addr(), msgs)
	root := t.TempDir()
	ingestSmallFiles(t, b.Addr(), root)
	days := mustGlob(t, filepath.Join(root, lake.EventsDir, "date=*"))
	var day string
	var groups [][]kafkaFile
	for _, d := range days {
		g, err := mergeGroups(CompactConfig{Lake: root, SmallFileBytes: DefaultSmallFileBytes}, d, map[string]checkpoint{})
		if err != nil {
			t.Fatal(err)
		}
		if len(g) > 0 {
			day, groups = d, g
			break
		}
	}
	if day == "" {
		t.Fatal("no date directory has files to merge")
	}
	input := filepath.Join(day, groups[0][0].name)

	// Holding the lake lock parks compact between its merge and its swap.
	unlock, err := lake.Lock(root, true)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := compactDay(context.Background(), root, day, groups)
		done <- err
	}()
	merged := filepath.Join(filepath.Dir(day), lake.StagePrefix+"*", mergedName(groups[0]))
	waitFor(t, "the merged file in the staging directory", func() bool { return len(mustGlob(t, merged)) == 1 })
	// What erase does to a file: a new file renamed over it under its name.
	data, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(input+".new", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(input+".new", input); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if err == nil || !strings.Contains(err.Error(), "rewritten or removed while merging") {
		t.Fatalf("compact after an input was rewritten: %v, want the swap refused", err)
	}
	if _, err := os.Stat(input); err != nil {
		t.Errorf("the rewritten input is gone from the live directory: %v", err)
	}
	if m := mustGlob(t, filepath.Join(day, mergedName(groups[0]))); len(m) != 0 {
		t.Errorf("the merged file was swapped in: %v", m)
	}
	assertNoTempFiles(t, root)
}

package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-cx/parley/internal/lake"
)

// ingestSmallFiles fills a lake through Run with tiny batches, so every date
// partition holds many small files per Kafka partition.
func ingestSmallFiles(t *testing.T, addr, lakeDir string) Stats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := Run(ctx, Config{Brokers: []string{addr}, Topic: testTopic, Lake: lakeDir, FlushRows: 60, UntilIdle: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func countFiles(t *testing.T, root string) int {
	t.Helper()
	m, err := filepath.Glob(lake.EventsGlob(root))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func TestCompact(t *testing.T) {
	b := startBroker(t, 2)
	msgs, _, _ := mixedMessages(t, 1500)
	produce(t, b.Addr(), msgs)
	lakeDir := t.TempDir()
	ingestSmallFiles(t, b.Addr(), lakeDir)
	db := openDuck(t)
	fingerprint := `SELECT count(*) || ':' || sum(hash(source, partition, "offset", event_id, message_text, occurred_at)) FROM ` + lakeEvents(lakeDir)
	var before string
	if err := db.QueryRow(fingerprint).Scan(&before); err != nil {
		t.Fatal(err)
	}
	filesBefore := countFiles(t, lakeDir)
	days, _ := filepath.Glob(filepath.Join(lakeDir, lake.EventsDir, "date=*"))

	dry, err := Compact(context.Background(), CompactConfig{Lake: lakeDir, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.FilesBefore != filesBefore || countFiles(t, lakeDir) != filesBefore {
		t.Fatalf("dry run: %+v, %d files now; want it to plan all %d files and change none", dry, countFiles(t, lakeDir), filesBefore)
	}

	// A reader polling during compaction must only ever see the full lake.
	var stop atomic.Bool
	var seen, wrong atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			var got string
			if err := db.QueryRow(fingerprint).Scan(&got); err != nil {
				continue // a file renamed away between listing and opening: an error, never a wrong answer
			}
			seen.Add(1)
			if got != before {
				wrong.Add(1)
			}
		}
	})
	st, err := Compact(context.Background(), CompactConfig{Lake: lakeDir})
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if wrong.Load() > 0 {
		t.Errorf("%d of %d reads during compaction saw a half-compacted lake", wrong.Load(), seen.Load())
	}
	// One file per Kafka partition and date remains.
	if want := len(days) * 2; st.FilesAfter != want || countFiles(t, lakeDir) != want {
		t.Errorf("compact %+v left %d files, want %d (one per partition and date)", st, countFiles(t, lakeDir), want)
	}
	var after string
	if err := db.QueryRow(fingerprint).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("compacted lake fingerprint %s, want %s", after, before)
	}
	// Rows are copied, not row groups, so a merged file is not a pile of tiny groups.
	if n := queryInt(t, db, "SELECT max(n) FROM (SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('"+lake.EventsGlob(lakeDir)+"') GROUP BY file_name)"); n != 1 {
		t.Errorf("merged files have up to %d row groups, want 1", n)
	}
	assertNoTempFiles(t, lakeDir)

	// Resumption still works from the compacted lake: more events arrive,
	// ingest picks up exactly where it was.
	more, _, _ := mixedMessages(t, 200)
	produce(t, b.Addr(), more)
	ingestSmallFiles(t, b.Addr(), lakeDir)
	assertExactlyOnce(t, db, lakeDir, int64(len(msgs)+len(more)))

	again, err := Compact(context.Background(), CompactConfig{Lake: lakeDir})
	if err != nil {
		t.Fatal(err)
	}
	if again.FilesBefore == 0 {
		t.Errorf("second compact merged nothing, want the new small files merged")
	}
	assertExactlyOnce(t, db, lakeDir, int64(len(msgs)+len(more)))
}

func TestCompactLeavesUncommittedAndImportFilesAlone(t *testing.T) {
	root := t.TempDir()
	day := lake.PartitionDir(root, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err := os.MkdirAll(day, 0o755); err != nil {
		t.Fatal(err)
	}
	// A topic named like an import source, with a partition whose number
	// an all-digit import hash could be mistaken for.
	for _, cp := range []struct {
		topic     string
		partition int32
	}{{"t", 0}, {"backfill", 12}} {
		if err := writeCheckpoint(root, cp.topic, cp.partition, 0, 100); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{
		"t-0-100-149.parquet", "t-0-150-199.parquet", // past the checkpoint: maybe mid-publish
		"backfill-1-100.parquet", "backfill-101-200.parquet", // import files named before inputs were hashed
		"backfill-0000000000000012-1-10.parquet", "backfill-0000000000000012-11-20.parquet", // import files
		"backfill-3f9a0c1d2e4b5a69-1-10.parquet", "backfill-3f9a0c1d2e4b5a69-11-20.parquet",
		"t-1-0-9.parquet", "t-1-10-19.parquet", // no checkpoint for t/1
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(day, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Compact(context.Background(), CompactConfig{Lake: root})
	if err != nil {
		t.Fatal(err)
	}
	if st.FilesBefore != 0 {
		t.Errorf("compact merged %+v, want nothing", st)
	}
}

// TestCompactKeepsEpochsApart: after a reset, files of the earlier epoch
// (all complete) and of the current one below the checkpoint are merged,
// each epoch into its own file; the current epoch's files past the
// checkpoint are left alone.
func TestCompactKeepsEpochsApart(t *testing.T) {
	root := t.TempDir()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := lake.PartitionDir(root, at)
	if err := os.MkdirAll(day, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeCheckpoint(root, "u", 0, 1, 15); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, f := range []struct {
		epoch       int
		first, last int64
	}{{0, 0, 9}, {0, 10, 19}, {1, 0, 4}, {1, 5, 9}, {1, 15, 19}} {
		var batch []lake.Row
		for o := f.first; o <= f.last; o++ {
			batch = append(batch, lake.Row{EventID: fmt.Sprintf("e%d-%d", f.epoch, o), ConversationID: "c", Type: "resolved", OccurredAt: at, Source: "u", Offset: o})
		}
		rows += len(batch)
		if err := parquet.WriteFile(filepath.Join(day, lake.KafkaFileName("u", 0, f.epoch, f.first, f.last)), batch); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Compact(context.Background(), CompactConfig{Lake: root})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(day)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"u-0-0-19.parquet", "u-0-0-9.r1.parquet", "u-0-15-19.r1.parquet"}
	if !slices.Equal(names, want) || st.FilesBefore != 4 || st.FilesAfter != 2 {
		t.Errorf("after compact: %v (%+v), want %v", names, st, want)
	}
	if n := queryInt(t, openDuck(t), "SELECT count(DISTINCT event_id) FROM "+lakeEvents(root)); n != int64(rows) {
		t.Errorf("lake holds %d events after compact, want %d", n, rows)
	}
}

// TestCompactWhileIngesting compacts repeatedly while ingest keeps writing
// into the same date directories: nothing published meanwhile may be lost.
func TestCompactWhileIngesting(t *testing.T) {
	b := startBroker(t, 2)
	msgs, _, _ := mixedMessages(t, 1500)
	lakeDir := t.TempDir()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, FlushRows: 40, FlushInterval: 100 * time.Millisecond, Metrics: m})
		done <- err
	}()
	compactions := make(chan int, 1)
	stopCompact := make(chan struct{})
	go func() {
		merged := 0
		for {
			select {
			case <-stopCompact:
				compactions <- merged
				return
			default:
			}
			st, err := Compact(context.Background(), CompactConfig{Lake: lakeDir})
			if err != nil {
				t.Error(err)
			}
			merged += st.FilesBefore
			time.Sleep(50 * time.Millisecond)
		}
	}()
	for chunk := range slicesChunk(msgs, 100) {
		produce(t, b.Addr(), chunk)
		time.Sleep(40 * time.Millisecond)
	}
	waitFor(t, "every message written", func() bool { return counterValue(t, m.events)+sumDead(t, m) >= float64(len(msgs)) })
	close(stopCompact)
	merged := <-compactions
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if merged == 0 {
		t.Error("no compaction merged anything while ingest ran; the test exercised nothing")
	}
	assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
	assertNoTempFiles(t, lakeDir)
}

package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/parley-cx/parley/internal/lake"
)

// kafkaClient is a franz-go client for what kafka-go cannot do in a test:
// produce to a chosen partition, in transactions, and the admin requests
// (DeleteRecords, DeleteTopics, CreateTopics) that retention and an
// operator use.
func kafkaClient(t testing.TB, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts = append([]kgo.Opt{kgo.SeedBrokers(addr), kgo.DefaultProduceTopic(testTopic), kgo.RecordPartitioner(kgo.ManualPartitioner())}, opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// eventValues returns n valid events, ids from first on, as message values.
func eventValues(t testing.TB, first, n int) [][]byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(first), 3))
	out := make([][]byte, n)
	for i := range out {
		out[i] = mustJSON(t, testEvent(rng, first+i, (first+i)%13))
	}
	return out
}

// produceTo writes values to one partition and returns their offsets.
func produceTo(t testing.TB, cl *kgo.Client, partition int32, values [][]byte) []int64 {
	t.Helper()
	recs := make([]*kgo.Record, len(values))
	for i, v := range values {
		recs[i] = &kgo.Record{Partition: partition, Value: v}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := cl.ProduceSync(ctx, recs...)
	if err := res.FirstErr(); err != nil {
		t.Fatal(err)
	}
	offsets := make([]int64, len(res))
	for i, r := range res {
		offsets[i] = r.Record.Offset
	}
	return offsets
}

// deleteRecords deletes every offset of the partition below before, as
// retention does.
func deleteRecords(t testing.TB, cl *kgo.Client, partition int32, before int64) {
	t.Helper()
	req := kmsg.NewPtrDeleteRecordsRequest()
	rt := kmsg.NewDeleteRecordsRequestTopic()
	rt.Topic = testTopic
	rp := kmsg.NewDeleteRecordsRequestTopicPartition()
	rp.Partition, rp.Offset = partition, before
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	if code := resp.Topics[0].Partitions[0].ErrorCode; code != 0 {
		t.Fatalf("delete records of %s/%d below %d: error code %d", testTopic, partition, before, code)
	}
}

// recreateTopic deletes the topic and creates it again, empty. Clients
// made before it know the old topic's ID, so it returns a new one.
func recreateTopic(t testing.TB, addr string, partitions int32) *kgo.Client {
	t.Helper()
	ctx := context.Background()
	cl := kafkaClient(t, addr)
	del := kmsg.NewPtrDeleteTopicsRequest()
	dt := kmsg.NewDeleteTopicsRequestTopic()
	dt.Topic = kmsg.StringPtr(testTopic)
	del.Topics, del.TopicNames = append(del.Topics, dt), []string{testTopic}
	dresp, err := del.RequestWith(ctx, cl)
	if err != nil || dresp.Topics[0].ErrorCode != 0 {
		t.Fatalf("delete topic: %v %+v", err, dresp)
	}
	create := kmsg.NewPtrCreateTopicsRequest()
	ct := kmsg.NewCreateTopicsRequestTopic()
	ct.Topic, ct.NumPartitions, ct.ReplicationFactor = testTopic, partitions, 1
	create.Topics = append(create.Topics, ct)
	cresp, err := create.RequestWith(ctx, cl)
	if err != nil || cresp.Topics[0].ErrorCode != 0 {
		t.Fatalf("create topic: %v %+v", err, cresp)
	}
	cl.Close()
	return kafkaClient(t, addr)
}

// readGaps returns the lake's gap records, in file-name order.
func readGaps(t testing.TB, root string) []lake.OffsetGap {
	t.Helper()
	paths, err := filepath.Glob(lake.GapsGlob(root))
	if err != nil {
		t.Fatal(err)
	}
	var out []lake.OffsetGap
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var g lake.OffsetGap
		if err := json.Unmarshal(raw, &g); err != nil {
			t.Fatalf("gap record %s: %v", p, err)
		}
		if filepath.Base(p) != lake.GapFileName(g) || filepath.Base(filepath.Dir(p)) != g.Topic {
			t.Errorf("gap record %s holds %+v, which belongs at %s/%s", p, g, g.Topic, lake.GapFileName(g))
		}
		out = append(out, g)
	}
	return out
}

// lakeOffsets returns the offsets of one partition that the lake holds as
// rows or dead letters, sorted.
func lakeOffsets(t testing.TB, root string, partition int32) []int64 {
	t.Helper()
	db := openDuck(t)
	var parts []string
	for _, glob := range []string{lake.EventsGlob(root), lake.DeadLetterGlob(root)} {
		if m, _ := filepath.Glob(glob); len(m) > 0 {
			parts = append(parts, fmt.Sprintf(`SELECT "offset" FROM read_parquet('%s') WHERE partition = %d`, glob, partition))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	rows, err := db.Query(strings.Join(parts, " UNION ALL ") + ` ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func runIngest(t *testing.T, cfg Config) (Stats, error) {
	t.Helper()
	if cfg.UntilIdle == 0 {
		cfg.UntilIdle = time.Second
	}
	cfg.Topic = testTopic
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return Run(ctx, cfg)
}

// TestRunRecordsOffsetsDeletedBeforeRead lets retention delete offsets
// ingest has not read yet: the loss must be recorded in the lake as a gap
// (and counted, and logged), and every offset of the partition accounted
// for exactly once: as a row, a dead letter, or inside a gap.
func TestRunRecordsOffsetsDeletedBeforeRead(t *testing.T) {
	tests := []struct {
		name             string
		read, unread     int   // messages ingested first, then produced and left unread
		deleteBefore     int64 // retention deletes every offset below this one
		wantFrom, wantTo int64
	}{
		{"part of the unread offsets", 30, 40, 55, 30, 54},
		{"every unread offset", 30, 40, 70, 30, 69},
		{"a lake that never read the partition", 0, 40, 10, -1, -1}, // starts at the earliest: nothing was expected yet
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := startBroker(t, 2)
			cl := kafkaClient(t, b.Addr())
			lakeDir := t.TempDir()
			cfg := Config{Brokers: []string{b.Addr()}, Lake: lakeDir, FlushRows: 16}
			if tc.read > 0 {
				produceTo(t, cl, 0, eventValues(t, 0, tc.read))
				if _, err := runIngest(t, cfg); err != nil {
					t.Fatal(err)
				}
			}
			produceTo(t, cl, 0, eventValues(t, tc.read, tc.unread))
			produceTo(t, cl, 1, eventValues(t, 1000, 5)) // an untouched partition
			deleteRecords(t, cl, 0, tc.deleteBefore)

			reg := prometheus.NewRegistry()
			m, err := NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			cfg.Metrics, cfg.Log = m, testLogger(&logs)
			st, err := runIngest(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			end := int64(tc.read + tc.unread)
			gaps := readGaps(t, lakeDir)
			if tc.wantFrom < 0 {
				if len(gaps) != 0 || st.Gaps != 0 {
					t.Fatalf("gap records %+v (stats %d), want none: a new lake starts at the earliest offset", gaps, st.Gaps)
				}
			} else {
				want := []lake.OffsetGap{{Topic: testTopic, Partition: 0, From: tc.wantFrom, To: tc.wantTo}}
				for i := range gaps {
					if time.Since(gaps[i].DetectedAt) > time.Minute || gaps[i].DetectedAt.IsZero() {
						t.Errorf("gap detected_at = %v, want about now", gaps[i].DetectedAt)
					}
					gaps[i].DetectedAt = time.Time{}
				}
				if !slices.Equal(gaps, want) {
					t.Fatalf("gap records %+v, want %+v", gaps, want)
				}
				lost := tc.wantTo - tc.wantFrom + 1
				if st.Gaps != 1 || st.GapOffsets != lost {
					t.Errorf("stats gaps %d (%d offsets), want 1 (%d)", st.Gaps, st.GapOffsets, lost)
				}
				if got := counterValue(t, m.gaps.WithLabelValues(testTopic, "0")); got != 1 {
					t.Errorf("parley_ingest_offset_gaps_total = %v, want 1", got)
				}
				if got := counterValue(t, m.gapOffsets.WithLabelValues(testTopic, "0")); got != float64(lost) {
					t.Errorf("parley_ingest_offset_gap_messages_total = %v, want %d", got, lost)
				}
				if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "OFFSET GAP") {
					t.Errorf("no ERROR log line names the gap:\n%s", logs.String())
				}
				if !strings.Contains(st.String(), "OFFSET GAPS") {
					t.Errorf("summary %q does not mention the gap", st)
				}
			}
			// Every offset from the partition's first kept one to its end is
			// accounted for exactly once.
			covered := lakeOffsets(t, lakeDir, 0)
			for _, g := range gaps {
				for o := g.From; o <= g.To; o++ {
					covered = append(covered, o)
				}
			}
			slices.Sort(covered)
			start := int64(0)
			if tc.read == 0 {
				start = tc.deleteBefore
			}
			var want []int64
			for o := start; o < end; o++ {
				want = append(want, o)
			}
			if !slices.Equal(covered, want) {
				t.Errorf("rows, dead letters and gaps cover offsets %v, want each of %d-%d once", covered, start, end-1)
			}
			cp, _, err := readCheckpoint(lakeDir, testTopic, 0)
			if err != nil || cp.NextOffset != end {
				t.Errorf("checkpoint %+v (%v), want next offset %d", cp, err, end)
			}
			if n := len(lakeOffsets(t, lakeDir, 1)); n != 5 {
				t.Errorf("partition 1 holds %d offsets, want its 5", n)
			}
			// A second run finds nothing new and records no gap twice.
			st, err = runIngest(t, Config{Brokers: cfg.Brokers, Lake: lakeDir})
			if err != nil || st.Events != 0 || st.Gaps != 0 {
				t.Errorf("second run: %+v, %v; want nothing written", st, err)
			}
			if n := len(readGaps(t, lakeDir)); n != len(gaps) {
				t.Errorf("second run left %d gap records, want %d", n, len(gaps))
			}
		})
	}
}

// TestRunRecordsGapWhileReading deletes offsets while ingest runs, between
// offsets it has read but not yet flushed and offsets it has yet to read:
// the gap lands in the same batch, between the two, and every offset is
// accounted for once.
func TestRunRecordsGapWhileReading(t *testing.T) {
	b := startBroker(t, 1)
	cl := kafkaClient(t, b.Addr())
	produceTo(t, cl, 0, eventValues(t, 0, 20))
	// Fetches can be held off (kfake drops their connection) while the
	// topic changes under ingest.
	var holdFetches atomic.Bool
	var held atomic.Int32
	c := b.Cluster()
	c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if !holdFetches.Load() {
			return nil, nil, false
		}
		held.Add(1)
		return nil, errors.New("fetches held by the test"), true
	})
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	lakeDir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		// Batches are flushed only by the gap, or at the end.
		_, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, FlushRows: 10_000, FlushInterval: time.Hour, Metrics: m})
		done <- err
	}()
	waitFor(t, "the first 20 offsets read", func() bool {
		ch := make(chan prometheus.Metric, 1)
		m.lag.Collect(ch)
		close(ch)
		for g := range ch {
			return gaugeValue(t, g) == 0
		}
		return false
	})
	holdFetches.Store(true)
	// Once a fetch has been refused, none is in flight: nothing produced
	// from now on can have been read.
	waitFor(t, "a fetch held", func() bool { return held.Load() > 0 })
	produceTo(t, cl, 0, eventValues(t, 20, 30))
	deleteRecords(t, cl, 0, 40)
	holdFetches.Store(false)
	waitFor(t, "the gap recorded", func() bool { return counterValue(t, m.gaps.WithLabelValues(testTopic, "0")) == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The gap came due at once, with the 20 offsets read before it.
	if m, _ := filepath.Glob(filepath.Join(lakeDir, lake.EventsDir, "date=*", lake.KafkaFileName(testTopic, 0, 0, 0, 39))); len(m) == 0 {
		t.Errorf("no file for the batch of offsets 0-39 (20 events, then the gap)")
	}
	// Whatever the stop left unread is read by the next run.
	if _, err := runIngest(t, Config{Brokers: []string{b.Addr()}, Lake: lakeDir}); err != nil {
		t.Fatal(err)
	}
	gaps := readGaps(t, lakeDir)
	if len(gaps) != 1 || gaps[0].From != 20 || gaps[0].To != 39 {
		t.Fatalf("gap records %+v, want offsets 20-39", gaps)
	}
	var want []int64
	for o := int64(0); o < 50; o++ {
		if o < 20 || o >= 40 {
			want = append(want, o)
		}
	}
	if got := lakeOffsets(t, lakeDir, 0); !slices.Equal(got, want) {
		t.Errorf("lake holds offsets %v, want 0-19 and 40-49", got)
	}
	if cp, _, err := readCheckpoint(lakeDir, testTopic, 0); err != nil || cp.NextOffset != 50 {
		t.Errorf("checkpoint %+v (%v), want 50", cp, err)
	}
}

// TestRunStopsAtCheckpointAboveEnd deletes and recreates the topic: the
// lake's checkpoint of partition 0 stands above the new partition's end.
// Ingest must refuse that partition, saying why and how to proceed, while
// the other partitions go on; --reset-partition then starts a new epoch,
// recorded in the audit log, without touching the files read before.
func TestRunStopsAtCheckpointAboveEnd(t *testing.T) {
	tests := []struct {
		name       string
		mode       ResetMode
		key        int32
		wantEvents int64 // of the new partition 0, after the reset
	}{
		{"reset to the earliest offset", ResetEarliest, 0, 6},
		{"reset to the end", ResetLatest, AllPartitions, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := startBroker(t, 2)
			cl := kafkaClient(t, b.Addr())
			lakeDir := t.TempDir()
			cfg := Config{Brokers: []string{b.Addr()}, Lake: lakeDir, FlushRows: 16}
			produceTo(t, cl, 0, eventValues(t, 0, 50))
			if _, err := runIngest(t, cfg); err != nil {
				t.Fatal(err)
			}
			before := lakeOffsets(t, lakeDir, 0)

			cl = recreateTopic(t, b.Addr(), 2)
			produceTo(t, cl, 0, eventValues(t, 100, 6))
			produceTo(t, cl, 1, eventValues(t, 200, 7))
			reg := prometheus.NewRegistry()
			m, err := NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			cfg.Metrics, cfg.Log = m, testLogger(&logs)
			st, err := runIngest(t, cfg)
			var above *errAboveEnd
			if !errors.As(err, &above) {
				t.Fatalf("run over a recreated topic: err %v, want the checkpoint-above-end error", err)
			}
			for _, want := range []string{"next offset 50", "high watermark 6", "deleted and recreated", "--reset-partition 0", "--reset-partition 0=latest"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if st.Events != 7 {
				t.Errorf("run wrote %d events, want partition 1's 7 (the other partitions go on)", st.Events)
			}
			if !strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("the stop was not logged at ERROR:\n%s", logs.String())
			}
			if got := gaugeValue(t, m.stopped.WithLabelValues(testTopic, "0")); got != 1 {
				t.Errorf("parley_ingest_partition_stopped{partition=0} = %v, want 1", got)
			}
			if got := lakeOffsets(t, lakeDir, 0); !slices.Equal(got, before) {
				t.Fatalf("the refused partition's lake changed: %d offsets, want %d", len(got), len(before))
			}

			cfg.Resets, cfg.Metrics = map[int32]ResetMode{tc.key: tc.mode}, nil
			st, err = runIngest(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if st.Events != tc.wantEvents {
				t.Errorf("run with the reset wrote %d events, want %d", st.Events, tc.wantEvents)
			}
			cp, _, err := readCheckpoint(lakeDir, testTopic, 0)
			if err != nil || cp.Epoch != 1 || cp.NextOffset != 6 {
				t.Errorf("checkpoint after the reset %+v (%v), want epoch 1 at 6", cp, err)
			}
			// The old epoch's files are all still there, and the new one's
			// are named apart from them.
			got := lakeOffsets(t, lakeDir, 0)
			if int64(len(got)) != int64(len(before))+tc.wantEvents {
				t.Errorf("partition 0 holds %d offsets, want the %d read before and %d new", len(got), len(before), tc.wantEvents)
			}
			if tc.wantEvents > 0 {
				if m, _ := filepath.Glob(filepath.Join(lakeDir, lake.EventsDir, "date=*", testTopic+"-0-0-*.r1.parquet")); len(m) == 0 {
					t.Errorf("no file of epoch 1 (…r1.parquet) in the lake")
				}
			}
			entries, err := lake.ReadAudit(lakeDir)
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit log %+v (%v), want one reset entry", entries, err)
			}
			e := entries[0]
			if e.Action != "reset-partition" || e.Params["partition"] != "0" || e.Params["mode"] != string(tc.mode) ||
				e.Counts["old_next_offset"] != 50 || e.Counts["high_watermark"] != 6 || e.Counts["new_epoch"] != 1 {
				t.Errorf("audit entry %+v does not describe the reset", e)
			}
			// The flag left in place does nothing more.
			produceTo(t, cl, 0, eventValues(t, 300, 2))
			st, err = runIngest(t, cfg)
			if err != nil || st.Events != 2 {
				t.Errorf("next run: %+v, %v; want the 2 new events", st, err)
			}
			if entries, _ := lake.ReadAudit(lakeDir); len(entries) != 1 {
				t.Errorf("audit log has %d entries after a run with the flag still set, want 1", len(entries))
			}
		})
	}
}

// TestRunReadsCommittedTransactionsOnly produces in transactions, some
// committed and some aborted, mixed with plain messages, and leaves one
// transaction open: the lake must hold exactly the committed and plain
// messages, with no dead letter for the transaction markers and no gap for
// the offsets they and the aborted records occupy. The open transaction is
// read once it commits.
func TestRunReadsCommittedTransactionsOnly(t *testing.T) {
	b := startBroker(t, 2)
	plain := kafkaClient(t, b.Addr())
	txn := kafkaClient(t, b.Addr(), kgo.TransactionalID("parley-test"), kgo.TransactionTimeout(time.Minute))
	ctx := context.Background()
	id := 0
	var want []string // event ids that must land in the lake
	inTxn := func(p int32, n int, commit bool) {
		t.Helper()
		if err := txn.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		vals := eventValues(t, id, n)
		for i := range n {
			if commit {
				want = append(want, fmt.Sprintf("ev-%06d", id+i))
			}
		}
		id += n
		produceTo(t, txn, p, vals)
		if err := txn.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	plainTo := func(p int32, n int) {
		t.Helper()
		produceTo(t, plain, p, eventValues(t, id, n))
		for i := range n {
			want = append(want, fmt.Sprintf("ev-%06d", id+i))
		}
		id += n
	}
	for p := range int32(2) {
		inTxn(p, 5, true)
		inTxn(p, 4, false)
		plainTo(p, 3)
		inTxn(p, 6, false)
		inTxn(p, 2, true)
		inTxn(p, 3, false) // the partition ends with an abort marker
	}
	// A transaction left open: its records are past the last stable offset.
	if err := txn.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	open := eventValues(t, id, 4)
	openIDs := make([]string, 4)
	for i := range openIDs {
		openIDs[i] = fmt.Sprintf("ev-%06d", id+i)
	}
	id += 4
	produceTo(t, txn, 0, open)
	if err := txn.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	lakeDir := t.TempDir()
	cfg := Config{Brokers: []string{b.Addr()}, Lake: lakeDir, FlushRows: 4}
	st, err := runIngest(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertLakeEventIDs := func(want []string) {
		t.Helper()
		db := openDuck(t)
		rows, err := db.Query("SELECT event_id FROM " + lakeEvents(lakeDir) + " ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("lake holds %d events %v, want the %d committed or plain ones %v", len(got), got, len(want), want)
		}
		if m, _ := filepath.Glob(lake.DeadLetterGlob(lakeDir)); len(m) != 0 {
			t.Errorf("dead letters %v, want none: transaction markers are not messages", m)
		}
		if gaps := readGaps(t, lakeDir); len(gaps) != 0 {
			t.Errorf("gap records %+v, want none: markers and aborted records are not lost offsets", gaps)
		}
	}
	assertLakeEventIDs(want)
	if st.Events != int64(len(want)) || st.DeadLetters != 0 || st.Gaps != 0 {
		t.Errorf("stats %+v, want %d events and nothing else", st, len(want))
	}

	// The open transaction commits: the next run reads it, and only it.
	if err := txn.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	inTxn(0, 2, false) // and an abort after it
	st, err = runIngest(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != 4 || st.DeadLetters != 0 || st.Gaps != 0 {
		t.Errorf("second run: %+v, want the 4 events of the committed transaction", st)
	}
	assertLakeEventIDs(append(want, openIDs...))
}

func gaugeValue(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		t.Fatal(err)
	}
	return d.GetGauge().GetValue()
}

// testLogger logs to w as the CLI does, at every level from info up.
func testLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}

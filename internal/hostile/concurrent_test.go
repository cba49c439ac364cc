package hostile

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/produce"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
)

// synthEvents generates a small operation's events, duplicates and late
// arrivals included, and the number of distinct event IDs among them.
func synthEvents(t *testing.T, days int, perDay float64) ([]*event.Event, int64) {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = days, perDay
	var evs []*event.Event
	ids := make(map[string]bool)
	_, err := synth.Generate(context.Background(), cfg, func(e *event.Event) error {
		evs = append(evs, e)
		ids[e.EventID] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs, int64(len(ids))
}

// buildInto builds the lake into db as `parley build` does: from scratch
// into a new file, or as an update of the warehouse an earlier build left
// there (a copy of it, renamed over it at the end).
func buildInto(ctx context.Context, root, db string, incremental bool) (build.Stats, error) {
	return build.Run(ctx, build.Config{Lake: root, DB: db, Full: !incremental})
}

// fingerprint is, per public table, its row count and a hash of its rows
// in sorted order: two warehouses with equal fingerprints hold the same
// data. Floating-point values are compared to 10 significant digits,
// because DuckDB's parallel aggregation adds doubles in no fixed order and
// the last bits of a sum differ from run to run (6795.229 vs
// 6795.229000000001), in a rebuild and a fresh build alike.
func fingerprint(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := warehouse.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := make(map[string]string)
	for _, obj := range metrics.PublicObjects {
		if obj == "warehouse_info" { // says when it was built, so always differs
			continue
		}
		// Object names come from metrics.PublicObjects, not from input.
		rows, err := db.Query("SELECT * FROM " + obj)
		if err != nil {
			t.Fatalf("fingerprint %s: %v", obj, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("fingerprint %s: %v", obj, err)
			}
			var sb strings.Builder
			for _, v := range vals {
				switch v := v.(type) {
				case float64:
					sb.WriteString(strconv.FormatFloat(v, 'g', 10, 64))
				case float32:
					sb.WriteString(strconv.FormatFloat(float64(v), 'g', 6, 32))
				default:
					fmt.Fprintf(&sb, "%v", v)
				}
				sb.WriteByte('|')
			}
			lines = append(lines, sb.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("fingerprint %s: %v", obj, err)
		}
		rows.Close()
		slices.Sort(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[obj] = fmt.Sprintf("%d rows, sha256 %x", len(lines), sum[:8])
	}
	return out
}

// TestBuildDuringIngest builds the warehouse again and again while ingest
// is writing the lake from a live topic: first from scratch, then, like
// `parley build` on an existing warehouse, incrementally. Every build must
// succeed (a half-written or temporary file in its input would fail the
// Parquet read) and see a growing prefix of the data; once ingest is done,
// the next build must give exactly what a build from scratch gives.
func TestBuildDuringIngest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const topic = "conversation-events"
	b, err := broker.Start(ctx, broker.Config{Topics: []string{topic}, Partitions: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	evs, distinct := synthEvents(t, 3, 250)

	work := t.TempDir()
	root := filepath.Join(work, "lake")
	ingestCtx, stopIngest := context.WithCancel(ctx)
	defer stopIngest()
	ingestDone := make(chan struct{})
	var ingestErr error
	go func() {
		defer close(ingestDone)
		// Small, frequent flushes: many files appear while the builds read.
		// It runs until stopped: an idle timeout would end it while a slow
		// build (a busy machine) holds back the next wave.
		_, ingestErr = ingest.Run(ingestCtx, ingest.Config{Brokers: []string{b.Addr()}, Topic: topic, Group: "g", Lake: root,
			FlushRows: 300, FlushInterval: 20 * time.Millisecond})
	}()

	// Waves, each written once a build has finished since the one before:
	// however fast or slow the machine, builds and writes interleave, and
	// the first build that succeeds has seen the first wave at most.
	built := make(chan struct{}, 1)
	produced := make(chan struct{})
	var produceErr error
	go func() {
		defer close(produced)
		w := produce.New(produce.Config{Brokers: []string{b.Addr()}, Topic: topic})
		defer func() { produceErr = errors.Join(produceErr, w.Close()) }()
		const waves = 4
		for i := range waves {
			chunk := evs[i*len(evs)/waves : (i+1)*len(evs)/waves]
			if produceErr = w.WriteEvents(ctx, chunk); produceErr != nil {
				return
			}
			select {
			case <-built:
			case <-ctx.Done():
				produceErr = ctx.Err()
				return
			}
		}
	}()

	db := filepath.Join(work, "warehouse.duckdb")
	var counts []int64
	for done := false; !done; {
		st, err := buildInto(ctx, root, db, len(counts) > 0)
		if errors.Is(err, build.ErrNoEvents) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatalf("build %d while ingest writes: %v", len(counts)+1, err)
		}
		counts = append(counts, st.Events)
		select {
		case built <- struct{}{}:
		default:
		}
		select {
		case <-produced:
			// Every wave is written; stop once a build has seen them all.
			done = st.Events == distinct || produceErr != nil
		default:
		}
	}
	stopIngest()
	<-ingestDone
	if produceErr != nil || ingestErr != nil {
		t.Fatalf("produce: %v; ingest: %v", produceErr, ingestErr)
	}
	if len(counts) < 2 || counts[0] == distinct {
		t.Fatalf("builds during ingest saw %v events: too few builds overlapped the writes to test anything", counts)
	}
	if !slices.IsSorted(counts) || counts[len(counts)-1] > distinct {
		t.Errorf("builds during ingest saw %v events: want a non-decreasing series up to %d", counts, distinct)
	}

	// The next build, over the warehouse built mid-ingest, and a build from scratch.
	again, err := buildInto(ctx, root, db, true)
	if err != nil {
		t.Fatal(err)
	}
	if again.Events != distinct {
		t.Errorf("after ingest: %d events, want every distinct event (%d)", again.Events, distinct)
	}
	fresh := filepath.Join(t.TempDir(), "fresh.duckdb")
	if _, err := buildInto(ctx, root, fresh, false); err != nil {
		t.Fatal(err)
	}
	a, f := fingerprint(t, db), fingerprint(t, fresh)
	for obj := range f {
		if a[obj] != f[obj] {
			t.Errorf("%s: rebuilt %s, from scratch %s", obj, a[obj], f[obj])
		}
	}
	t.Logf("%d builds overlapped ingest, seeing %v events of %d", len(counts), counts, distinct)
}

package verify_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/metrics/verify"
)

// longRun is set by `make verify`: more seeds, larger generated operations.
var longRun = os.Getenv("PARLEY_VERIFY_LONG") != ""

// rowsOf turns events into lake rows as one ingest run would write them: one source, in the
// order given, each ingested a microsecond after the one before (so the first copy of a
// duplicate is the one kept).
func rowsOf(t testing.TB, source string, evs []event.Event) []lake.Row {
	t.Helper()
	ingested := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]lake.Row, len(evs))
	for i := range evs {
		r, err := lake.FromEvent(&evs[i], source, 0, int64(i), ingested.Add(time.Duration(i)*time.Microsecond))
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = r
	}
	return rows
}

// writeLake writes rows as lake Parquet files, one per UTC date and source, in the order given.
func writeLake(t testing.TB, root string, rows []lake.Row) {
	t.Helper()
	type fileKey struct{ day, source string }
	files := map[fileKey][]lake.Row{}
	for _, r := range rows {
		k := fileKey{r.OccurredAt.UTC().Format(time.DateOnly), r.Source}
		files[k] = append(files[k], r)
	}
	for k, rs := range files {
		dir := lake.PartitionDir(root, rs[0].OccurredAt)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		// One file per source and day: any fixed input hash keeps the names apart.
		name := lake.ImportFileName(k.source, "0000000000000000", rs[0].Offset, rs[len(rs)-1].Offset)
		if err := parquet.WriteFile(filepath.Join(dir, name), rs); err != nil {
			t.Fatal(err)
		}
	}
}

// build writes rows as a lake and builds a warehouse from it with settings, the way `parley
// build` does (transform, then metrics); it returns the lake and warehouse paths.
func build(t testing.TB, rows []lake.Row, settings *config.Config) (lakeDir, db string) {
	t.Helper()
	dir := t.TempDir()
	lakeDir, db = filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	writeLake(t, lakeDir, rows)
	ctx := context.Background()
	if _, err := parleybuild.Run(ctx, parleybuild.Config{Lake: lakeDir, DB: db, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	return lakeDir, db
}

// requireAgreement builds a warehouse from rows and verifies every conversation with the
// specification. A disagreement fails the test with the per-column agreement and, for the first
// disagreeing conversations, their events and both rows column by column.
func requireAgreement(t testing.TB, label string, rows []lake.Row, settings *config.Config) *verify.Report {
	t.Helper()
	lakeDir, db := build(t, rows, settings)
	rep, err := verify.Run(context.Background(), verify.Config{DB: db, Lake: lakeDir, Settings: settings, Show: 30})
	if err != nil {
		t.Fatalf("%s: verify: %v", label, err)
	}
	if len(rep.Unverified) > 0 {
		t.Errorf("%s: the specification does not compute %v", label, rep.Unverified)
	}
	if !rep.OK() {
		var b bytes.Buffer
		if err := rep.WriteSummary(&b, false); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteMismatches(&b); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s: the warehouse disagrees with the specification:\n%s", label, b.String())
	}
	return rep
}

// readFixture decodes one of the hand-made fixtures of testdata/metrics with the contract's
// decoder, in file order.
func readFixture(t testing.TB, name string) []event.Event {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "metrics", name))
	if err != nil {
		t.Fatal(err)
	}
	var evs []event.Event
	for i, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		ev, err := event.Decode(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", name, i+1, err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// loadSettings reads a parley.yaml of testdata/metrics; "" is the defaults.
func loadSettings(t testing.TB, name string) *config.Config {
	t.Helper()
	if name == "" {
		return config.Default()
	}
	cfg, err := config.Load(filepath.Join("..", "..", "testdata", "metrics", name))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

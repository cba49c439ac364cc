// Package buildtest writes events into a lake the way ingest does and builds
// warehouses from it, for the tests of the packages that read a warehouse.
// It exists so that those tests share one lake writer instead of each
// keeping its own copy.
package buildtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// ReadEvents decodes a JSON-lines file of events; an undecodable line is an
// error naming the file and line.
func ReadEvents(path string) ([]event.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("buildtest: %w", err)
	}
	defer f.Close()
	var evs []event.Event
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		ev, err := event.Decode(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("buildtest: %s:%d: %w", path, line, err)
		}
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("buildtest: read %s: %w", path, err)
	}
	return evs, nil
}

// WriteBatch writes evs, in the order given (duplicates and disorder
// included), as one delivery of source: one Parquet file per UTC date named
// SOURCE-FIRST-LAST.parquet after its offsets (1, 2, … in evs' order), every
// row ingested at ingested. It returns the files' paths.
func WriteBatch(root, source string, ingested time.Time, evs []event.Event) ([]string, error) {
	byDate := map[string][]lake.Row{}
	for i := range evs {
		row, err := lake.FromEvent(&evs[i], source, -1, int64(i+1), ingested)
		if err != nil {
			return nil, fmt.Errorf("buildtest: event %d: %w", i, err)
		}
		day := evs[i].OccurredAt.UTC().Format(time.DateOnly)
		byDate[day] = append(byDate[day], row)
	}
	var paths []string
	for _, rows := range byDate {
		dir := lake.PartitionDir(root, rows[0].OccurredAt)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("buildtest: %w", err)
		}
		p := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.parquet", source, rows[0].Offset, rows[len(rows)-1].Offset))
		if err := parquet.WriteFile(p, rows); err != nil {
			return nil, fmt.Errorf("buildtest: write %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Build builds a warehouse from the lake at root with settings, as
// `parley build` does, into a temporary folder of t, and returns its path.
func Build(t testing.TB, root string, settings *config.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	if _, err := build.Run(context.Background(), build.Config{Lake: root, DB: path, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	return path
}

// Open opens the warehouse at path read-only for the rest of t.
func Open(t testing.TB, path string) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/warehouse"
)

var (
	// daysSQL counts the lake's rows per date partition; see its header.
	//
	//go:embed days.sql
	daysSQL string
	// fingerprintSQL checksums a warehouse's public tables; see its header.
	//
	//go:embed fingerprint.sql
	fingerprintSQL string
)

// buildLimited is a full build of the lake under DuckDB's memory_limit,
// spilling to a folder in dir: the configuration that has to fit L in 4 GiB.
func buildLimited(ctx context.Context, o options, dir, lakeDir string) (measure, error) {
	cfg := filepath.Join(dir, "limited.yaml")
	spill := filepath.Join(dir, "spill")
	yaml := fmt.Sprintf("build:\n  memory_limit: %q\n  temp_dir: %q\n", o.memoryLimit, spill)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		return measure{}, fmt.Errorf("memory-limited build: write config: %w", err)
	}
	defer os.RemoveAll(spill)
	db := filepath.Join(dir, "limited.duckdb")
	m, err := parley(ctx, o.parley, "build", "--lake", lakeDir, "--db", db, "--config", cfg)
	if err != nil {
		return m, err
	}
	return m, os.Remove(db)
}

// buildNoChecks is the full build of the lake with the automatic QA checks
// off (qa.auto.disabled: true), otherwise as the build stage runs it (the
// default settings): the build stage's time over its time is what the
// checks cost.
func buildNoChecks(ctx context.Context, o options, dir, lakeDir string) (measure, error) {
	cfg := filepath.Join(dir, "no-checks.yaml")
	if err := os.WriteFile(cfg, []byte("qa:\n  auto:\n    disabled: true\n"), 0o644); err != nil {
		return measure{}, fmt.Errorf("build without checks: write config: %w", err)
	}
	db := filepath.Join(dir, "no-checks.duckdb")
	m, err := parley(ctx, o.parley, "build", "--lake", lakeDir, "--db", db, "--config", cfg)
	if err != nil {
		return m, err
	}
	return m, os.Remove(db)
}

// buildIncremental measures `parley build` over a warehouse of the lake less
// its last full day once that day lands: the held-back date partitions are
// moved out of the lake, the rest is built in full (not timed), the
// partitions are moved back and the incremental build is timed. Its units
// are the rows that landed. The result must equal fullDB, the full build of
// the whole lake, table for table.
func buildIncremental(ctx context.Context, o options, dir, lakeDir, fullDB string) (measure, error) {
	glob := filepath.Join(lakeDir, "events", "date=*", "*.parquet")
	held, rows, err := lastFullDay(ctx, glob)
	if err != nil {
		return measure{}, err
	}
	aside := filepath.Join(dir, "held-back")
	if err := os.MkdirAll(aside, 0o755); err != nil {
		return measure{}, fmt.Errorf("incremental build: %w", err)
	}
	move := func(from, to string) error {
		for _, day := range held {
			name := "date=" + day
			if err := os.Rename(filepath.Join(from, name), filepath.Join(to, name)); err != nil {
				return fmt.Errorf("incremental build: move %s: %w", name, err)
			}
		}
		return nil
	}
	events := filepath.Join(lakeDir, "events")
	if err := move(events, aside); err != nil {
		return measure{}, err
	}
	db := filepath.Join(dir, "incremental.duckdb")
	_, err = parley(ctx, o.parley, "build", "--lake", lakeDir, "--db", db)
	if err := errors.Join(err, move(aside, events)); err != nil {
		return measure{}, err
	}
	m, err := parley(ctx, o.parley, "build", "--lake", lakeDir, "--db", db)
	if err != nil {
		return m, err
	}
	m.Units = rows
	if err := sameWarehouse(ctx, db, fullDB); err != nil {
		return m, err
	}
	return m, os.Remove(db)
}

// lastFullDay finds the last date partition holding at least half the median
// day's rows, and returns it with every later (late-event) partition and
// their rows.
func lastFullDay(ctx context.Context, glob string) ([]string, int64, error) {
	type day struct {
		name string
		rows int64
	}
	var days []day
	err := func() error {
		db, err := inMemory()
		if err != nil {
			return err
		}
		defer db.Close()
		rows, err := db.QueryContext(ctx, daysSQL, glob)
		if err != nil {
			return err
		}
		defer rows.Close()
		_, err = drain(rows, func(v []any) { days = append(days, day{v[0].(string), v[1].(int64)}) })
		return err
	}()
	if err != nil {
		return nil, 0, fmt.Errorf("incremental build: rows per day: %w", err)
	}
	if len(days) < 2 {
		return nil, 0, fmt.Errorf("incremental build: the lake has %d date partitions, need at least 2", len(days))
	}
	counts := make([]int64, len(days))
	for i, d := range days {
		counts[i] = d.rows
	}
	slices.Sort(counts)
	median := counts[len(counts)/2]
	last := len(days) - 1
	for last > 0 && days[last].rows*2 < median {
		last--
	}
	var names []string
	var rows int64
	for _, d := range days[last:] {
		names = append(names, d.name)
		rows += d.rows
	}
	return names, rows, nil
}

// sameWarehouse compares fingerprint.sql of two warehouses.
func sameWarehouse(ctx context.Context, a, b string) error {
	fa, err := fingerprint(ctx, a)
	if err != nil {
		return err
	}
	fb, err := fingerprint(ctx, b)
	if err != nil {
		return err
	}
	if fa != fb {
		return fmt.Errorf("incremental build differs from the full build:\nincremental:\n%sfull:\n%s", fa, fb)
	}
	return nil
}

// fingerprint is fingerprint.sql's result as text, one table per line.
func fingerprint(ctx context.Context, dbPath string) (string, error) {
	var out strings.Builder
	err := withWarehouse(dbPath, func(db *warehouse.DB) error {
		rows, err := db.QueryContext(ctx, fingerprintSQL)
		if err != nil {
			return err
		}
		defer rows.Close()
		_, err = drain(rows, func(vals []any) { fmt.Fprintln(&out, vals...) })
		return err
	})
	if err != nil {
		return "", fmt.Errorf("fingerprint %s: %w", dbPath, err)
	}
	return out.String(), nil
}

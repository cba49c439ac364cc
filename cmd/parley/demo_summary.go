package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// stepper prints one progress line per pipeline stage with its duration.
type stepper struct {
	w     io.Writer
	began time.Time
	at    time.Time
}

func newStepper(w io.Writer) *stepper {
	now := time.Now()
	return &stepper{w: w, began: now, at: now}
}

func (s *stepper) start(what string) {
	s.at = time.Now()
	fmt.Fprintf(s.w, "==> %s\n", what)
}

func (s *stepper) done(detail string) {
	fmt.Fprintf(s.w, "    done in %.1fs: %s\n", time.Since(s.at).Seconds(), detail)
}

func (s *stepper) total() time.Duration { return time.Since(s.began) }

func printDemoSummary(ctx context.Context, w io.Writer, dbPath, dir, qaDir string, took time.Duration) error {
	db, err := warehouse.Open(dbPath, true)
	if err != nil {
		return err
	}
	defer db.Close()
	var (
		events, conversations int64
		medianFRT, resolved   *float64
		hasResolved           bool
	)
	row := db.QueryRowContext(ctx, sqlfiles.File("dashboards/demo_summary.sql"))
	if err := row.Scan(&events, &conversations, &medianFRT, &resolved, &hasResolved); err != nil {
		return fmt.Errorf("demo: summary query: %w", err)
	}
	fmt.Fprintf(w, "\nParley demo finished in %.1fs\n", took.Seconds())
	fmt.Fprintf(w, "  events            %d\n", events)
	fmt.Fprintf(w, "  conversations     %d\n", conversations)
	fmt.Fprintf(w, "  median first response  %s\n", htmlpage.Duration(medianFRT))
	resolution := htmlpage.NotHere
	if hasResolved {
		resolution = formatPercent(resolved)
	}
	fmt.Fprintf(w, "  resolution rate   %s\n", resolution)
	fmt.Fprintf(w, "  lake              %s\n", filepath.Join(dir, "lake"))
	fmt.Fprintf(w, "  warehouse         %s\n", dbPath)
	fmt.Fprintf(w, "  dashboards        %s\n", filepath.Join(dir, "out", "index.html"))
	fmt.Fprintf(w, "  QA sample         %s\n", filepath.Join(qaDir, "index.html"))
	return nil
}

func formatPercent(share *float64) string {
	if share == nil {
		return htmlpage.Missing
	}
	return fmt.Sprintf("%.1f%%", 100**share)
}

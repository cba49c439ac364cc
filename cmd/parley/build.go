package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/metrics"
	"github.com/parley-cx/parley/transform"
)

// defaultDB is where build writes when --db is not given: next to the lake folder.
func defaultDB(lakeDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(lakeDir)), "warehouse.duckdb")
}

func newBuildCmd() *cobra.Command {
	var lakeDir, dbPath, configPath string
	cmd := &cobra.Command{
		Use:   "build --lake DIR [--db FILE] [--config parley.yaml]",
		Short: "Build the DuckDB warehouse (events, conversations, KPIs) from the Parquet lake",
		Long: `Build reads every complete events file of the lake
(DIR/events/date=*/*.parquet; files still being written are ignored) and
(re)creates the DuckDB warehouse:

  transform  deduplicate by event_id, order each conversation by time,
             split it into episodes at each reopen        -> events
  metrics    messages, episodes, escalations, conversations,
             kpi_daily, agent_daily, warehouse_info

Every table and column is documented in docs/metrics.md; the SQL is in
sql/build/. Settings (time zone, business hours, SLA targets, windows,
friction weights) come from --config; see docs/config.md. Without --db the
warehouse is written next to the lake folder: --lake demo/lake writes
demo/warehouse.duckdb. The new warehouse is built as FILE.building and
renamed over FILE at the end, so readers never see a half-built one and a
failed build leaves the previous one in place. Progress goes to stderr.

Example:
  parley build --lake lake/ --config parley.yaml
  parley build --lake /data/lake --db /data/warehouse.duckdb
  parley sql --db warehouse.duckdb "SELECT local_date, sum(conversations) FROM kpi_daily GROUP BY 1 ORDER BY 1"`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if lakeDir == "" {
				return usageErrorf("build: --lake is required (the folder holding events/)")
			}
			if fi, err := os.Stat(lakeDir); err != nil || !fi.IsDir() {
				return usageErrorf("build: --lake %s: not a directory", lakeDir)
			}
			if dbPath == "" {
				dbPath = defaultDB(lakeDir)
			}
			settings, err := config.Load(configPath)
			if err != nil {
				return usageErrorf("build: --config: %w", err)
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			start := time.Now()
			ctx := cmd.Context()
			stats, err := buildWarehouse(ctx, lakeDir, dbPath, settings, log)
			if errors.Is(err, transform.ErrNoEvents) {
				return usageErrorf("build: --lake %s: %w", lakeDir, err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "built %s: %d events (%d duplicates dropped) in %d conversations from %d files in %s\n",
				dbPath, stats.Events, stats.Duplicates, stats.Conversations, stats.Files, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&lakeDir, "lake", "", "lake folder written by parley ingest or import (required)")
	f.StringVar(&dbPath, "db", "", "warehouse file to write (default: warehouse.duckdb next to the lake folder)")
	f.StringVar(&configPath, "config", "", "parley.yaml with time zone, business hours, SLAs, windows and friction weights (default: built-in defaults)")
	return cmd
}

// buildWarehouse runs the transform and metric stages into dbPath.
// It builds next to the target and renames at the end, so readers never see
// a half-built warehouse and a failed build keeps the old one.
func buildWarehouse(ctx context.Context, lakeDir, dbPath string, settings *config.Config, log *slog.Logger) (transform.Stats, error) {
	tmp := dbPath + ".building"
	if err := removeWarehouse(tmp); err != nil {
		return transform.Stats{}, err
	}
	stats, err := transform.Run(ctx, transform.Config{Lake: lakeDir, DB: tmp, Settings: settings, Log: log})
	if err == nil {
		err = metrics.Run(ctx, metrics.Config{DB: tmp, Settings: settings, Log: log})
	}
	if err != nil {
		if rmErr := removeWarehouse(tmp); rmErr != nil {
			log.Warn("build: could not remove the partial warehouse", "path", tmp, "err", rmErr)
		}
		return stats, err
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return stats, fmt.Errorf("build: replace %s: %w", dbPath, err)
	}
	return stats, nil
}

// removeWarehouse deletes a DuckDB file and its write-ahead log, if present.
func removeWarehouse(path string) error {
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("build: remove %s: %w", p, err)
		}
	}
	return nil
}

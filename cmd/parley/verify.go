package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/transform"

	"github.com/parley-cx/parley/metrics/verify"
)

// defaultLake is the lake verify reads when --lake is not given: the folder "lake" next to the
// warehouse, the inverse of build's defaultDB.
func defaultLake(dbPath string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(dbPath)), "lake")
}

func newVerifyCmd() *cobra.Command {
	var dbPath, lakeDir, configPath string
	var sample, show int
	var all, verbose bool
	var seed int64
	cmd := &cobra.Command{
		Use:   "verify --db FILE [--lake DIR] [--config parley.yaml] [--sample N | --all] [--seed S] [--show N] [-v]",
		Short: "Recompute conversations from the lake with the metric specification and compare them with the warehouse",
		Long: `Verify proves the warehouse's numbers. It reads the lake the warehouse was
built from, recomputes conversations with Parley's executable specification
of docs/metrics.md (metrics/spec: plain Go, event by event, written from the
docs and sharing no code with the SQL build), and compares every column of
every row of events, messages, episodes, escalations and conversations with
the warehouse: durations must agree within 1 ms, other numbers within 1e-9
(relative), everything else exactly.

It prints the agreement of every column (rows agreeing / rows compared) and,
for the first disagreeing columns, the smallest conversation that disagrees:
its events, then each differing row column by column, warehouse beside
specification, differences marked ✗. It exits 0 only if everything agrees,
1 if anything disagrees, 2 if it was called wrongly.

--sample N verifies N conversations chosen by --seed (the same ones for the
same seed and lake; default 1000); --all verifies every conversation and also
that the warehouse holds no conversation the lake lacks. Repeat contacts and
completeness look beyond one conversation, so verify first reads the whole
lake to index every conversation (its customer, its start, the last event),
then reads it again for each batch of 10,000 conversations it verifies.
Memory grows with the lake: about 600 MB for 213,000 events with --all.

Stdout is the report above. Stderr holds the warnings and errors, and a
line of progress when the lake is indexed and as each batch is compared;
-v also logs every lake file indexed and every part of a batch compared.

The warehouse must have been built from this lake (verify stops, naming the
lake it was built from, if that is another one, and if the lake has files
the build did not read: run parley build first) with the same
settings: give the --config the build was given; verify stops, naming each
difference, if the warehouse records other settings. Without --lake it reads
the folder "lake" next to the warehouse, where parley build's default puts
the warehouse: --db demo/warehouse.duckdb reads demo/lake. A warehouse built
from a lake in object storage is verified against the local copy build
keeps (s3:// is not read here): after
  parley build --lake s3://acme-lake/parley --db /data/warehouse.duckdb
run
  parley verify --db /data/warehouse.duckdb --lake /data/lake-cache

Run it after an upgrade, or before trusting a number.

Example:
  parley verify --db demo-out/warehouse.duckdb
  parley verify --db /data/warehouse.duckdb --lake /data/lake --config parley.yaml --all
  parley verify --db warehouse.duckdb --sample 200 --seed 7 --show 1`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErrorf("verify: --db is required (the warehouse written by parley build)")
			}
			if all && cmd.Flags().Changed("sample") {
				return usageErrorf("verify: give --sample N or --all, not both")
			}
			if sample <= 0 && !all {
				return usageErrorf("verify: --sample must be at least 1 (or use --all), got %d", sample)
			}
			if show < 0 {
				return usageErrorf("verify: --show must be 0 or more, got %d", show)
			}
			if err := folderOnly("verify", lakeDir, "give the local copy parley build keeps of it (--lake lake-cache next to the warehouse, or build's --cache DIR)"); err != nil {
				return err
			}
			if err := needWarehouse(dbPath); err != nil {
				return err
			}
			if lakeDir == "" {
				lakeDir = defaultLake(dbPath)
			}
			if fi, err := os.Stat(lakeDir); err != nil || !fi.IsDir() {
				return usageErrorf("verify: --lake %s: not a directory (give the lake the warehouse was built from)", lakeDir)
			}
			source, err := filepath.Abs(lakeDir)
			if err != nil {
				return fmt.Errorf("verify: --lake %s: %w", lakeDir, err)
			}
			// Another lake's warehouse is not "older" than this one: say
			// whose it is, as build does. One built from a bucket is
			// verified against build's local copy, which it does not record.
			if other := otherLake(cmd.Context(), source, dbPath); other != "" && !objstore.IsURL(other) {
				return otherLakeError("verify", dbPath, other, source, fmt.Sprintf("give --lake %s, or build this lake's own warehouse (parley build --lake %s --db FILE) and verify that", other, lakeDir))
			}
			settings, err := verifySettings(cmd, dbPath, configPath)
			if err != nil {
				return err
			}
			n := sample
			if all {
				n = 0
			}
			log, progress := progressLog(cmd, verbose)
			rep, err := verify.Run(cmd.Context(), verify.Config{
				DB: dbPath, Lake: lakeDir, Settings: settings, Sample: n, Seed: seed, Show: max(show, 1),
				Log: log, Progress: progress,
			})
			if errors.Is(err, verify.ErrSettings) {
				return usageErrorf("%w\n(give the --config the warehouse was built with)", err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if err := rep.WriteSummary(out, true); err != nil {
				return err
			}
			if show > 0 {
				if err := rep.WriteMismatches(out); err != nil {
					return err
				}
			}
			if !rep.OK() {
				return fmt.Errorf("verify: the warehouse disagrees with the specification in %d of %d conversations verified", rep.Disagreeing, rep.Verified)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "warehouse file written by parley build (required)")
	f.StringVar(&lakeDir, "lake", "", `lake folder the warehouse was built from (default: the folder "lake" next to --db)`)
	f.StringVar(&configPath, "config", "", "the parley.yaml the warehouse was built with (default: the settings the warehouse records)")
	f.IntVar(&sample, "sample", 1000, "verify this many conversations, chosen by --seed")
	f.BoolVar(&all, "all", false, "verify every conversation (and that the warehouse has none the lake lacks)")
	f.Int64Var(&seed, "seed", 1, "seed of the sample: the same seed picks the same conversations of the same lake")
	f.IntVar(&show, "show", 5, "detail up to this many disagreeing conversations (0: the column summary only)")
	verboseFlagOver(f, &verbose, "every lake file indexed and every part of a batch compared", "warnings, errors and a line of progress as each batch is compared")
	return cmd
}

// verifySettings is what verify checks the warehouse against: --config if
// given (verify then refuses a warehouse built with other settings), else the
// settings the warehouse records it was built with.
func verifySettings(cmd *cobra.Command, dbPath, configPath string) (*config.Config, error) {
	if configPath != "" {
		settings, err := config.Load(configPath)
		if err != nil {
			return nil, usageErrorf("verify: --config: %w", err)
		}
		return settings, nil
	}
	state, ok, err := transform.BuiltWith(cmd.Context(), dbPath)
	if err != nil {
		return nil, err
	}
	if !ok || state.Settings == "" {
		// Built by a parley that did not record them: the defaults, which
		// verify compares with the warehouse's reference tables.
		return config.Default(), nil
	}
	settings, err := config.Parse(dbPath+" (its recorded settings)", []byte(state.Settings))
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return settings, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/transform"
)

// defaultDB is where build writes when --db is not given: next to the lake folder.
func defaultDB(lakeDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(lakeDir)), "warehouse.duckdb")
}

func newBuildCmd() *cobra.Command {
	var dbPath, configPath, cacheDir string
	var loc lakeFlags
	var full, verbose bool
	cmd := &cobra.Command{
		Use:   "build --lake DIR|s3://BUCKET/PREFIX [--db FILE] [--config parley.yaml] [--full] [-v]",
		Short: "Build the DuckDB warehouse (events, conversations, KPIs) from the Parquet lake",
		Long: `Build reads the complete events files of the lake
(DIR/events/date=*/*.parquet; files still being written are ignored) and
builds the DuckDB warehouse:

  transform  deduplicate by event_id (the first-ingested copy wins),
             order each conversation by time, split it into
             episodes at each reopen                      -> events
             list copies that differ from the kept one    -> duplicate_conflicts
  metrics    messages, episodes, escalations, conversations,
             kpi_daily, agent_daily, warehouse_info
  gaps       the lake's record of Kafka offsets deleted before ingest
             read them (DIR/_gaps)                          -> ingest_gaps,
             counted in warehouse_info and shown on every dashboard page
  reviews    QA reviews, disputes and resolutions (DIR/reviews, written
             by parley qa import, dispute and resolve)      -> qa_reviews,
             qa_ratings, qa_agent_weekly, qa_calibration
  autoqa     the automatic QA checks of qa.auto in --config (greeting,
             closing, empathy, sensitive data, spelling, end sentiment,
             FRT SLA, nudge, transfer loop, unanswered burst), one verdict
             per conversation and check                    -> auto_qa,
             auto_qa_summary, auto_qa_agreement

The automatic checks run on every conversation, offline: spelling reads
the Hunspell dictionaries in /usr/share/hunspell (Debian: apt install
hunspell-en-us hunspell-en-gb; a missing one makes the check "na" for its
language and is logged at WARN). Without a qa.auto section the ten default
checks run; turn them off, or choose and tune them, in parley.yaml:
  qa:
    auto:
      disabled: true           # auto_qa stays empty
      # or: checks: [{name: greeting, category: greeting}, {name: spelling, ignore: [Acme]}]
See docs/qa.md ("Automatic checks") for every check and option, and
  parley sql --db FILE "SELECT * FROM auto_qa_agreement"
for how far each check agrees with your reviewers.

An event delivered twice with different content (another text, time or
even conversation) keeps its first-ingested copy; the others are counted in
warehouse_info, logged at WARN and listed, with the fields that differ, by
  parley sql --db FILE "SELECT * FROM duplicate_conflicts"

Every table and column is documented in docs/metrics.md; the SQL is in
sql/build/, run in the order of its numbers as build/plan/plan.go lists it. Settings (time zone, business hours, SLA targets, windows,
friction weights, dimensions, contact-reason rules, prices, the automatic
checks, and the build's DuckDB memory_limit, temp_dir and threads) come from
--config; see docs/config.md. Without --db the warehouse is
written next to the lake folder: --lake demo/lake writes
demo/warehouse.duckdb.

Builds are incremental: when FILE exists, build reads only the lake files
added since it was built and recomputes the conversations they touch (late
events for old dates and duplicates included), plus the conversations whose
repeat contacts or completeness depend on them, and reruns the automatic
checks on those conversations (on all of them when a dictionary or parley's
checks changed). The result is the same as a full rebuild. Build falls back to a full rebuild by itself, saying why, when
FILE was built with other settings or another version of parley, or a lake
file it was built from is gone or changed (compact, erase, retention);
--full forces one.

Either way the new warehouse is written as FILE.building (a copy of FILE
when incremental) and renamed over FILE at the end, so readers never see a
half-built one and a failed build leaves the previous one in place.
One build of FILE runs at a time: it holds a lock on FILE.lock, and a
second build of FILE meanwhile exits 1 at once, naming the first's PID.
A lake whose events are all gone (retention dropped every partition)
builds an empty warehouse, so expired conversations leave it.

Stdout is the summary ("built FILE: N events ..."). Stderr holds the
warnings and errors, and a few lines of progress: why an update is rebuilt
in full, then one line as each part ends (the transform, with its events,
duplicates and files; the metric tables, or each of their passes; the
automatic checks, with their verdicts), each with its time. -v also logs
every step: each SQL file run, with its wall and CPU time.

With --lake s3://bucket/prefix, build first brings a local copy of the
lake's events, gap records and reviews up to date (--cache, default
lake-cache/ next to the warehouse; the warehouse defaults to
./warehouse.duckdb): it lists the bucket and downloads only the objects
whose ETag the copy does not hold, removes the files whose objects are
gone, and skips the inputs a compaction has replaced (it follows the
compaction journals). Then it builds from the copy, incrementally as above:
a second build downloads nothing. It prints what the sync cost in requests
and bytes.

On a small machine set build.memory_limit: a full build then computes the
metrics in passes over groups of conversations (about limit / 512 bytes
events each), with the same result. DuckDB uses 0.6-1 GiB beyond the limit,
so on a 4 GiB machine set about 2.5GiB.

Example:
  parley build --lake lake/ --config parley.yaml
  parley build --lake /data/lake --db /data/warehouse.duckdb --full
  parley build --lake s3://acme-lake/parley --db /data/warehouse.duckdb --config parley.yaml
  parley sql --db warehouse.duckdb "SELECT local_date, sum(conversations) FROM kpi_daily GROUP BY 1 ORDER BY 1"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			settings, err := config.Load(configPath)
			if err != nil {
				return usageErrorf("build: --config: %w", err)
			}
			loc.fill(settings)
			lakeDir := loc.lake
			if lakeDir != "" && !loc.bucket() {
				if err := lakeFolder(lakeDir); err != nil {
					return err
				}
			}
			switch {
			case lakeDir == "":
				return usageErrorf("build: --lake is required (the folder holding events/, or s3://bucket/prefix)")
			case dbPath == "" && loc.bucket():
				dbPath = "warehouse.duckdb"
			case dbPath == "":
				dbPath = defaultDB(lakeDir)
			}
			if fi, err := os.Stat(dbPath); err == nil && fi.IsDir() {
				return fmt.Errorf("build: %s: %w", dbPath, warehouse.ErrIsDirectory) // callErrors names --db
			}
			log, progress := progressLog(cmd, verbose)
			start := time.Now()
			ctx := cmd.Context()
			// The lake as the warehouse records it: a bucket's URL, not the
			// cache folder the build reads (which another bucket would share).
			var source string
			var b *objstore.Bucket
			if loc.bucket() {
				if b, err = objstore.Open(ctx, loc.lake, loc.s3); err != nil {
					return usageErrorf("build: --lake %s: %w", loc.lake, err)
				}
				source = b.URL()
			} else if source, err = filepath.Abs(lakeDir); err != nil {
				return fmt.Errorf("build: --lake %s: %w", lakeDir, err)
			}
			// Two lakes in one folder share the default --db, two buckets the
			// default --db and cache: the build would replace the other's
			// warehouse without a word. --full says the replacement is meant.
			if other := otherLake(ctx, source, dbPath); other != "" && !full {
				return otherLakeError("build", dbPath, other, source, "give this lake its own warehouse with --db FILE (and --cache DIR for a bucket), or --full to replace that one")
			}
			if b != nil {
				if cacheDir == "" {
					cacheDir = filepath.Join(filepath.Dir(dbPath), "lake-cache")
				}
				st, err := lake.SyncCache(ctx, b, cacheDir, lake.BuildPrefixes, log)
				if err != nil {
					return fmt.Errorf("build: copy the lake %s to %s: %w", loc.lake, cacheDir, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "synced %s to %s: %s\n", loc.lake, cacheDir, st)
				lakeDir = cacheDir
			}
			warnChangedSettings(ctx, cmd.OutOrStdout(), log, dbPath, settings)
			stats, err := build.Run(ctx, build.Config{Lake: lakeDir, Source: source, DB: dbPath, Settings: settings, Full: full, Log: log, Progress: progress})
			if errors.Is(err, build.ErrNoEvents) {
				return usageErrorf("build: --lake %s: %w", lakeDir, err)
			}
			if err != nil {
				return err
			}
			elapsed := time.Since(start).Round(time.Millisecond)
			switch {
			case stats.UpToDate():
				fmt.Fprintf(cmd.OutOrStdout(), "%s is up to date: no new lake files among %d\n", dbPath, stats.Files)
			case stats.Incremental:
				fmt.Fprintf(cmd.OutOrStdout(), "updated %s: %d new files, %d conversations recomputed; now %d events (%d duplicates dropped) in %d conversations from %d files in %s\n",
					dbPath, stats.NewFiles, stats.Affected, stats.Events, stats.Duplicates, stats.Conversations, stats.Files, elapsed)
			default:
				fmt.Fprintf(cmd.OutOrStdout(), "built %s: %d events (%d duplicates dropped) in %d conversations from %d files in %s\n",
					dbPath, stats.Events, stats.Duplicates, stats.Conversations, stats.Files, elapsed)
			}
			if stats.Conflicts > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%d dropped duplicates differ from the copy kept: see SELECT * FROM duplicate_conflicts\n", stats.Conflicts)
			}
			if stats.OffsetGaps > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "WARNING: the lake records %d offset gaps: Kafka messages deleted before ingest read them are missing (SELECT * FROM ingest_gaps; see docs/operations.md)\n", stats.OffsetGaps)
			}
			return nil
		},
	}
	f := cmd.Flags()
	loc.add(f)
	f.StringVar(&dbPath, "db", "", "warehouse file to write (default: warehouse.duckdb next to the lake folder; ./warehouse.duckdb for an s3:// lake)")
	f.StringVar(&cacheDir, "cache", "", "local copy of an s3:// lake that build keeps up to date and reads (default: lake-cache/ next to the warehouse)")
	f.StringVar(&configPath, "config", "", "parley.yaml with time zone, business hours, SLAs, windows, friction weights and build resources (default: built-in defaults)")
	f.BoolVar(&full, "full", false, "rebuild the whole warehouse instead of updating it with the new lake files")
	verboseFlagOver(f, &verbose, "each SQL file run and its wall and CPU time", "warnings, errors and a line as each part of the build ends")
	return cmd
}

// otherLake returns the lake dbPath records it was built from when that is
// not source (the lake as a warehouse records it: an absolute folder, or
// s3://bucket/prefix), and "" when it is, or dbPath records none (no
// warehouse there yet, or one built by an earlier parley).
func otherLake(ctx context.Context, source, dbPath string) string {
	state, ok, err := transform.BuiltWith(ctx, dbPath)
	if err != nil || !ok || state.Lake == source {
		return "" // an unreadable warehouse is rebuilt, or not verified; the command says why
	}
	return state.Lake
}

// otherLakeError is the usage error of command given a warehouse built from
// another lake than source, ending in what to do instead.
func otherLakeError(command, dbPath, builtFrom, source, advice string) error {
	return usageErrorf("%s: %s was built from the lake %s, not %s: %s", command, dbPath, builtFrom, source, advice)
}

// warnChangedSettings prints a WARNING naming each setting that differs
// from those dbPath was built with, and what the change does, before the
// build recomputes the warehouse with the new ones. Settings the warehouse
// did not record (built by an earlier parley) cannot be compared; the build
// log says it rebuilds in full.
func warnChangedSettings(ctx context.Context, w io.Writer, log *slog.Logger, dbPath string, settings *config.Config) {
	state, ok, err := transform.BuiltWith(ctx, dbPath)
	if err != nil {
		log.Warn("build: cannot tell which settings the warehouse was built with", "err", err)
		return
	}
	if !ok || state.Settings == "" || state.Fingerprint == transform.Fingerprint(settings) {
		return
	}
	changes, err := settings.ChangesFrom(state.Settings)
	if err != nil {
		log.Warn("build: cannot compare the settings with the warehouse's", "err", err)
		return
	}
	if len(changes) == 0 {
		return // the same settings, other build SQL: the log says why it rebuilds
	}
	fmt.Fprintf(w, "WARNING: %s was built with other settings; it is rebuilt in full with these changes:\n", dbPath)
	for _, c := range changes {
		fmt.Fprintf(w, "WARNING:   %s\n", c)
	}
	fmt.Fprintln(w, "WARNING: to keep the earlier settings, pass the parley.yaml they came from with --config.")
}

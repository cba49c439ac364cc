package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/dashboards"
	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/kafkaconn"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/runner"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/qa"
	sqlfiles "github.com/parley-cx/parley/sql"
)

func newRunCmd() *cobra.Command {
	var configPath, lakeFlag, listen string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "run --config parley.yaml [--lake DIR] [--listen ADDR] [-v]",
		Short: "Keep everything fresh: ingest continuously, build and report every few minutes, QA samples and retention on schedules",
		Long: `Run is the one long-running process of a Parley installation, configured by
the run section of parley.yaml (docs/config.md, docs/operations.md):

  ingest     run.ingest.brokers and topic: consumed continuously into the
             lake, exactly once, as "parley ingest" does
  build      every run.build_every (default 5m): an incremental build of
             the warehouse, as "parley build" does
  report     after each build that changed the warehouse: the dashboards
             and the Now page (the live queue) into run.reports
  qa         on the cron schedule run.qa.schedule: a QA sample into run.qa.out
  retention  on the cron schedule run.retention.schedule: lake partitions
             older than run.retention.keep are dropped, audited

A stage that fails is logged at ERROR, counted and tried again with backoff
(1s doubling, at most one build interval), and never stops the others.
Build and retention never run at the same time.

http://run.listen/healthz answers 200 while the process runs; /readyz 200
once a build and the reports have succeeded (503 while stopping, with every
stage's state as JSON); /metrics has, per stage, parley_run_stage_runs_total,
parley_run_stage_errors_total, parley_run_stage_last_success_timestamp_seconds,
parley_run_stage_last_duration_seconds and parley_run_stage_failing, the
data's freshness (parley_run_data_freshness_seconds: now minus the newest
event in the warehouse) and ingest's parley_ingest_* series.

On SIGTERM or SIGINT each stage finishes or abandons its work safely:
ingest flushes and commits; a build in progress is abandoned, its
half-built copy removed and the previous warehouse left in place; reports
and packets are replaced whole or not at all. Run exits 0 once all have
stopped (at most run.shutdown_timeout, default 30s). docs/operations.md has
a systemd unit.

Stdout says where run serves /healthz and /metrics and which lake,
warehouse and reports it keeps fresh, and when it stops, how many times
each stage ran and failed. Stderr holds the warnings and errors (a stage
that fails, at ERROR, each time); -v also logs every stage started and
done, and what it wrote.

The lake is --lake, else the lake key of parley.yaml. The warehouse, the
reports and the QA packets default to warehouse.duckdb, report/ and qa/ next
to the lake folder; "parley serve" with the same parley.yaml serves them.
The lake must be a folder: --lake s3://acme-lake/parley is refused. With a
lake in object storage, run ingest on each machine and build and report from
a schedule instead:
  parley ingest --brokers kafka:9092 --topic events --lake s3://acme-lake/parley
  parley build --lake s3://acme-lake/parley --db /data/warehouse.duckdb && parley report --db /data/warehouse.duckdb --out /data/report

Example:
  parley run --config /etc/parley/parley.yaml
  parley run --config parley.yaml --lake /data/lake --listen 127.0.0.1:9464`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return usageErrorf("run: --config is required: parley run takes its stages and schedules from parley.yaml (see docs/operations.md)")
			}
			settings, err := config.Load(configPath)
			if err != nil {
				return usageErrorf("run: --config: %w", err)
			}
			p, err := resolvePaths(lakeFlag, settings)
			if err != nil {
				return usageErrorf("run: %w", err)
			}
			if listen == "" {
				listen = firstOf(settings.Run.Listen, config.DefaultRunListen)
			}
			return runAll(cmd.Context(), settings, p, listen, cmd.OutOrStdout(), commandLog(cmd, verbose))
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "parley.yaml with the run section (required)")
	f.StringVar(&lakeFlag, "lake", "", "lake folder (default: the lake key of parley.yaml)")
	f.StringVar(&listen, "listen", "", "address of /healthz, /readyz and /metrics (default: run.listen, else "+config.DefaultRunListen+"); e.g. 127.0.0.1:9464")
	verboseFlag(f, &verbose, "each stage's start, end and output")
	return cmd
}

// paths are where run writes and serve reads, from parley.yaml and flags.
type paths struct {
	Lake, DB, Reports, QA string
}

// resolvePaths takes the lake from the flag, else parley.yaml's lake key,
// and the warehouse, reports and packets from the run section, else next
// to the lake folder, as "parley build" puts the warehouse.
func resolvePaths(lakeFlag string, s *config.Config) (paths, error) {
	lake := firstOf(lakeFlag, s.Lake.Path)
	if lake == "" {
		return paths{}, errors.New("--lake, or the lake key of parley.yaml, is required (the folder holding events/)")
	}
	if objstore.IsURL(lake) {
		// serve writes reviews and the audit log into a folder (qa.Import,
		// lake.AppendAudit), and run's stages are not wired to a bucket's
		// cache and lease: say so rather than stat a folder named s3:.
		return paths{}, fmt.Errorf("lake %s: parley run and parley serve need a lake folder; a lake in object storage is taken by %s: run parley ingest --lake %s on each machine, and parley build --lake %s --db FILE then parley report from a schedule", lake, bucketCommands, lake, lake)
	}
	if err := lakeTarget(lake); err != nil {
		return paths{}, err
	}
	if fi, err := os.Stat(lake); err != nil || !fi.IsDir() {
		return paths{}, fmt.Errorf("lake %s does not exist: parley ingest and parley import create it, or make the folder", lake)
	}
	beside := filepath.Dir(filepath.Clean(lake))
	return paths{
		Lake:    lake,
		DB:      firstOf(s.Run.DB, defaultDB(lake)),
		Reports: firstOf(s.Run.Reports, filepath.Join(beside, "report")),
		QA:      firstOf(s.Run.QA.Out, filepath.Join(beside, "qa")),
	}, nil
}

// firstOf is the first non-empty string.
func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// runAll wires the stages of parley run and runs them until ctx ends. out
// gets a line when it serves and one when it stops; log the rest.
func runAll(ctx context.Context, s *config.Config, p paths, listen string, out io.Writer, log *slog.Logger) error {
	buildEvery := time.Duration(s.Run.BuildEvery)
	if buildEvery == 0 {
		buildEvery = config.DefaultBuildEvery
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	minBackoff := min(time.Second, buildEvery)
	r, err := runner.New(runner.Config{
		Registry: reg, Log: log,
		MinBackoff: minBackoff, MaxBackoff: max(min(5*time.Minute, buildEvery), minBackoff),
		ShutdownTimeout: cmpDuration(time.Duration(s.Run.ShutdownTimeout), config.DefaultShutdownTimeout),
	})
	if err != nil {
		return err
	}
	var newest atomic.Int64 // the warehouse's newest event, Unix nanoseconds; 0 before a build
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "parley_run_data_freshness_seconds",
		Help: "Now minus the newest event in the warehouse: how old the freshest figure is (NaN before the first build).",
	}, func() float64 {
		if n := newest.Load(); n != 0 {
			return time.Since(time.Unix(0, n)).Seconds()
		}
		return math.NaN()
	}))

	if in := s.Run.Ingest; len(in.Brokers) > 0 {
		icfg, err := runIngestConfig(in, p.Lake, log)
		if err != nil {
			return usageErrorf("run: run.ingest: %w", err)
		}
		if icfg.Metrics, err = ingest.NewMetrics(reg); err != nil {
			return err
		}
		if err := r.Add(runner.Stage{Name: "ingest", Continuous: true, Run: func(ctx context.Context) error {
			cfg := icfg
			// Ingest retries an unreachable broker for ever: without its
			// reports the stage would look healthy through an outage.
			cfg.Health = func(err error) { runner.Report(ctx, err) }
			st, err := ingest.Run(ctx, cfg)
			log.Info("run: ingest stopped", "ingested", st.String())
			return err
		}}); err != nil {
			return err
		}
	}

	// Build and retention both change what the build reads: never together.
	var lakeWork sync.Mutex
	// pending is set by a build that changed the warehouse (and at start),
	// cleared by the reports once they show it.
	var pending atomic.Bool
	pending.Store(true)
	err = errors.Join(
		r.Add(runner.Stage{Name: "build", Every: buildEvery, Ready: true, Run: func(ctx context.Context) error {
			lakeWork.Lock()
			defer lakeWork.Unlock()
			stats, err := build.Run(ctx, build.Config{Lake: p.Lake, DB: p.DB, Settings: s, Log: log})
			if err != nil {
				return err
			}
			if !stats.UpToDate() {
				pending.Store(true)
			}
			at, err := newestEvent(ctx, p.DB)
			if err != nil {
				return err
			}
			if at.Valid {
				newest.Store(at.Time.UnixNano())
			}
			return nil
		}}),
		r.Add(runner.Stage{Name: "report", After: "build", Ready: true, Run: func(ctx context.Context) error {
			if !pending.Load() {
				return nil // the warehouse did not change since the reports were written
			}
			res, err := dashboards.Render(ctx, dashboards.Config{DB: p.DB, Out: p.Reports, Settings: s, Log: log})
			switch {
			case errors.Is(err, dashboards.ErrEmptyPeriod):
				// The pages are written and say so; the Now page is current. A new operation
				// (or one whose events all fall on today, which is not complete) has no
				// conversation in the default period yet: that is no failure to retry.
				log.Warn("run: the reports' period holds no conversations; the pages say so", "err", err)
			case err != nil:
				return err
			}
			pending.Store(false)
			log.Info("run: reports written", "folder", p.Reports, "pages", len(res.Files), "period", res.Period.String())
			return nil
		}}),
	)
	if err != nil {
		return err
	}
	if q := s.Run.QA; q.Schedule != "" {
		sched, err := config.ParseSchedule(q.Schedule)
		if err != nil {
			return usageErrorf("run: run.qa.schedule: %w", err)
		}
		if err := r.Add(runner.Stage{Name: "qa", Schedule: sched, Location: s.Location(), Run: func(ctx context.Context) error {
			// Each firing samples its own run, named by the time it was due (a Schedule
			// stage's context always holds it; a retry gets the same one and redoes that run);
			// the first of a day keeps the name a daily schedule's packets always had.
			at, _ := runner.ScheduledAt(ctx)
			res, err := qa.Sample(ctx, qa.Config{DB: p.DB, Out: p.QA, Size: q.Size, PerAgent: q.PerAgent,
				Reviewers: q.Reviewers, Calibration: q.Calibration, Seed: firingSeed(sched, at), Now: at, Settings: s, Log: log})
			if errors.Is(err, qa.ErrNoConversations) {
				// Nothing to review yet (a new operation, or conversations all of today, which
				// is not complete): no packet is written, and no failure to retry.
				log.Warn("run: no QA sample: the period holds no conversations", "err", err)
				return nil
			}
			if err != nil {
				return err
			}
			log.Info("run: QA sample written", "packet", res.Dir, "conversations", len(res.Sampled))
			return nil
		}}); err != nil {
			return err
		}
	}
	if rt := s.Run.Retention; rt.Schedule != "" {
		sched, err := config.ParseSchedule(rt.Schedule)
		if err != nil {
			return usageErrorf("run: run.retention.schedule: %w", err)
		}
		if err := r.Add(runner.Stage{Name: "retention", Schedule: sched, Location: s.Location(), Run: func(ctx context.Context) error {
			lakeWork.Lock()
			defer lakeWork.Unlock()
			st, err := governance.Retention(ctx, governance.RetentionConfig{Lake: p.Lake, Keep: time.Duration(rt.Keep),
				Reason: "parley run: run.retention", Log: log})
			if err != nil {
				return err
			}
			log.Info("run: retention done", "result", st.String())
			return nil
		}}); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return usageErrorf("run: --listen %s: %w", listen, err)
	}
	srv := &http.Server{Handler: r.Handler(reg), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on shutdown
	fmt.Fprintf(out, "serving health and metrics at http://%s; lake %s, warehouse %s, reports %s, built every %s\n",
		ln.Addr(), p.Lake, p.DB, p.Reports, buildEvery)
	runErr := r.Run(ctx)
	stages, _ := r.Status()
	ran := make([]string, len(stages))
	for i, st := range stages {
		ran[i] = fmt.Sprintf("%s %d runs (%d failed)", st.Name, st.Runs, st.Errors)
	}
	fmt.Fprintf(out, "stopped: %s\n", strings.Join(ran, ", "))
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("run: health server shutdown", "err", err)
	}
	return runErr
}

// runIngestConfig is ingest's configuration from run.ingest, checked as
// the flags of parley ingest are; the SASL password comes from the environment.
func runIngestConfig(in config.RunIngest, lake string, log *slog.Logger) (ingest.Config, error) {
	cfg := ingest.Config{Brokers: in.Brokers, Topic: in.Topic, Group: firstOf(in.Group, ingest.DefaultGroup), Lake: lake,
		FlushRows: ingest.DefaultFlushRows, FlushBytes: ingest.DefaultFlushBytes,
		FlushInterval:  cmpDuration(time.Duration(in.FlushInterval), ingest.DefaultFlushInterval),
		SessionTimeout: ingest.DefaultSessionTimeout, ProgressEvery: ingest.DefaultProgressEvery, Log: log}
	sec := kafkaconn.Options{TLS: in.TLS, CAFile: in.TLSCA, CertFile: in.TLSCert, KeyFile: in.TLSKey,
		SASLMechanism: in.SASLMechanism, Username: in.SASLUser, Password: os.Getenv(saslPasswordEnv)}
	if err := errors.Join(cfg.Validate(), sec.Validate()); err != nil {
		return cfg, err
	}
	dialer, err := sec.Dialer()
	if err != nil {
		return cfg, err
	}
	cfg.Dialer = dialer
	return cfg, nil
}

// newestEvent is the warehouse's newest event (warehouse_info.last_event_at;
// not valid for a warehouse without events).
func newestEvent(ctx context.Context, db string) (sql.NullTime, error) {
	var at sql.NullTime
	w, err := warehouse.Open(db, true)
	if err != nil {
		return at, fmt.Errorf("run: %w", err)
	}
	defer w.Close()
	if err := w.QueryRowContext(ctx, sqlfiles.File("run/newest_event.sql")).Scan(&at); err != nil {
		return at, fmt.Errorf("run: read warehouse_info: %w", err)
	}
	return at, nil
}

func cmpDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// firingSeed is the seed of the QA sample of a run.qa.schedule firing due
// at at. The first firing of a local day takes qa sample's default seed,
// the date as YYYYMMDD, so a daily schedule's packets keep the folder name
// they always had (<date>-<date>). A later firing of the same day takes
// its local time as YYYYMMDDHHMMSS (2026-03-20 18:00 is 20260320180000):
// with the date it would be the same run as the first, a rerun refused as
// soon as the data changed its period or picks (qa.ErrOtherOptions,
// qa.ErrRerunDiffers) and retried all day. Its own seed makes it its own
// sample, skipping what the earlier ones sampled, and reproducible from
// its folder name (--date and --seed).
func firingSeed(sched cron.Schedule, at time.Time) uint64 {
	y, mo, d := at.Date()
	date := uint64(y)*1e4 + uint64(mo)*1e2 + uint64(d)
	midnight := time.Date(y, mo, d, 0, 0, 0, 0, at.Location())
	if !sched.Next(midnight.Add(-time.Nanosecond)).Before(at) {
		return date
	}
	h, mi, sec := at.Clock()
	return date*1e6 + uint64(h)*1e4 + uint64(mi)*1e2 + uint64(sec)
}

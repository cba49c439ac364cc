package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/kafkaconn"
)

// saslPasswordEnv lets the password stay out of the process list.
const saslPasswordEnv = "PARLEY_SASL_PASSWORD"

func newIngestCmd() *cobra.Command {
	var (
		cfg         ingest.Config
		brokers     string
		sec         kafkaconn.Options
		metricsAddr string
		resets      []string
		loc         lakeFlags
		configPath  string
		verbose     bool
	)
	cmd := &cobra.Command{
		Use:   "ingest --brokers HOST:PORT[,...] --topic T --lake DIR|s3://BUCKET/PREFIX [-v]",
		Short: "Consume conversation events from Kafka into the Parquet lake, exactly once",
		Long: `Ingest consumes a Kafka topic as a member of a consumer group and writes every
message to the lake exactly once: valid events to
DIR/events/date=YYYY-MM-DD/<topic>-<partition>-<firstOffset>-<lastOffset>.parquet,
messages that break the event contract to DIR/deadletter/ with their raw bytes
and the reason.

A partition's batch is flushed when it reaches its share of --flush-rows or
--flush-bytes (both are per process, split across the partitions it owns, so
they bound memory) or --flush-interval: its files are written under temporary names, fsynced and
renamed, and only then is the partition's checkpoint in DIR/_offsets advanced
and the offset committed to Kafka. After a crash, ingest resumes from the
checkpoint, so nothing is lost or written twice.

Run several processes with the same --group to split the partitions between
them. Without --until-idle, ingest runs until SIGINT/SIGTERM, then flushes,
commits and exits 0.

Stdout is the summary when ingest stops (events, dead letters, files).
Stderr holds the warnings and errors, where --metrics-addr serves, and a
line of progress every --progress-every (messages read per second, lag per
partition, totals); -v also logs each step (start, partitions assigned,
idle, stop).

When the brokers cannot be reached (or the group cannot be joined), every
failed attempt is logged, at ERROR once failures have lasted twice
--session-timeout. A batch run (--until-idle) gives up and exits 1 once
attempts have failed for --join-timeout, by default the longer of
--until-idle and twice --session-timeout (20s with the defaults), so a cron
job never hangs; a service (no --until-idle) keeps retrying unless
--join-timeout is given.

Transactions are read committed: records of aborted transactions and the
transaction markers are skipped. Nothing is skipped silently otherwise:

  offsets Kafka deleted before ingest read them (retention, DeleteRecords)
      are recorded as a gap in DIR/_gaps/<topic>/, logged at ERROR and
      counted; parley build shows them in warehouse_info and the dashboards.
  a checkpoint above the partition's end (the topic was deleted and
      recreated, or the broker lost data) stops that partition with an
      error; the others go on and ingest exits 1 when it stops. To proceed,
      --reset-partition P reads P again from its earliest offset, and
      --reset-partition P=latest skips to its end; "all" names every
      partition. A reset applies only to a partition in that state, starts a
      new epoch (files named ...-<first>-<last>.r<epoch>.parquet, the old files
      stay) and is recorded in DIR/_audit/audit.jsonl.

--lake s3://bucket/prefix writes the same layout to S3-compatible object
storage, so processes on machines that share no file system can split a
topic. Partitions are fenced by conditional writes of their checkpoint
objects (If-Match, If-None-Match: *) instead of flock; a store that does
not enforce them is refused by name. Batches are encoded in $TMPDIR first.
Credentials come from the standard AWS environment and files
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws);
--s3-endpoint names an S3-compatible service. See docs/ingest.md.

Example:
  parley ingest --brokers kafka1:9092,kafka2:9092 --topic conversation-events \
      --lake /data/lake --metrics-addr :9464
  PARLEY_SASL_PASSWORD=secret parley ingest --brokers kafka:9093 --topic events \
      --lake lake/ --tls --tls-ca ca.pem --sasl-mechanism SCRAM-SHA-512 --sasl-user parley
  parley ingest --brokers 127.0.0.1:9092 --topic events --lake lake/ --until-idle 5s
  parley ingest --brokers kafka:9092 --topic events --lake lake/ --reset-partition 3 --reset-partition 5=latest
  parley ingest --brokers kafka:9092 --topic events --lake s3://acme-lake/parley \
      --s3-endpoint https://minio.internal:9000 --s3-ca minio-ca.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, b := range strings.Split(brokers, ",") {
				if b = strings.TrimSpace(b); b != "" {
					cfg.Brokers = append(cfg.Brokers, b)
				}
			}
			if err := loc.fillFrom(configPath); err != nil {
				return usageErrorf("ingest: --config: %w", err)
			}
			cfg.Lake, cfg.S3 = loc.lake, loc.s3
			if err := lakeTarget(cfg.Lake); err != nil {
				return err
			}
			if sec.Password == "" {
				sec.Password = os.Getenv(saslPasswordEnv)
			}
			for _, v := range resets {
				p, mode, err := ingest.ParseReset(v)
				if err != nil {
					return usageErrorf("ingest: %w", asFlags(err))
				}
				if cfg.Resets == nil {
					cfg.Resets = make(map[int32]ingest.ResetMode)
				}
				cfg.Resets[p] = mode
			}
			if err := errors.Join(cfg.Validate(), sec.Validate()); err != nil {
				return usageErrorf("ingest: %w", asFlags(err))
			}
			dialer, err := sec.Dialer()
			if err != nil {
				return err
			}
			cfg.Dialer = dialer
			cfg.Log, cfg.Progress = progressLog(cmd, verbose)
			ctx := cmd.Context()
			if metricsAddr != "" {
				stop, err := serveMetrics(ctx, metricsAddr, &cfg)
				if err != nil {
					return err
				}
				defer stop()
			}
			st, err := ingest.Run(ctx, cfg)
			fmt.Fprintf(cmd.OutOrStdout(), "ingested %s\n", st)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&brokers, "brokers", "", "bootstrap brokers, comma-separated host:port (required)")
	f.StringVar(&cfg.Topic, "topic", "", "topic to consume (required)")
	f.StringVar(&cfg.Group, "group", ingest.DefaultGroup, "consumer group; processes sharing it split the partitions")
	loc.addWithConfig(f, &configPath)
	f.IntVar(&cfg.FlushRows, "flush-rows", ingest.DefaultFlushRows, "messages held in memory before writing, per process (split across its partitions)")
	f.Int64Var(&cfg.FlushBytes, "flush-bytes", ingest.DefaultFlushBytes, "raw bytes held in memory before writing, per process (split across its partitions)")
	f.DurationVar(&cfg.FlushInterval, "flush-interval", ingest.DefaultFlushInterval, "flush a partition's batch when its first message is this old")
	f.DurationVar(&cfg.UntilIdle, "until-idle", 0, "exit 0 after this long without a new message (0: run until SIGINT/SIGTERM)")
	f.DurationVar(&cfg.SessionTimeout, "session-timeout", ingest.DefaultSessionTimeout, "how long the group waits for a silent member before moving its partitions")
	f.DurationVar(&cfg.JoinTimeout, "join-timeout", 0, "fail (exit 1) when attempts to join the consumer group have failed for this long, e.g. the brokers are unreachable (0: with --until-idle the longer of it and twice --session-timeout; without, retry forever)")
	f.DurationVar(&cfg.ProgressEvery, "progress-every", ingest.DefaultProgressEvery, "interval of the progress line on stderr")
	f.StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics (e.g. :9464)")
	f.StringArrayVar(&resets, "reset-partition", nil, "P[=earliest|latest] or all[=...]: when partition P's checkpoint stands above its end (topic recreated), start it again at its earliest offset (default) or its end; repeatable, recorded in the audit log (e.g. --reset-partition 3=latest)")
	f.BoolVar(&sec.TLS, "tls", false, "connect with TLS")
	f.StringVar(&sec.CAFile, "tls-ca", "", "PEM file of CA certificates to trust (default: system roots)")
	f.StringVar(&sec.CertFile, "tls-cert", "", "PEM client certificate (with --tls-key)")
	f.StringVar(&sec.KeyFile, "tls-key", "", "PEM client key (with --tls-cert)")
	f.BoolVar(&sec.InsecureSkipVerify, "tls-insecure-skip-verify", false, "do not verify the broker's certificate (test clusters only)")
	f.StringVar(&sec.SASLMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	f.StringVar(&sec.Username, "sasl-user", "", "SASL user name")
	f.StringVar(&sec.Password, "sasl-password", "", "SASL password (better: set "+saslPasswordEnv+")")
	verboseFlagOver(f, &verbose, "each step (start, partitions assigned, idle, stop)", "warnings, errors and a line of progress every --progress-every")
	return cmd
}

// serveMetrics serves Prometheus metrics at addr until the returned stop
// is called; it says where on cfg.Progress.
func serveMetrics(ctx context.Context, addr string, cfg *ingest.Config) (stop func(), err error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.Metrics, err = ingest.NewMetrics(reg); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usageErrorf("ingest: --metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on shutdown
	cfg.Progress("serving metrics at http://" + ln.Addr().String() + "/metrics")
	return func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			cfg.Log.Warn("metrics server shutdown", "err", err)
		}
	}, nil
}

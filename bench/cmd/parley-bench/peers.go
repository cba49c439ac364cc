package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The peers (--peers, BENCH_PEERS in make bench): other tools doing a part
// of Parley's work on the same data in the same run, so that Parley can be
// read against them and not only against its floors.
//
//   - bento: Bento (github.com/warpstreamlabs/bento), built from
//     bench/peers/bento with only the components it needs, reading the same
//     topic (kafka_franz), mapping each event to the lake's columns
//     (Bloblang) and writing zstd Parquet (parquet_encode): against Parley's
//     ingest. Bento is at-least-once and validates nothing.
//   - postgres: PostgreSQL (Debian's package) loading the lake's columns and
//     computing core.sql, a fraction of the build's metrics: against
//     Parley's build. The same core.sql on plain DuckDB runs beside it.
const (
	peerBento    = "bento"
	peerPostgres = "postgres"
	// peerDuckDB is core.sql on plain DuckDB, run with the postgres peer.
	peerDuckDB = "duckdb core"
)

var peerNames = []string{peerBento, peerPostgres}

var (
	//go:embed core.sql
	coreSQL string
	//go:embed core_load_duckdb.sql
	coreLoadDuckDB string
	//go:embed core_export.sql
	coreExportSQL string
	//go:embed core_load_postgres.sql
	coreLoadPostgres string
)

// parsePeers turns "bento,postgres" into peer names; "" is none.
func parsePeers(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "":
			continue
		case !slices.Contains(peerNames, name):
			return nil, fmt.Errorf("--peers: unknown peer %q (want a comma-separated list of %s)", name, strings.Join(peerNames, ", "))
		case slices.Contains(out, name):
			return nil, fmt.Errorf("--peers: %s given twice", name)
		}
		out = append(out, name)
	}
	return out, nil
}

// bentoModule is the folder of the Bento build, from the repository root
// (where make bench runs the driver).
const bentoModule = "bench/peers/bento"

// buildBento builds Bento into the work folder and returns its path.
func buildBento(ctx context.Context, work string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(work, "bento"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", fmt.Errorf("bento: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = bentoModule
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bento: go build in %s (run from the repository root): %w\n%s", bentoModule, err, lastLines(out, 10))
	}
	return bin, nil
}

// bentoConfig reads the topic from the start in a consumer group, in
// batches of up to 100,000 messages per partition (or what arrived in
// half a second), until no message has come for untilIdle, as parley
// ingest --until-idle does (the driver takes it off the wall time). It maps
// each event to the lake's columns (timestamps as INT64 microseconds:
// Bento's Parquet writer has no TIMESTAMP type; no extra column, which
// Bento cannot compute) and writes each batch as one zstd Parquet file.
//
// Why not read_until's check: it tests the first message of each batch
// only, so a count of messages cannot end the input; and
// checkpoint_limit, raised here from 1,024, would otherwise stall a
// partition on unacknowledged messages while a batch fills, which the idle
// timeout would take for the topic's end.
const bentoConfig = `logger:
  level: WARN
http:
  enabled: false
input:
  read_until:
    idle_timeout: %s
    input:
      kafka_franz:
        seed_brokers: [ %q ]
        topics: [ %q ]
        consumer_group: bento-bench
        start_from_oldest: true
        checkpoint_limit: 1000000
        batching:
          count: 100000
          period: 500ms
pipeline:
  processors:
    - mapping: |
        let at = this.occurred_at.ts_parse("2006-01-02T15:04:05.999999999Z07:00")
        root.event_id = this.event_id
        root.conversation_id = this.conversation_id
        root.type = this.type
        root.occurred_at = $at.ts_unix_micro()
        root.occurred_offset_s = $at.ts_format("2006-01-02T15:04:05").ts_parse("2006-01-02T15:04:05").ts_unix() - $at.ts_unix()
        root.channel = this.channel
        root.actor_role = this.actor.role
        root.actor_id = this.actor.id
        root.queue = this.queue
        root.message_text = this.message.text
        root.message_private = this.message.private
        root.message_automated = this.message.automated
        root.to_role = this.to.role
        root.to_id = this.to.id
        root.to_queue = this.to.queue
        root.csat_score = this.csat.score
        root.attributes = this.attributes
        root.source = @kafka_topic
        root.partition = @kafka_partition.number()
        root.offset = @kafka_offset.number()
        root.ingested_at = now().ts_unix_micro()
    - parquet_encode:
        default_compression: zstd
        schema:
          - { name: event_id, type: UTF8 }
          - { name: conversation_id, type: UTF8 }
          - { name: type, type: UTF8 }
          - { name: occurred_at, type: INT64 }
          - { name: occurred_offset_s, type: INT32 }
          - { name: channel, type: UTF8, optional: true }
          - { name: actor_role, type: UTF8, optional: true }
          - { name: actor_id, type: UTF8, optional: true }
          - { name: queue, type: UTF8, optional: true }
          - { name: message_text, type: UTF8, optional: true }
          - { name: message_private, type: BOOLEAN, optional: true }
          - { name: message_automated, type: BOOLEAN, optional: true }
          - { name: to_role, type: UTF8, optional: true }
          - { name: to_id, type: UTF8, optional: true }
          - { name: to_queue, type: UTF8, optional: true }
          - { name: csat_score, type: INT32, optional: true }
          - name: attributes
            type: MAP
            optional: true
            fields:
              - { name: key, type: UTF8 }
              - { name: value, type: UTF8 }
          - { name: source, type: UTF8 }
          - { name: partition, type: INT32 }
          - { name: offset, type: INT64 }
          - { name: ingested_at, type: INT64 }
output:
  file:
    path: '%s/${! uuid_v4() }.parquet'
    codec: all-bytes
`

// bentoIngest runs Bento over the topic into dir/bento and checks that it
// wrote every message once.
func bentoIngest(ctx context.Context, bin, dir, addr string, events int64) (measure, error) {
	out := filepath.Join(dir, "bento")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return measure{}, fmt.Errorf("bento: %w", err)
	}
	cfg := filepath.Join(dir, "bento.yaml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, bentoConfig, untilIdle, addr, topic, out), 0o644); err != nil {
		return measure{}, fmt.Errorf("bento: %w", err)
	}
	m, err := measured(ctx, "bento", nil, bin, "-c", cfg)
	if err != nil {
		return m, fmt.Errorf("bento: %w", err)
	}
	m.Wall -= untilIdle
	db, err := inMemory()
	if err != nil {
		return m, fmt.Errorf("bento: %w", err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet($1)", filepath.Join(out, "*.parquet")).Scan(&m.Units); err != nil {
		return m, fmt.Errorf("bento: count its rows: %w", err)
	}
	if m.Units < events {
		return m, fmt.Errorf("bento wrote %d rows of the topic's %d messages", m.Units, events)
	}
	return m, nil
}

// coreDuckDBEnv makes this binary run core.sql on plain DuckDB over the
// lake glob it names, and write its counts to the file coreOutEnv names:
// the rusage helper runs it so that its CPU and peak RSS are its own.
const (
	coreDuckDBEnv = "PARLEY_BENCH_CORE_DUCKDB"
	coreOutEnv    = "PARLEY_BENCH_CORE_OUT"
)

// coreCounts is what core.sql reads back: days, conversations, events
// kept, and the sums over the days of the median first response in ms
// and of the mean CSAT × 1000.
type coreCounts struct{ days, conversations, kept, frtMs, csatMilli int64 }

func (c coreCounts) String() string {
	return fmt.Sprintf("%d days, %d conversations, %d events, first responses %d, CSAT %d", c.days, c.conversations, c.kept, c.frtMs, c.csatMilli)
}

func (c *coreCounts) fields() []*int64 {
	return []*int64{&c.days, &c.conversations, &c.kept, &c.frtMs, &c.csatMilli}
}

// coreDuckDBMain is the helper's side of coreDuckDBEnv.
func coreDuckDBMain(glob, out string) int {
	ctx := context.Background()
	db, err := inMemory()
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-bench:", err)
		return 1
	}
	defer db.Close()
	var c coreCounts
	err = func() error {
		if _, err := db.ExecContext(ctx, coreLoadDuckDB, glob); err != nil {
			return err
		}
		var vals []any
		for _, f := range c.fields() {
			vals = append(vals, f)
		}
		return db.QueryRowContext(ctx, coreSQL).Scan(vals...)
	}()
	if err == nil {
		err = os.WriteFile(out, fmt.Appendf(nil, "%d|%d|%d|%d|%d\n", c.days, c.conversations, c.kept, c.frtMs, c.csatMilli), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-bench: core subset on DuckDB:", err)
		return 1
	}
	return 0
}

// readCounts parses core.sql's last row as psql -A -t writes it (fields
// separated by |), which coreDuckDBMain writes too.
func readCounts(path string) (coreCounts, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return coreCounts{}, err
	}
	var c coreCounts
	f := strings.Split(strings.TrimSpace(string(b)), "|")
	if len(f) != len(c.fields()) {
		return c, fmt.Errorf("%s: want %d fields separated by |, got %q", path, len(c.fields()), b)
	}
	for i, p := range c.fields() {
		if *p, err = strconv.ParseInt(f[i], 10, 64); err != nil {
			return c, fmt.Errorf("%s: %w", path, err)
		}
	}
	return c, nil
}

// coreDuckDB runs core.sql on plain DuckDB, loading the lake's columns it
// reads into a table first, as PostgreSQL does.
func coreDuckDB(ctx context.Context, dir, glob string) (measure, coreCounts, error) {
	out := filepath.Join(dir, "core-duckdb.txt")
	self, err := os.Executable()
	if err != nil {
		return measure{}, coreCounts{}, err
	}
	m, err := measured(ctx, "core subset on DuckDB", []string{coreDuckDBEnv + "=" + glob, coreOutEnv + "=" + out}, self)
	if err != nil {
		return m, coreCounts{}, fmt.Errorf("core subset on DuckDB: %w", err)
	}
	c, err := readCounts(out)
	return m, c, err
}

// postgresSettings favour PostgreSQL: a scratch server that need not
// survive a crash, with memory for sorts and hashes like DuckDB's.
var postgresSettings = []string{
	"fsync=off", "synchronous_commit=off", "full_page_writes=off", "wal_level=minimal", "max_wal_senders=0",
	"shared_buffers=512MB", "work_mem=256MB", "maintenance_work_mem=512MB", "max_parallel_workers_per_gather=2",
}

// postgresBin finds PostgreSQL's server programs (Debian keeps them out of PATH).
func postgresBin() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Sort(dirs)
	for _, d := range slices.Backward(dirs) {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("postgres: no initdb found (Debian: apt-get install postgresql)")
}

// asPostgresUser prefixes a server command so that it runs as the
// postgres user when the driver runs as root, which PostgreSQL refuses.
func asPostgresUser(args []string) ([]string, error) {
	if os.Geteuid() != 0 {
		return args, nil
	}
	if _, err := user.Lookup("postgres"); err != nil {
		return nil, fmt.Errorf("postgres: running as root needs the postgres user (Debian's package creates it): %w", err)
	}
	return append([]string{"setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"}, args...), nil
}

// freePort asks the system for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// postgresCore exports the lake's columns to CSV with DuckDB (timed apart:
// the second duration), then starts a scratch PostgreSQL on 127.0.0.1,
// loads the CSV and runs core.sql in one psql session. The measure's wall
// time is the session's (load and queries); its CPU time and peak RSS are
// the server's (every backend) and psql's together.
func postgresCore(ctx context.Context, dir, glob string) (measure, time.Duration, coreCounts, error) {
	var c coreCounts
	bin, err := postgresBin()
	if err != nil {
		return measure{}, 0, c, err
	}
	csv := filepath.Join(dir, "core_events.csv")
	defer os.Remove(csv)
	export, err := exportCore(ctx, glob, csv)
	if err != nil {
		return measure{}, 0, c, err
	}
	// The server's files, readable by the postgres user.
	pgdir, err := os.MkdirTemp(dir, "postgres-")
	if err != nil {
		return measure{}, 0, c, fmt.Errorf("postgres: %w", err)
	}
	defer os.RemoveAll(pgdir)
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return measure{}, 0, c, fmt.Errorf("postgres: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(pgdir, uid, gid); err != nil {
			return measure{}, 0, c, fmt.Errorf("postgres: %w", err)
		}
	}
	data := filepath.Join(pgdir, "data")
	initdb, err := asPostgresUser([]string{filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"})
	if err != nil {
		return measure{}, 0, c, err
	}
	if out, err := exec.CommandContext(ctx, initdb[0], initdb[1:]...).CombinedOutput(); err != nil {
		return measure{}, 0, c, fmt.Errorf("postgres: initdb: %w\n%s", err, lastLines(out, 10))
	}
	port, err := freePort()
	if err != nil {
		return measure{}, 0, c, fmt.Errorf("postgres: %w", err)
	}
	server := []string{filepath.Join(bin, "postgres"), "-D", data, "-k", pgdir, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1"}
	for _, s := range postgresSettings {
		server = append(server, "-c", s)
	}
	if server, err = asPostgresUser(server); err != nil {
		return measure{}, 0, c, err
	}
	type result struct {
		m   measure
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := measured(ctx, "postgres server", nil, server[0], server[1:]...)
		done <- result{m, err}
	}()
	stop := func() (measure, error) {
		pgctl, err := asPostgresUser([]string{filepath.Join(bin, "pg_ctl"), "stop", "-D", data, "-m", "fast", "-w"})
		if err == nil {
			if out, serr := exec.CommandContext(ctx, pgctl[0], pgctl[1:]...).CombinedOutput(); serr != nil {
				err = fmt.Errorf("postgres: pg_ctl stop: %w\n%s", serr, lastLines(out, 5))
			}
		}
		r := <-done
		return r.m, errors.Join(err, r.err)
	}
	psql := filepath.Join(bin, "psql")
	conn := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-q"}
	ready := false
	for range 100 {
		if exec.CommandContext(ctx, psql, append(conn, "-c", "SELECT 1")...).Run() == nil {
			ready = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ready {
		_, err := stop()
		return measure{}, 0, c, errors.Join(errors.New("postgres: the server did not accept connections within 10 s"), err)
	}
	script := filepath.Join(dir, "core_postgres.sql")
	counts := filepath.Join(dir, "core-postgres.txt")
	body := coreLoadPostgres + "\n\\copy core_events FROM '" + strings.ReplaceAll(csv, "'", "''") + "' (FORMAT csv)\n" + coreSQL
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		_, serr := stop()
		return measure{}, 0, c, errors.Join(fmt.Errorf("postgres: %w", err), serr)
	}
	client, err := measured(ctx, "psql", nil, psql, append(conn, "-A", "-t", "-o", counts, "-f", script)...)
	srv, serr := stop()
	if err = errors.Join(err, serr); err != nil {
		return measure{}, 0, c, fmt.Errorf("postgres: %w", err)
	}
	if c, err = readCounts(counts); err != nil {
		return measure{}, 0, c, fmt.Errorf("postgres: %w", err)
	}
	return measure{Wall: client.Wall, CPU: client.CPU + srv.CPU, RSS: max(client.RSS, srv.RSS)}, export, c, nil
}

// exportCore writes the CSV PostgreSQL loads, and returns how long it took.
func exportCore(ctx context.Context, glob, csv string) (time.Duration, error) {
	db, err := inMemory()
	if err != nil {
		return 0, fmt.Errorf("postgres: export: %w", err)
	}
	defer db.Close()
	start := time.Now()
	q := strings.Replace(coreExportSQL, "'__CSV__'", "'"+strings.ReplaceAll(csv, "'", "''")+"'", 1)
	if _, err := db.ExecContext(ctx, q, glob); err != nil {
		return 0, fmt.Errorf("postgres: export the lake to CSV: %w", err)
	}
	return time.Since(start), nil
}

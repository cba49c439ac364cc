package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/broker"
)

const (
	topic = "conversation-events"
	// days of generated history: twelve weeks, what the forecast learns from
	// by default, so every size keeps the same calendar and only the
	// conversations per day grow.
	days = 84
	// conversationsPerUnit is conversations per day per unit of --per-day:
	// repeat contacts and retries come on top (docs/generator.md: 28 days
	// at 2,000 give about 63,500).
	conversationsPerUnit = 63_500.0 / (28 * 2_000)
	// untilIdle ends the ingest process; it is taken off its wall time.
	untilIdle = time.Second
	// qaSize is the sample the qa stage draws.
	qaSize = 200
)

// Stage names, in pipeline order.
const (
	stGenerate = "generate"
	stProduce  = "produce"
	stIngest   = "ingest"
	stBuild    = "build"
	stLimited  = "build (memory_limit)"
	stIncr     = "build (incremental)"
	stReport   = "report"
	stQA       = "qa sample"
	stForecast = "forecast"
)

var stageOrder = []string{stGenerate, stProduce, stIngest, stBuild, stLimited, stIncr, stReport, stQA, stForecast}

// measure is one stage at one size.
type measure struct {
	Wall  time.Duration
	Units int64         // events or rows the stage handled, see stageInfo
	RSS   int64         // peak resident set of the stage's process, bytes
	CPU   time.Duration // user + system time of the stage's process and its children
	Floor time.Duration // the floor's wall time in the same run; 0: none
	// Failed is why the stage failed, for a stage whose failure is itself the
	// finding (a build under a memory limit) rather than the end of the run.
	Failed string
}

// sizeResult is every stage at one size.
type sizeResult struct {
	Size          size
	PerDay        float64
	Conversations int64 // in the warehouse
	Events        int64 // on the topic, duplicates included
	// Copy is the lake copied into one DuckDB table (copy.sql): what any
	// build that keeps the events writes at least.
	Copy time.Duration
	// NoChecks is the full build again with the automatic QA checks off
	// (qa.auto.disabled), right after the build stage: what the checks
	// add is the build's time over it.
	NoChecks measure
	Stages   map[string]measure
	// Peers are the peer stages run (BENCH_PEERS), by name (see peers.go);
	// CSVExport is the time DuckDB took to write the CSV PostgreSQL loads.
	Peers     map[string]measure
	CSVExport time.Duration
}

// perDay is the generator's --per-day that lands near sz.Conversations over days.
func perDay(sz size) float64 {
	return float64(sz.Conversations) / days / conversationsPerUnit
}

// benchSize runs every stage at one size in a fresh work folder.
func benchSize(ctx context.Context, o options, sz size, progress io.Writer) (sizeResult, error) {
	res := sizeResult{Size: sz, PerDay: perDay(sz), Stages: map[string]measure{}, Peers: map[string]measure{}}
	dir, err := filepath.Abs(filepath.Join(o.work, sz.Name))
	if err != nil {
		return res, fmt.Errorf("work folder: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return res, fmt.Errorf("clear work folder: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("work folder: %w", err)
	}
	var (
		eventsFile = filepath.Join(dir, "events.jsonl")
		lakeDir    = filepath.Join(dir, "lake")
		dbPath     = filepath.Join(dir, "warehouse.duckdb")
		genArgs    = []string{"--seed", "1", "--days", strconv.Itoa(days), "--per-day", strconv.FormatFloat(res.PerDay, 'f', 1, 64)}
	)
	say := func(stage string, m measure) {
		res.Stages[stage] = m
		if m.Failed != "" {
			fmt.Fprintf(progress, "%s %-9s FAILED: %s\n", sz.Name, stage, m.Failed)
			return
		}
		fmt.Fprintf(progress, "%s %-9s %8s  %s units  peak RSS %s  floor %s\n", sz.Name, stage,
			m.Wall.Round(time.Millisecond), groupDigits(m.Units), formatBytes(m.RSS), m.Floor.Round(time.Millisecond))
	}
	fmt.Fprintf(progress, "%s: %d days x %.1f conversations/day in %s\n", sz.Name, days, res.PerDay, dir)

	// generate: the simulation writing JSON lines, alone.
	gen, err := parley(ctx, o.parley, append([]string{"generate", "--out", eventsFile}, genArgs...)...)
	if err != nil {
		return res, err
	}
	if gen.Units, err = countLines(eventsFile); err != nil {
		return res, err
	}
	say(stGenerate, gen)
	if err := os.Remove(eventsFile); err != nil {
		return res, fmt.Errorf("remove generated file: %w", err)
	}

	// produce: the same simulation produced to Kafka; the generator alone is its floor.
	b, err := broker.Start(ctx, broker.Config{Partitions: o.partitions, Topics: []string{topic}})
	if err != nil {
		return res, fmt.Errorf("start broker: %w", err)
	}
	defer b.Close()
	prod, err := parley(ctx, o.parley, append([]string{"generate", "--brokers", b.Addr(), "--topic", topic}, genArgs...)...)
	if err != nil {
		return res, err
	}
	if res.Events, err = topicSize(ctx, b.Addr(), o.partitions); err != nil {
		return res, err
	}
	if res.Events != gen.Units {
		return res, fmt.Errorf("topic holds %d messages, the generator wrote %d events", res.Events, gen.Units)
	}
	prod.Units, prod.Floor = res.Events, gen.Wall
	say(stProduce, prod)

	// ingest vs. reading the topic with kafka-go and doing nothing else.
	raw, err := fastestTime(func() (time.Duration, error) { return rawConsume(ctx, b.Addr(), o.partitions) })
	if err != nil {
		return res, err
	}
	ing, err := parley(ctx, o.parley, "ingest", "--brokers", b.Addr(), "--topic", topic, "--group", "parley-bench",
		"--lake", lakeDir, "--until-idle", untilIdle.String(), "--progress-every", "1h")
	if err != nil {
		return res, err
	}
	ing.Wall -= untilIdle
	ing.Units, ing.Floor = res.Events, raw
	say(stIngest, ing)
	if o.bento != "" {
		m, err := bentoIngest(ctx, o.bento, dir, b.Addr(), res.Events)
		if err != nil {
			return res, err
		}
		res.Peers[peerBento] = m
		sayPeer(progress, sz, peerBento, m)
	}
	// The broker held the whole topic (≈ 10 GiB at L); give it back to the
	// system before the builds, which need the memory and whose peak RSS
	// must not compete with this process's.
	b.Close()
	debug.FreeOSMemory()

	// build vs. one DuckDB scan of the columns it reads.
	glob := filepath.Join(lakeDir, "events", "date=*", "*.parquet")
	var scanned int64
	scan, err := fastestTime(func() (d time.Duration, err error) {
		scanned, d, err = scanLake(ctx, glob)
		return d, err
	})
	if err != nil {
		return res, err
	}
	if scanned != res.Events {
		return res, fmt.Errorf("lake holds %d rows, the topic %d messages", scanned, res.Events)
	}
	bld, err := parley(ctx, o.parley, "build", "--lake", lakeDir, "--db", dbPath)
	if err != nil {
		return res, err
	}
	bld.Units, bld.Floor = scanned, scan
	say(stBuild, bld)
	if res.NoChecks, err = buildNoChecks(ctx, o, dir, lakeDir); err != nil {
		return res, err
	}
	fmt.Fprintf(progress, "%s build without the automatic checks %s (CPU %s; with them %s, CPU %s)\n", sz.Name,
		res.NoChecks.Wall.Round(time.Millisecond), res.NoChecks.CPU.Round(time.Millisecond), bld.Wall.Round(time.Millisecond), bld.CPU.Round(time.Millisecond))
	if res.Copy, err = copyLake(ctx, glob, filepath.Join(dir, "copy.duckdb")); err != nil {
		return res, err
	}
	fmt.Fprintf(progress, "%s copy of the lake into DuckDB %s\n", sz.Name, res.Copy.Round(time.Millisecond))
	if slices.Contains(o.peers, peerPostgres) {
		if err := runCorePeers(ctx, &res, dir, glob, progress); err != nil {
			return res, err
		}
	}

	// the same full build under build.memory_limit, spilling to disk.
	lim, err := buildLimited(ctx, o, dir, lakeDir)
	if err != nil {
		lim.Failed = failure(err)
	}
	lim.Units, lim.Floor = scanned, scan
	say(stLimited, lim)

	// one more day landing on a warehouse of the days before, against the
	// full rebuild; the result must equal the full build.
	inc, err := buildIncremental(ctx, o, dir, lakeDir, dbPath)
	if err != nil {
		return res, err
	}
	inc.Floor = bld.Wall
	say(stIncr, inc)

	w, err := describeWarehouse(ctx, dbPath)
	if err != nil {
		return res, err
	}
	res.Conversations = w.Conversations

	// report vs. its queries alone.
	repFloor, err := fastestTime(func() (time.Duration, error) { return reportQueries(ctx, dbPath, w) })
	if err != nil {
		return res, err
	}
	rep, err := fastest(func() (measure, error) {
		return parley(ctx, o.parley, "report", "--db", dbPath, "--out", filepath.Join(dir, "out"))
	})
	if err != nil {
		return res, err
	}
	rep.Units, rep.Floor = w.Conversations, repFloor
	say(stReport, rep)

	// qa sample over the whole period vs. its queries alone.
	qaFloor, err := fastestTime(func() (time.Duration, error) { return qaQueries(ctx, dbPath, w) })
	if err != nil {
		return res, err
	}
	from, to := w.First.Format(time.DateOnly), w.Last.Format(time.DateOnly)
	qa, err := fastest(func() (measure, error) {
		return parley(ctx, o.parley, "qa", "sample", "--db", dbPath, "--out", filepath.Join(dir, "qa"),
			"--size", strconv.Itoa(qaSize), "--seed", "1", "--date", to, "--from", from, "--to", to)
	})
	if err != nil {
		return res, err
	}
	qa.Units, qa.Floor = w.Conversations, qaFloor
	say(stQA, qa)

	// forecast from the warehouse's twelve weeks vs. its arrivals query alone.
	fcFloor, err := fastestTime(func() (time.Duration, error) { return arrivalsQuery(ctx, dbPath) })
	if err != nil {
		return res, err
	}
	fc, err := fastest(func() (measure, error) {
		return parley(ctx, o.parley, "forecast", "--db", dbPath, "--history", "12w", "--horizon", "14d",
			"--format", "csv", "--out", filepath.Join(dir, "forecast.csv"))
	})
	if err != nil {
		return res, err
	}
	fc.Units, fc.Floor = w.Conversations, fcFloor
	say(stForecast, fc)
	return res, nil
}

// runs is how often every floor and the quick stages (report, qa sample,
// forecast) run; the fastest run counts, which keeps other work on the
// machine out of the figures. Generate, produce, ingest and build run once,
// since repeating them would multiply the ladder's time; their floors are
// best-of-runs, so their ratios lean pessimistic.
const runs = 3

// fastest runs fn runs times and keeps the fastest wall time and the highest peak RSS.
func fastest(fn func() (measure, error)) (measure, error) {
	var best measure
	for i := range runs {
		m, err := fn()
		if err != nil {
			return m, err
		}
		rss := max(best.RSS, m.RSS)
		if i == 0 || m.Wall < best.Wall {
			best = m
		}
		best.RSS = rss
	}
	return best, nil
}

// fastestTime is fastest for the floors, which run in this process.
func fastestTime(fn func() (time.Duration, error)) (time.Duration, error) {
	m, err := fastest(func() (measure, error) {
		d, err := fn()
		return measure{Wall: d}, err
	})
	return m.Wall, err
}

// parley runs one parley subcommand to completion through the rusage
// helper (see rusage.go) and measures it.
func parley(ctx context.Context, bin string, args ...string) (measure, error) {
	return measured(ctx, "parley "+args[0], nil, bin, args...)
}

// measured runs the command name args (with env added to the
// environment) to completion through the rusage helper and measures it;
// what names it in errors.
func measured(ctx context.Context, what string, env []string, name string, args ...string) (measure, error) {
	self, err := os.Executable()
	if err != nil {
		return measure{}, fmt.Errorf("%s: find own binary for the rusage helper: %w", what, err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return measure{}, fmt.Errorf("%s: %w", what, err)
	}
	defer r.Close()
	cmd := exec.CommandContext(ctx, self, append([]string{name}, args...)...)
	cmd.Env = append(append(os.Environ(), env...), rusageHelperEnv+"=1")
	cmd.ExtraFiles = []*os.File{w}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Start()
	w.Close() // the helper holds its own copy; EOF comes when it exits
	if err != nil {
		return measure{}, fmt.Errorf("%s: start rusage helper: %w", what, err)
	}
	report, readErr := io.ReadAll(r)
	if err := cmd.Wait(); err != nil {
		return measure{}, fmt.Errorf("%s: %w\n%s", what, err, lastLines(stderr.Bytes(), 10))
	}
	if readErr != nil {
		return measure{}, fmt.Errorf("%s: read rusage: %w", what, readErr)
	}
	var m measure
	if _, err := fmt.Sscan(string(report), &m.Wall, &m.RSS, &m.CPU); err != nil {
		return measure{}, fmt.Errorf("%s: rusage helper said %q: %w", what, report, err)
	}
	return m, nil
}

// lastLines keeps the end of a failed stage's log for the error message.
func lastLines(b []byte, n int) []byte {
	b = bytes.TrimRight(b, "\n")
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			if n--; n == 0 {
				return b[i+1:]
			}
		}
	}
	return b
}

// failure is the line of a failed stage's error that says why: parley's
// own "parley: ..." line from the stage's log, else the last line.
func failure(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "parley: ") {
			return l
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// countLines counts the JSON lines of a generated file.
func countLines(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	defer f.Close()
	var n int64
	buf := make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("count events in %s: %w", path, err)
		}
	}
}

// runCorePeers runs core.sql on PostgreSQL and on plain DuckDB, which must
// agree on what they computed.
func runCorePeers(ctx context.Context, res *sizeResult, dir, glob string, progress io.Writer) error {
	pg, export, pgCounts, err := postgresCore(ctx, dir, glob)
	if err != nil {
		return err
	}
	res.Peers[peerPostgres] = pg
	res.CSVExport = export
	sayPeer(progress, res.Size, peerPostgres, pg)
	dd, ddCounts, err := coreDuckDB(ctx, dir, glob)
	if err != nil {
		return err
	}
	res.Peers[peerDuckDB] = dd
	sayPeer(progress, res.Size, peerDuckDB, dd)
	if pgCounts != ddCounts {
		return fmt.Errorf("core subset: PostgreSQL computed %s, DuckDB %s", pgCounts, ddCounts)
	}
	return nil
}

func sayPeer(progress io.Writer, sz size, name string, m measure) {
	fmt.Fprintf(progress, "%s peer %-11s %8s  CPU %s  peak RSS %s\n", sz.Name, name, m.Wall.Round(time.Millisecond), m.CPU.Round(time.Millisecond), formatBytes(m.RSS))
}

// Command parley-bench runs the benchmark ladder behind `make bench`: it times every Parley stage at growing data sizes next to a floor measured in the same run.
//
// For each size it generates a synthetic operation, produces it to an
// embedded Kafka broker, and runs ingest, build, report, qa sample and
// forecast as separate `parley` processes, so each stage's peak RSS is its
// own. The floors (raw kafka-go consumption, one DuckDB scan of the lake, the
// report, QA and forecast queries alone) run in this process. Tables go to
// stdout as markdown and to bench/results/<date>.md; see docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ladder is the conversations of each size the driver knows.
var ladder = map[string]int{"S": 10_000, "M": 100_000, "L": 1_000_000}

// size is one rung of the ladder.
type size struct {
	Name          string
	Conversations int // target; the generator's count lands near it
}

// parseSizes turns "S,M" into rungs, in the order given.
func parseSizes(s string) ([]size, error) {
	var out []size
	seen := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		n, ok := ladder[name]
		if !ok {
			return nil, fmt.Errorf("--sizes: unknown size %q (want a comma-separated list of S, M, L)", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("--sizes: %s given twice", name)
		}
		seen[name] = true
		out = append(out, size{Name: name, Conversations: n})
	}
	return out, nil
}

type options struct {
	sizes      []size
	parley     string // the parley binary each stage runs as
	work       string // scratch data, removed and rewritten per size
	results    string // folder of the dated markdown results
	partitions int32
	// memoryLimit is build.memory_limit for the memory-limited build stage.
	memoryLimit string
	// peers are the peer stages to run (peers.go); bento is the Bento
	// binary when they include bento.
	peers []string
	bento string
}

func main() {
	if os.Getenv(rusageHelperEnv) != "" {
		os.Exit(rusageHelper(os.Args[1:]))
	}
	if glob := os.Getenv(coreDuckDBEnv); glob != "" {
		os.Exit(coreDuckDBMain(glob, os.Getenv(coreOutEnv)))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "parley-bench:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `parley-bench times every Parley stage at sizes S (10k conversations),
M (100k) and L (1M), each next to a floor measured in the same run, and
writes the tables to stdout and to RESULTS/<date>.md.

Example:
  make build && go run ./bench/cmd/parley-bench --sizes S,M --parley bin/parley
  BENCH_SIZES=S,M,L make bench
  BENCH_PEERS=bento,postgres make bench   # also Bento against ingest, PostgreSQL against build

Flags:
`)
		fs.PrintDefaults()
	}
	sizes := fs.String("sizes", "S,M", "comma-separated sizes: S, M, L")
	o := options{}
	fs.StringVar(&o.parley, "parley", "bin/parley", "parley binary to benchmark (make build writes bin/parley)")
	fs.StringVar(&o.work, "work", "bench/work", "scratch folder for generated data, lakes and warehouses (gitignored)")
	fs.StringVar(&o.results, "results", "bench/results", "folder for the dated results file")
	partitions := fs.Int("partitions", 6, "partitions of the benchmark topic")
	fs.StringVar(&o.memoryLimit, "memory-limit", "2.5GiB", "build.memory_limit of the memory-limited build stage; DuckDB runs up to ≈ 0.6 GiB past it while reading the lake, so 2.5GiB keeps L under 4 GiB")
	peers := fs.String("peers", "", "comma-separated peers to run beside Parley: bento (against ingest; built from bench/peers/bento, so run from the repository root), postgres (core.sql against build; needs PostgreSQL's server programs, Debian: apt-get install postgresql)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	if o.peers, err = parsePeers(*peers); err != nil {
		return err
	}
	if slices.Contains(o.peers, peerPostgres) {
		if _, err := postgresBin(); err != nil {
			return err
		}
	}
	if *partitions < 1 {
		return fmt.Errorf("--partitions: must be positive, got %d", *partitions)
	}
	o.partitions = int32(*partitions)
	if o.parley, err = filepath.Abs(o.parley); err != nil {
		return fmt.Errorf("--parley: %w", err)
	}
	if _, err := os.Stat(o.parley); err != nil {
		return fmt.Errorf("--parley: %w (run make build first)", err)
	}

	if slices.Contains(o.peers, peerBento) {
		fmt.Fprintln(stderr, "building Bento from", bentoModule)
		if o.bento, err = buildBento(ctx, o.work); err != nil {
			return err
		}
	}

	rep := report{Started: time.Now().UTC(), Machine: describeMachine(ctx)}
	for _, sz := range o.sizes {
		res, err := benchSize(ctx, o, sz, stderr)
		if err != nil {
			return fmt.Errorf("size %s: %w", sz.Name, err)
		}
		rep.Sizes = append(rep.Sizes, res)
	}
	year, err := benchYearForecast(ctx, o, stderr)
	if err != nil {
		return err
	}
	rep.Year = year
	rep.Finished = time.Now().UTC()
	rep.LoadEnd = loadAverage()

	var md strings.Builder
	rep.writeMarkdown(&md)
	if _, err := io.WriteString(stdout, md.String()); err != nil {
		return fmt.Errorf("write tables: %w", err)
	}
	if err := os.MkdirAll(o.results, 0o755); err != nil {
		return fmt.Errorf("results folder: %w", err)
	}
	path := filepath.Join(o.results, rep.Started.Format(time.DateOnly)+".md")
	if err := os.WriteFile(path, []byte(md.String()), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	fmt.Fprintln(stderr, "results written to", path)
	return nil
}

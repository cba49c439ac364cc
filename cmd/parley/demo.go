package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/dashboards"
	"github.com/parley-cx/parley/importers"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/produce"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/qa"
)

const demoTopic = "conversation-events"

type demoOptions struct {
	dir        string
	days       int
	perDay     float64
	seed       int64
	start      string
	partitions int32
	configPath string
	data       string
	dataFile   string
}

// The demo's data sources.
const (
	demoSynthetic = "synthetic"
	demoTWCS      = "twcs"
)

// twcsFrom starts the TWCS demo's report: the sample's threads reach back to
// a handful of 2016 tweets, which would stretch every daily chart across a year.
var twcsFrom = time.Date(2017, 10, 1, 0, 0, 0, 0, time.UTC)

func newDemoCmd() *cobra.Command {
	o := demoOptions{dir: "demo-out", days: 28, perDay: 2000, seed: 1, partitions: 6, data: demoSynthetic,
		dataFile: filepath.Join("..", "shared", "data", "twcs_sample_5000.csv")}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on generated data with an embedded Kafka broker",
		Long: `demo runs every stage of Parley end to end with no outside services:

  1. starts an embedded Kafka-protocol broker on 127.0.0.1 (kfake);
  2. generates a realistic support operation (parley generate) and produces it to the topic;
  3. ingests the topic exactly once into DIR/lake (parley ingest);
  4. builds DIR/warehouse.duckdb (parley build);
  5. renders the dashboards into DIR/out (parley report);
  6. draws a QA sample into DIR/out/qa (parley qa sample);
  7. prints a summary.

With --data twcs, steps 1-3 are replaced by "parley import --format twcs" of
the public Customer Support on Twitter sample (real conversations), so the
dashboards and QA packet show Parley on data nobody here wrote.

The settings the demo used (the generated operation's time zone, unless
--config says otherwise) are written to DIR/parley.yaml, and the summary
ends with the commands that go on with them: pass --config DIR/parley.yaml
to parley build, report and qa sample, or a later build recomputes the
warehouse with the defaults (UTC) and says so.

A previous demo's lake, warehouse, out folder and parley.yaml in DIR are
replaced (parley.yaml is kept when it is the --config given); nothing else
in DIR is touched.`,
		Example: `  parley demo                          # 28 days x ~2,000 conversations/day into ./demo-out
  parley demo --dir /tmp/p --days 7    # a smaller, faster run
  parley demo --data twcs --dir twcs   # real Twitter support threads from ../shared/data
  parley sql --db demo-out/warehouse.duckdb "SELECT channel, count(*) FROM conversations GROUP BY 1"
  parley build --lake demo-out/lake --config demo-out/parley.yaml   # again, with the demo's settings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", o.dir, "folder for the lake, warehouse and HTML output")
	f.IntVar(&o.days, "days", o.days, "days of history to generate")
	f.Float64Var(&o.perDay, "per-day", o.perDay, "mean conversations per day before seasonality")
	f.Int64Var(&o.seed, "seed", o.seed, "random seed: the same seed gives the same data")
	f.StringVar(&o.start, "start", "", "first day YYYY-MM-DD (default: the generator's default)")
	f.Int32Var(&o.partitions, "partitions", o.partitions, "partitions of the demo topic")
	f.StringVar(&o.data, "data", o.data, "where the events come from: synthetic (generated, through Kafka) or twcs (real tweets, imported)")
	f.StringVar(&o.dataFile, "data-file", o.dataFile, "the TWCS CSV file for --data twcs: the public \"Customer Support on Twitter\" data set or a sample of it (docs/real-data.md)")
	f.StringVar(&o.configPath, "config", "", "parley.yaml for build, report and QA (default: built-in defaults in the generator's time zone)")
	return cmd
}

func runDemo(ctx context.Context, o demoOptions, stdout, stderr io.Writer) error {
	if o.days < 1 || o.perDay <= 0 || o.partitions < 1 {
		return usageErrorf("demo: --days, --per-day and --partitions must be positive")
	}
	settings, err := config.Load(o.configPath)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	lakeDir := filepath.Join(o.dir, "lake")
	dbPath := filepath.Join(o.dir, "warehouse.duckdb")
	outDir := filepath.Join(o.dir, "out")
	for _, p := range []string{lakeDir, dbPath, dbPath + ".wal", outDir} {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("demo: clear previous output %s: %w", p, err)
		}
	}
	step := newStepper(stderr)
	var from, to time.Time
	switch o.data {
	case demoSynthetic:
		start, err := generateAndIngest(ctx, o, settings, lakeDir, step, stderr, log)
		if err != nil {
			return err
		}
		// The report shows the generated days: the default period would end on the
		// last complete day before the last event, which for a generated history
		// lies days after its last arrival (late resolutions and reopens).
		from = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 0, o.days-1)
	case demoTWCS:
		if _, err := os.Stat(o.dataFile); err != nil {
			return usageErrorf(`demo: --data twcs reads the "Customer Support on Twitter" sample, and %w.
The default --data-file is ../shared/data/twcs_sample_5000.csv, relative to the folder you run parley in
(beside a checkout of the repository, where the project keeps its public real data). Elsewhere, download
twcs.csv of the public "Customer Support on Twitter" data set (docs/real-data.md says where) and pass it:
  parley demo --data twcs --data-file path/to/twcs.csv --dir twcs`, err)
		}
		step.start("importing the TWCS sample " + o.dataFile)
		imp, err := ingest.Import(ctx, ingest.ImportConfig{Lake: lakeDir, Inputs: []string{o.dataFile}, Format: importers.TWCS{}, Log: log})
		if err != nil {
			return fmt.Errorf("demo: --data twcs: %w", err)
		}
		step.done(fmt.Sprintf("%d events, %d dead letters", imp.Events, imp.DeadLetters))
		from = twcsFrom
	default:
		return usageErrorf("demo: --data %q: want %s or %s", o.data, demoSynthetic, demoTWCS)
	}
	settingsPath, err := writeDemoSettings(o, settings)
	if err != nil {
		return err
	}

	step.start("building the warehouse")
	built, err := build.Run(ctx, build.Config{Lake: lakeDir, DB: dbPath, Settings: settings, Log: log})
	if err != nil {
		return err
	}
	step.done(fmt.Sprintf("%d events (%d duplicates dropped), %d conversations", built.Events, built.Duplicates, built.Conversations))

	step.start("rendering dashboards")
	rendered, err := dashboards.Render(ctx, dashboards.Config{DB: dbPath, Out: outDir, From: from, To: to, Settings: settings, Log: log})
	if err != nil {
		return err
	}
	step.done(fmt.Sprintf("%s for %s, %d conversations", filepath.Join(outDir, "index.html"), rendered.Period, rendered.Conversations))

	step.start("drawing a QA sample")
	sample, err := qa.Sample(ctx, qa.Config{DB: dbPath, Out: filepath.Join(outDir, "qa"), Size: 50, Seed: uint64(o.seed), Settings: settings, Log: log})
	if err != nil {
		return err
	}
	step.done(sample.Dir)

	if err := printDemoSummary(ctx, stdout, dbPath, o.dir, sample.Dir, step.total()); err != nil {
		return err
	}
	return printDemoNext(stdout, o.dir, lakeDir, dbPath, settingsPath, settings, rendered.Period)
}

// demoPrices are parley.example.yaml's prices: an agent hour, a bot-handled
// conversation and WhatsApp's per-conversation fee, in made-up euros.
func demoPrices() config.Cost {
	agentHour, bot := 36.0, 0.40
	return config.Cost{Currency: "EUR", AgentHour: &agentHour, BotConversation: &bot, Channels: map[string]float64{"whatsapp": 0.0785}}
}

// pricesNote says in the demo's parley.yaml that its prices are made up,
// when the demo set them (no --config).
func pricesNote(o demoOptions) string {
	if o.configPath != "" {
		return ""
	}
	return "\n# The cost prices are made-up examples for the demo's cost figures; set your own."
}

// writeDemoSettings writes the settings the demo runs with to
// DIR/parley.yaml, so that later commands can be given the same ones, and
// returns its path. A --config that is that very file is left as it is.
func writeDemoSettings(o demoOptions, settings *config.Config) (string, error) {
	path := filepath.Join(o.dir, "parley.yaml")
	if o.configPath != "" {
		given, err1 := os.Stat(o.configPath)
		target, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(given, target) {
			return path, nil
		}
	}
	header := fmt.Sprintf(`# The settings "parley demo" used for %s. Give them to the next commands
# with --config %s, or a build recomputes the warehouse with the defaults (UTC).
# Every setting is explained in docs/config.md.%s
`, o.dir, path, pricesNote(o))
	if err := atomicfile.WriteFile(path, append([]byte(header), settings.YAML()...)); err != nil {
		return "", fmt.Errorf("demo: write %s: %w", path, err)
	}
	return path, nil
}

// printDemoNext prints the commands that go on from the demo with its
// settings. The report command gives the period the demo rendered: the
// report's default (28 days up to the data's last complete day) is another
// one, and would replace the demo's pages in DIR/out with other numbers.
func printDemoNext(w io.Writer, dir, lakeDir, dbPath, settingsPath string, settings *config.Config, period dashboards.Period) error {
	p := invokedAs()
	_, err := fmt.Fprintf(w, `  settings          %s (time zone %s)

Next, with the demo's settings:
  %s build --lake %s --config %s
  %s report --db %s --out %s --config %s --from %s --to %s
  %s sql --db %s "SELECT local_date, sum(conversations) FROM kpi_daily GROUP BY 1 ORDER BY 1"
`, settingsPath, settings.TimeZone, p, lakeDir, settingsPath, p, dbPath, filepath.Join(dir, "out"), settingsPath,
		period.From.Format(time.DateOnly), period.To.Format(time.DateOnly), p, dbPath)
	return err
}

// invokedAs is how to call this binary again in printed advice: the path it
// was run by (bin/parley after make demo, which is not on PATH), or parley.
func invokedAs() string {
	if self := os.Args[0]; filepath.Base(self) == "parley" && strings.ContainsRune(self, filepath.Separator) {
		return self
	}
	return "parley"
}

// generateAndIngest is the synthetic demo's first half: an embedded broker,
// the generator producing into it, and ingest draining it into the lake.
// generateAndIngest generates the demo's operation into Kafka and ingests it into lakeDir;
// it returns the first generated day, in the generator's time zone.
func generateAndIngest(ctx context.Context, o demoOptions, settings *config.Config, lakeDir string, step *stepper, stderr io.Writer, log *slog.Logger) (time.Time, error) {
	genCfg := synth.DefaultConfig()
	genCfg.Seed, genCfg.Days, genCfg.PerDay = o.seed, o.days, o.perDay
	if o.start != "" {
		day, err := time.ParseInLocation(time.DateOnly, o.start, genCfg.TZ)
		if err != nil {
			return time.Time{}, usageErrorf("demo: --start %q: want YYYY-MM-DD", o.start)
		}
		genCfg.Start = day
	}
	if err := genCfg.Validate(); err != nil {
		return time.Time{}, usageErrorf("demo: %v", err)
	}
	if o.configPath == "" {
		// The generated operation lives in the generator's zone; report it there.
		settings.TimeZone = genCfg.TZ.String()
		// Example prices, so the Overview's cost section has figures to show
		// (without prices every cost is NULL); parley.yaml says they are made up.
		settings.Cost = demoPrices()
	}

	step.start("starting embedded Kafka broker")
	b, err := broker.Start(ctx, broker.Config{Partitions: o.partitions, Topics: []string{demoTopic}})
	if err != nil {
		return time.Time{}, err
	}
	defer b.Close()
	step.done(b.Addr())

	step.start("generating and producing events")
	if err := generateToKafka(ctx, genCfg, produce.Config{Brokers: []string{b.Addr()}, Topic: demoTopic}, newProgress(stderr)); err != nil {
		return time.Time{}, err
	}
	step.done("topic " + demoTopic)

	step.start("ingesting into the Parquet lake")
	ing, err := ingest.Run(ctx, ingest.Config{
		Brokers: []string{b.Addr()}, Topic: demoTopic, Group: "parley-demo", Lake: lakeDir,
		UntilIdle: time.Second, Log: log,
	})
	if err != nil {
		return time.Time{}, err
	}
	step.done(fmt.Sprintf("%d events, %d dead letters, %d files", ing.Events, ing.DeadLetters, ing.Files))
	return genCfg.Start, nil
}

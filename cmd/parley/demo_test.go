package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/internal/warehouse"
)

// TestDemoEndToEnd runs the whole demo through a real kfake broker over TCP
// and checks that every distinct generated event reached the warehouse
// exactly once, and that every promised output exists.
func TestDemoEndToEnd(t *testing.T) {
	o := demoOptions{dir: t.TempDir(), days: 3, perDay: 250, seed: 11, partitions: 3, data: demoSynthetic}
	var stdout, stderr bytes.Buffer
	if err := runDemo(context.Background(), o, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s", err, stderr.String())
	}

	// The same generator config, run again in the test, says what went in.
	cfg := synth.DefaultConfig()
	cfg.Seed, cfg.Days, cfg.PerDay = o.seed, o.days, o.perDay
	eventIDs, conversations := map[string]bool{}, map[string]bool{}
	sent := 0
	if _, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		sent++
		eventIDs[ev.EventID], conversations[ev.ConversationID] = true, true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if sent == len(eventIDs) {
		t.Fatal("the generator sent no duplicates; the test would not prove deduplication")
	}

	db, err := warehouse.Open(filepath.Join(o.dir, "warehouse.duckdb"), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var events, convs, distinctLake, rawRows int
	if err := db.QueryRow(`SELECT (SELECT events FROM warehouse_info), (SELECT count(*) FROM conversations)`).Scan(&events, &convs); err != nil {
		t.Fatal(err)
	}
	glob := filepath.Join(o.dir, "lake", "events", "date=*", "*.parquet")
	if err := db.QueryRow(`SELECT count(DISTINCT event_id), count(*) FROM read_parquet(?)`, glob).Scan(&distinctLake, &rawRows); err != nil {
		t.Fatal(err)
	}
	if events != len(eventIDs) || distinctLake != len(eventIDs) || convs != len(conversations) {
		t.Errorf("warehouse has %d events (lake %d distinct) in %d conversations; generator sent %d distinct events in %d conversations",
			events, distinctLake, convs, len(eventIDs), len(conversations))
	}
	if rawRows != sent {
		t.Errorf("lake holds %d rows, generator sent %d messages: ingest lost or duplicated some", rawRows, sent)
	}

	for _, f := range []string{"out/index.html", "out/responsiveness.html", "out/friction.html"} {
		if st, err := os.Stat(filepath.Join(o.dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	packets, _ := filepath.Glob(filepath.Join(o.dir, "out", "qa", "*", "manifest.csv"))
	if len(packets) != 1 {
		t.Errorf("want one QA packet with a manifest, got %v", packets)
	}
	for _, want := range []string{"Parley demo finished", "conversations", "median first response", "resolution rate", "index.html"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	// The generated data resolves conversations: the rate is a number.
	if !regexp.MustCompile(`resolution rate   \d+\.\d%\n`).MatchString(stdout.String()) {
		t.Errorf("the summary's resolution rate is not a percentage:\n%s", stdout.String())
	}

	// The slices report --help shows as examples are ones the demo has.
	// Examples are the command lines, and what follows a flag's "e.g.".
	slice := regexp.MustCompile(`--(queue|channel|market|reason) ([\w-]+)`)
	var filters []warehouse.Filter
	for line := range strings.Lines(mustParley(t, "report", "--help")) {
		if _, eg, ok := strings.Cut(line, "e.g. "); ok {
			line = eg
		} else if !strings.HasPrefix(strings.TrimSpace(line), "parley report ") {
			continue
		}
		for _, m := range slice.FindAllStringSubmatch(line, -1) {
			filters = append(filters, warehouse.Filter{Dimension: m[1], Value: m[2], Flag: "--" + m[1]})
		}
	}
	if len(filters) == 0 {
		t.Error("report --help shows no slice as an example")
	}
	if err := db.CheckFilters(context.Background(), filters...); err != nil {
		t.Errorf("report --help's examples name slices the demo does not have: %v", err)
	}

	// The demo's settings are in DIR/parley.yaml, and the summary says to pass them on.
	settingsPath := filepath.Join(o.dir, "parley.yaml")
	settings, err := config.Load(settingsPath)
	if err != nil {
		t.Fatalf("the demo's parley.yaml: %v", err)
	}
	if settings.TimeZone != cfg.TZ.String() {
		t.Errorf("parley.yaml has time zone %s, the generated data %s", settings.TimeZone, cfg.TZ)
	}
	// The demo sets example prices, so the Overview's cost section has figures.
	if !settings.Cost.Set() {
		t.Error("the demo's parley.yaml sets no cost prices")
	}
	var costed int
	if err := db.QueryRow(`SELECT count(cost) FROM conversations`).Scan(&costed); err != nil || costed == 0 {
		t.Errorf("conversations with a cost: %d (%v), want some", costed, err)
	}
	if raw, err := os.ReadFile(settingsPath); err != nil || !strings.Contains(string(raw), "made-up examples") {
		t.Errorf("the demo's parley.yaml does not say its prices are examples: %v", err)
	}
	lakeDir := filepath.Join(o.dir, "lake")
	next := "parley build --lake " + lakeDir + " --config " + settingsPath + "\n"
	if !strings.Contains(stdout.String(), next) {
		t.Errorf("summary does not say %q:\n%s", next, stdout.String())
	}
	assertNextReportReproduces(t, stdout.String(), stderr.String())
	// Built again with them, the warehouse is up to date; without them,
	// the build says it recomputes everything in UTC.
	if out := mustParley(t, "build", "--lake", lakeDir, "--config", settingsPath); !strings.Contains(out, "is up to date") {
		t.Errorf("build with the demo's parley.yaml: %s", out)
	}
	out := mustParley(t, "build", "--lake", lakeDir)
	if want := "WARNING:   timezone: " + cfg.TZ.String() + " -> UTC:"; !strings.Contains(out, want) {
		t.Errorf("build without the demo's settings printed\n%s\nwant %q", out, want)
	}
}

// TestDemoTWCS runs the demo on the real Twitter support sample.
func TestDemoTWCS(t *testing.T) {
	data := realData(t, "twcs_sample_5000.csv")
	o := demoOptions{dir: t.TempDir(), days: 1, perDay: 1, seed: 3, partitions: 1, data: demoTWCS, dataFile: data}
	var stdout, stderr bytes.Buffer
	if err := runDemo(context.Background(), o, &stdout, &stderr); err != nil {
		t.Fatalf("demo --data twcs: %v\nstderr:\n%s", err, stderr.String())
	}
	db, err := warehouse.Open(filepath.Join(o.dir, "warehouse.duckdb"), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var conversations, companies int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT first_queue) FROM conversations`).Scan(&conversations, &companies); err != nil {
		t.Fatal(err)
	}
	// 5,000 tweets thread into 1,312 conversations answered by 76 company accounts.
	if conversations != 1312 || companies < 70 {
		t.Errorf("TWCS demo built %d conversations across %d queues, want 1312 across the ~76 companies", conversations, companies)
	}
	if _, err := os.Stat(filepath.Join(o.dir, "out", "index.html")); err != nil {
		t.Error(err)
	}
	// The threads hold no resolved event: the summary says so, as the report does, not 0.0%.
	if want := "resolution rate   not in this data\n"; !strings.Contains(stdout.String(), want) {
		t.Errorf("the summary lacks %q:\n%s", want, stdout.String())
	}
	assertNextReportReproduces(t, stdout.String(), stderr.String())
}

// renderedRE finds the period and conversation count of a report, as the
// demo's "rendering dashboards" step and parley report print them.
var renderedRE = regexp.MustCompile(` for (\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(\d+ days?\)), (\d+) conversations`)

// assertNextReportReproduces runs the report command the demo printed
// under "Next" and checks that it renders the period and conversations
// the demo's own dashboards show, into the same folder.
func assertNextReportReproduces(t *testing.T, stdout, stderr string) {
	t.Helper()
	demo := renderedRE.FindStringSubmatch(stderr)
	if demo == nil {
		t.Fatalf("the demo does not say which period it rendered:\n%s", stderr)
	}
	var next []string
	for line := range strings.Lines(stdout) {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "parley" && f[1] == "report" {
			next = f[1:]
		}
	}
	if next == nil {
		t.Fatalf("the demo prints no report command:\n%s", stdout)
	}
	out := mustParley(t, next...)
	got := renderedRE.FindStringSubmatch(out)
	if got == nil || got[1] != demo[1] || got[2] != demo[2] {
		t.Errorf("the printed %q rendered\n%s\nthe demo rendered %s, %s conversations", strings.Join(next, " "), out, demo[1], demo[2])
	}
}

func TestDemoRejectsUnknownData(t *testing.T) {
	o := demoOptions{dir: t.TempDir(), days: 1, perDay: 1, partitions: 1, data: "kaggle"}
	err := runDemo(context.Background(), o, &bytes.Buffer{}, &bytes.Buffer{})
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `--data "kaggle"`) {
		t.Errorf("err = %v, want a usage error naming --data", err)
	}
}

// TestDemoTWCSWithoutData: without the sample, --data twcs says what the
// file is, where it is looked for and which flag names another.
func TestDemoTWCSWithoutData(t *testing.T) {
	o := demoOptions{dir: t.TempDir(), days: 1, perDay: 1, partitions: 1, data: demoTWCS, dataFile: filepath.Join(t.TempDir(), "twcs.csv")}
	err := runDemo(context.Background(), o, &bytes.Buffer{}, &bytes.Buffer{})
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usage error", err)
	}
	for _, want := range []string{`"Customer Support on Twitter"`, "no such file", "../shared/data/twcs_sample_5000.csv", "--data-file", "docs/real-data.md"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Count(err.Error(), o.dataFile) != 1 {
		t.Errorf("error names %s other than once:\n%v", o.dataFile, err)
	}
}

package dashboards_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cx/parley/dashboards"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
	"github.com/parley-cx/parley/transform"
)

// buildWarehouse runs the real pipeline through files, as the stages do:
// generated events → JSON lines → lake (import) → warehouse (transform, metrics).
func buildWarehouse(t *testing.T, days int, perDay float64) (string, *config.Config) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	gen := synth.DefaultConfig()
	gen.Days, gen.PerDay = days, perDay
	settings := config.Default()
	settings.TimeZone = gen.TZ.String()

	events := filepath.Join(dir, "events.jsonl")
	f, err := os.Create(events)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	if _, err := synth.Generate(ctx, gen, func(ev *event.Event) error { return enc.Encode(ev) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	lake := filepath.Join(dir, "lake")
	if _, err := ingest.Import(ctx, ingest.ImportConfig{Lake: lake, Inputs: []string{events}}); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "warehouse.duckdb")
	if _, err := transform.Run(ctx, transform.Config{Lake: lake, DB: db, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	if err := metrics.Run(ctx, metrics.Config{DB: db, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	return db, settings
}

// TestEndToEnd renders dashboards from a warehouse built by the real
// pipeline, checks that the dashboards' totals reconcile with the
// metric rollups another stage builds, and opens every page in Chromium.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a warehouse from generated data; skipped with -short")
	}
	db, settings := buildWarehouse(t, 4, 300)
	out := t.TempDir()
	res, err := dashboards.Render(context.Background(), dashboards.Config{DB: db, Out: out, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, f := range res.Files {
		total += f.Bytes
	}
	t.Logf("rendered %d pages, %d bytes, period %s, in %s", len(res.Files), total, res.Period, res.Elapsed)

	w, err := warehouse.Open(db, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	from, to := res.Period.From.Format(time.DateOnly), res.Period.To.Format(time.DateOnly)
	// Counts on the pages come from conversations; kpi_daily sums the same
	// conversations by day, channel and queue. They must agree.
	var convs, rollup, slaMet, slaMeasured int64
	if err := w.QueryRow(`SELECT count(*) FROM conversations WHERE local_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`, from, to).Scan(&convs); err != nil {
		t.Fatal(err)
	}
	if err := w.QueryRow(`SELECT sum(conversations), sum(sla_met), sum(sla_measured) FROM kpi_daily WHERE local_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`, from, to).Scan(&rollup, &slaMet, &slaMeasured); err != nil {
		t.Fatal(err)
	}
	if convs == 0 || convs != rollup {
		t.Errorf("conversations in the period %d, kpi_daily sums to %d", convs, rollup)
	}
	kpis := pageKPIs(t, w.DB, from, to)
	if kpis.conversations != convs {
		t.Errorf("overview shows %d conversations, the view holds %d", kpis.conversations, convs)
	}
	if want := fmt.Sprintf("%.1f", 100*float64(slaMet)/float64(slaMeasured)); fmt.Sprintf("%.1f", kpis.slaPct) != want {
		t.Errorf("overview SLA %.1f%%, kpi_daily gives %s%%", kpis.slaPct, want)
	}

	b := browsertest.New(t)
	for _, f := range res.Files {
		t.Run(filepath.Base(f.Path), func(t *testing.T) {
			b.Open(t, f.Path).RequireClean(t)
		})
	}
}

type shownKPIs struct {
	conversations int64
	slaPct        float64
}

// pageKPIs runs the Overview's own query, as a data team would with parley sql.
func pageKPIs(t *testing.T, db *sql.DB, from, to string) shownKPIs {
	t.Helper()
	q, err := os.ReadFile(filepath.Join("..", "sql", "reports", "overview_kpis.sql"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(string(q), sql.Named("from", from), sql.Named("to", to))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() {
		t.Fatal("overview_kpis returned no row")
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	var k shownKPIs
	for i, c := range cols {
		switch c {
		case "conversations":
			k.conversations = vals[i].(int64)
		case "sla_pct":
			k.slaPct = vals[i].(float64)
		}
	}
	return k
}

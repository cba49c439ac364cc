package dashboards

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/internal/warehouse"
)

// buildWarehouse runs the real pipeline through files, as the stages do:
// generated events → JSON lines → lake (import) → warehouse (transform, metrics),
// with the default settings in the generator's time zone, as adjust changes them.
func buildWarehouse(t *testing.T, days int, perDay float64, adjust ...func(*config.Config)) (string, *config.Config) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	gen := synth.DefaultConfig()
	gen.Days, gen.PerDay = days, perDay
	settings := config.Default()
	settings.TimeZone = gen.TZ.String()
	for _, a := range adjust {
		a(settings)
	}

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
	if _, err := build.Run(ctx, build.Config{Lake: lake, DB: db, Settings: settings}); err != nil {
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
	res, err := Render(context.Background(), Config{DB: db, Out: out, Settings: settings})
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
	kpis := reportRows(t, w.DB, "overview_kpis", res.Period, Slice{})[0]
	if kpis["conversations"] != convs {
		t.Errorf("overview shows %v conversations, the view holds %d", kpis["conversations"], convs)
	}
	if got, want := fmt.Sprintf("%.1f", kpis["sla_pct"]), fmt.Sprintf("%.1f", 100*float64(slaMet)/float64(slaMeasured)); got != want {
		t.Errorf("overview SLA %s%%, kpi_daily gives %s%%", got, want)
	}
	// Over a period that holds all the data, escalations per target must
	// match the escalation_effectiveness view (summed over its sources).
	perQueue := map[string][2]int64{}
	rows, err := w.Query(`SELECT queue, sum(escalations)::BIGINT, sum(effective)::BIGINT FROM escalation_effectiveness WHERE queue IS NOT NULL GROUP BY queue`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var q string
		var n, eff int64
		if err := rows.Scan(&q, &n, &eff); err != nil {
			t.Fatal(err)
		}
		perQueue[q] = [2]int64{n, eff}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	matched := 0
	for _, r := range reportRows(t, w.DB, "resolution_escalations", Period{day("2000-01-01"), day("2100-12-31")}, Slice{}) {
		want, ok := perQueue[r["target"].(string)]
		if !ok {
			continue // a target named by role only
		}
		matched++
		if r["escalations"] != want[0] || r["effective"] != want[1] {
			t.Errorf("target %v: %v escalations, %v effective; escalation_effectiveness has %d, %d",
				r["target"], r["escalations"], r["effective"], want[0], want[1])
		}
	}
	if matched == 0 {
		t.Errorf("no escalation target matched the escalation_effectiveness view (%d queues there)", len(perQueue))
	}

	b := browsertest.New(t)
	p := openReport(t, b, out, "overview")
	for _, v := range views {
		t.Run(v.ID, func(t *testing.T) {
			showView(t, p, v.ID, "")
			p.RequireClean(t)
		})
	}
}

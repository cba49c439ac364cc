package runner

import (
	"encoding/json"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The series of every stage, labelled by stage (docs/operations.md).
var (
	descRuns = prometheus.NewDesc("parley_run_stage_runs_total",
		"Times the stage was started (retries included).", []string{"stage"}, nil)
	descErrors = prometheus.NewDesc("parley_run_stage_errors_total",
		"Runs of the stage that failed (each is retried with backoff); for a continuous stage (ingest), also each failure it reports while running (a join or fetch that failed).", []string{"stage"}, nil)
	descLastSuccess = prometheus.NewDesc("parley_run_stage_last_success_timestamp_seconds",
		"When the stage last succeeded (Unix time; 0 before its first success). A continuous stage (ingest) succeeds each time it reports progress (joined its group, fetched, flushed).", []string{"stage"}, nil)
	descDuration = prometheus.NewDesc("parley_run_stage_last_duration_seconds",
		"How long the stage's last run took, failed or not.", []string{"stage"}, nil)
	descFailing = prometheus.NewDesc("parley_run_stage_failing",
		"1 while the stage's last run failed and it waits to be tried again, or while a continuous stage (ingest) reports failures (cannot join or fetch).", []string{"stage"}, nil)
	descRunning = prometheus.NewDesc("parley_run_stage_running",
		"1 while the stage runs.", []string{"stage"}, nil)
)

// collector exposes the runner's stage state at each scrape.
type collector struct{ r *Runner }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRuns, descErrors, descLastSuccess, descDuration, descFailing, descRunning} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	flag := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	for _, st := range r.stages {
		last := 0.0
		if !st.lastOK.IsZero() {
			last = float64(st.lastOK.UnixNano()) / 1e9
		}
		ch <- prometheus.MustNewConstMetric(descRuns, prometheus.CounterValue, float64(st.runs), st.Name)
		ch <- prometheus.MustNewConstMetric(descErrors, prometheus.CounterValue, float64(st.errs), st.Name)
		ch <- prometheus.MustNewConstMetric(descLastSuccess, prometheus.GaugeValue, last, st.Name)
		ch <- prometheus.MustNewConstMetric(descDuration, prometheus.GaugeValue, st.lastDur.Seconds(), st.Name)
		ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, flag(st.failing), st.Name)
		ch <- prometheus.MustNewConstMetric(descRunning, prometheus.GaugeValue, flag(st.running), st.Name)
	}
}

// Handler serves the runner's endpoints: /healthz (200 while the process
// runs: liveness), /readyz (200 once every Ready stage has succeeded and
// the runner is not stopping, else 503; both with every stage's status as
// JSON) and /metrics (the series of gatherer).
func (r *Runner) Handler(gatherer prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n")) //nolint:errcheck // the client went away
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		stages, ready := r.Status()
		w.Header().Set("Content-Type", "application/json")
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(struct { //nolint:errcheck // the client went away
			Ready  bool          `json:"ready"`
			Stages []StageStatus `json:"stages"`
		}{ready, stages})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	return mux
}

package ingest

import (
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus series Run keeps up to date.
type Metrics struct {
	events      prometheus.Counter
	deadLetters *prometheus.CounterVec
	files       prometheus.Counter
	flushErrors prometheus.Counter
	flushTime   prometheus.Histogram
	lag         *prometheus.GaugeVec
	gaps        *prometheus.CounterVec
	gapOffsets  *prometheus.CounterVec
	stopped     *prometheus.GaugeVec
}

// NewMetrics creates the ingest series and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ingest_events_total", Help: "Valid events written to the lake.",
		}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_ingest_dead_letters_total", Help: "Messages rejected into the dead-letter store, by reason.",
		}, []string{"reason"}),
		files: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ingest_files_total", Help: "Parquet files published to the lake.",
		}),
		flushErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ingest_flush_errors_total", Help: "Failed attempts to write a batch (offsets stay uncommitted until a retry succeeds).",
		}),
		flushTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "parley_ingest_flush_seconds", Help: "Time to write, fsync and publish one batch.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "parley_ingest_lag_messages", Help: "Messages in the partition not yet read by this process.",
		}, []string{"topic", "partition"}),
		gaps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_ingest_offset_gaps_total", Help: "Ranges of offsets Kafka deleted before ingest read them (each recorded in the lake's _gaps/).",
		}, []string{"topic", "partition"}),
		gapOffsets: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_ingest_offset_gap_messages_total", Help: "Offsets Kafka deleted before ingest read them: messages lost.",
		}, []string{"topic", "partition"}),
		stopped: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "parley_ingest_partition_stopped", Help: "1 while a partition is not read because its lake checkpoint stands above its end (see --reset-partition).",
		}, []string{"topic", "partition"}),
	}
	for _, c := range []prometheus.Collector{m.events, m.deadLetters, m.files, m.flushErrors, m.flushTime, m.lag, m.gaps, m.gapOffsets, m.stopped} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("ingest: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) flushed(b *batch, files int, seconds float64) {
	if m == nil {
		return
	}
	m.events.Add(float64(len(b.rows)))
	for r, n := range b.reasons {
		m.deadLetters.WithLabelValues(string(r)).Add(float64(n))
	}
	m.files.Add(float64(files))
	m.flushTime.Observe(seconds)
	for _, g := range b.gaps {
		p := strconv.Itoa(int(g.Partition))
		m.gaps.WithLabelValues(g.Topic, p).Inc()
		m.gapOffsets.WithLabelValues(g.Topic, p).Add(float64(g.Messages()))
	}
}

func (m *Metrics) flushFailed() {
	if m != nil {
		m.flushErrors.Inc()
	}
}

func (m *Metrics) setLag(topic string, partition int32, lag int64) {
	if m != nil {
		m.lag.WithLabelValues(topic, strconv.Itoa(int(partition))).Set(float64(lag))
	}
}

func (m *Metrics) setStopped(topic string, partition int32, stopped bool) {
	if m == nil {
		return
	}
	v := 0.0
	if stopped {
		v = 1
	}
	m.stopped.WithLabelValues(topic, strconv.Itoa(int(partition))).Set(v)
}

package ingest

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestRunUpdatesMetrics(t *testing.T) {
	b := startBroker(t, 2)
	msgs, _, bad := mixedMessages(t, 300)
	produce(t, b.Addr(), msgs)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: t.TempDir(), UntilIdle: time.Second, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	if got := counterValue(t, m.events); got != float64(st.Events) || got == 0 {
		t.Errorf("events metric = %v, want %d", got, st.Events)
	}
	if got := counterValue(t, m.files); got != float64(st.Files) {
		t.Errorf("files metric = %v, want %d", got, st.Files)
	}
	for reason, n := range bad {
		if got := counterValue(t, m.deadLetters.WithLabelValues(string(reason))); got != float64(n) {
			t.Errorf("dead letters{reason=%s} = %v, want %d", reason, got, n)
		}
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("registering the metrics twice succeeded, want a duplicate-registration error")
	}
}

func counterValue(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		t.Fatal(err)
	}
	return d.GetCounter().GetValue()
}

//go:build soak

package hostile

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// Soak settings. The soak is not part of `make test` (a test that skipped
// itself there would fail CI): it is built only with the soak tag, and
// `make soak` runs it against the built binary.
const (
	soakRate      = 1000 // events per second, produced in 10 ticks
	soakSample    = 5 * time.Second
	soakCompactEv = time.Minute
)

// soakPoint is one scrape of the ingest process's own metrics, plus the lake's file count.
type soakPoint struct {
	at                     time.Duration
	rss, heap              float64
	goroutines, fds, files float64
}

// TestSoak runs `parley ingest` as its own process at a steady load for
// PARLEY_SOAK_DURATION (default 5m), with `parley compact` every minute, and
// checks that after a warm-up its memory stays flat and its goroutines and
// open files do not grow; then that every produced event is in the lake
// exactly once.
func TestSoak(t *testing.T) {
	duration := 5 * time.Minute
	if d := os.Getenv("PARLEY_SOAK_DURATION"); d != "" {
		var err error
		if duration, err = time.ParseDuration(d); err != nil || duration < time.Minute {
			t.Fatalf("PARLEY_SOAK_DURATION=%q: want a Go duration of at least 1m", d)
		}
	}
	bin := os.Getenv("PARLEY_BIN")
	if bin == "" {
		t.Fatal("PARLEY_BIN must name the parley binary (make soak sets it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration+5*time.Minute)
	defer cancel()
	const topic = "soak"
	b, err := broker.Start(ctx, broker.Config{Topics: []string{topic}, Partitions: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	work := t.TempDir()
	root := filepath.Join(work, "lake")

	ing := exec.CommandContext(ctx, bin, "ingest", "--brokers", b.Addr(), "--topic", topic, "--lake", root,
		"--flush-interval", "2s", "--until-idle", "15s", "--metrics-addr", "127.0.0.1:0", "--progress-every", "30s")
	logPath := filepath.Join(work, "ingest.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	ing.Stdout, ing.Stderr = logFile, logFile
	if err := ing.Start(); err != nil {
		t.Fatal(err)
	}
	ingestDone := make(chan error, 1)
	go func() { ingestDone <- ing.Wait() }()
	metricsURL := waitForMetricsURL(t, logPath, ingestDone)

	// Steady load: soakRate events a second, as whole small conversations.
	var produced atomic.Int64
	stopProducing := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: topic, Balancer: &kafka.Murmur2Balancer{}, BatchTimeout: 5 * time.Millisecond, RequiredAcks: kafka.RequireOne}
		defer w.Close()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for conv := 0; ; {
			select {
			case <-stopProducing:
				return
			case <-tick.C:
			}
			var msgs []kafka.Message
			for len(msgs) < soakRate/10 {
				msgs = append(msgs, soakConversation(conv)...)
				conv++
			}
			if err := w.WriteMessages(ctx, msgs...); err != nil {
				t.Errorf("produce: %v", err)
				return
			}
			produced.Add(int64(len(msgs)))
		}
	}()

	var points []soakPoint
	start := time.Now()
	nextCompact := start.Add(soakCompactEv)
	for time.Since(start) < duration {
		select {
		case err := <-ingestDone:
			t.Fatalf("ingest exited during the soak: %v\n%s", err, tail(logPath))
		case <-time.After(soakSample):
		}
		p := scrape(t, metricsURL)
		p.at = time.Since(start)
		p.files = countFiles(t, root)
		points = append(points, p)
		if time.Now().After(nextCompact) {
			if out, err := exec.CommandContext(ctx, bin, "compact", "--lake", root).CombinedOutput(); err != nil {
				t.Fatalf("compact during the soak: %v\n%s", err, out)
			}
			nextCompact = time.Now().Add(soakCompactEv)
		}
	}
	close(stopProducing)
	wg.Wait()
	if err := <-ingestDone; err != nil {
		t.Fatalf("ingest: %v\n%s", err, tail(logPath))
	}

	t.Logf("%8s %9s %9s %6s %5s %6s", "t", "rss MB", "heap MB", "gorout", "fds", "files")
	for _, p := range points {
		t.Logf("%8s %9.1f %9.1f %6.0f %5.0f %6.0f", p.at.Round(time.Second), p.rss/1e6, p.heap/1e6, p.goroutines, p.fds, p.files)
	}
	// Warm-up: the first fifth (at least one minute) fills buffers, pools and
	// the page cache. After it, the last third must not exceed the middle.
	warm := max(time.Minute, duration/5)
	var settled []soakPoint
	for _, p := range points {
		if p.at >= warm {
			settled = append(settled, p)
		}
	}
	if len(settled) < 6 {
		t.Fatalf("only %d samples after warm-up", len(settled))
	}
	early, late := settled[:len(settled)/3], settled[len(settled)*2/3:]
	peak := func(ps []soakPoint, f func(soakPoint) float64) float64 {
		return slices.Max(func() []float64 {
			var v []float64
			for _, p := range ps {
				v = append(v, f(p))
			}
			return v
		}())
	}
	checks := []struct {
		name    string
		f       func(soakPoint) float64
		allowed func(early float64) float64
	}{
		// Memory: 20% (or 16 MB) of headroom for GC timing and batch sizes.
		{"resident memory", func(p soakPoint) float64 { return p.rss }, func(e float64) float64 { return max(e*1.2, e+16e6) }},
		{"Go heap in use", func(p soakPoint) float64 { return p.heap }, func(e float64) float64 { return max(e*1.2, e+16e6) }},
		{"goroutines", func(p soakPoint) float64 { return p.goroutines }, func(e float64) float64 { return e + 5 }},
		{"open files", func(p soakPoint) float64 { return p.fds }, func(e float64) float64 { return e + 5 }},
	}
	for _, c := range checks {
		e, l := peak(early, c.f), peak(late, c.f)
		if l > c.allowed(e) {
			t.Errorf("%s grew: peak %.0f after warm-up, %.0f at the end (allowed %.0f)", c.name, e, l, c.allowed(e))
		}
	}

	db, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, distinct int64
	if err := db.QueryRow("SELECT count(*), count(DISTINCT event_id) FROM read_parquet(?)", lake.EventsGlob(root)).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != produced.Load() || distinct != rows {
		t.Errorf("lake holds %d rows (%d distinct) of %d produced: want each exactly once", rows, distinct, produced.Load())
	}
	t.Logf("soak: %s at %d events/s, %d events, exactly once", duration, soakRate, rows)
}

// soakConversation is one small conversation: started, two messages, resolved.
func soakConversation(n int) []kafka.Message {
	day := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second)
	conv := fmt.Sprintf("soak-%d", n)
	var msgs []kafka.Message
	for i, typ := range []string{"conversation_started", "message", "message", "resolved"} {
		role, text := "customer", `,"message":{"text":"Where is my order? It was due yesterday."}`
		if i >= 2 {
			role, text = "agent", `,"message":{"text":"Sorry about that, it ships today."}`
		}
		if typ != "message" {
			text = ""
		}
		v := fmt.Sprintf(`{"event_id":"%s-%d","conversation_id":%q,"type":%q,"occurred_at":%q,"channel":"webchat","queue":"support","actor":{"role":%q,"id":"%s-%s"}%s}`,
			conv, i, conv, typ, day.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), role, role, conv, text)
		msgs = append(msgs, kafka.Message{Key: []byte(conv), Value: []byte(v)})
	}
	return msgs
}

var metricsURLRe = regexp.MustCompile(`serving metrics at (http://\S+/metrics)`)

// waitForMetricsURL reads the address ingest's metrics server took from its log.
func waitForMetricsURL(t *testing.T, logPath string, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("ingest exited at start: %v\n%s", err, tail(logPath))
		case <-time.After(100 * time.Millisecond):
		}
		b, _ := os.ReadFile(logPath) // not there yet is fine: retry
		if m := metricsURLRe.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	t.Fatalf("ingest did not log its metrics address\n%s", tail(logPath))
	return ""
}

// scrape reads the process gauges from ingest's Prometheus endpoint.
func scrape(t *testing.T, url string) soakPoint {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	want := map[string]*float64{}
	var p soakPoint
	want["process_resident_memory_bytes"] = &p.rss
	want["go_memstats_heap_inuse_bytes"] = &p.heap
	want["go_goroutines"] = &p.goroutines
	want["process_open_fds"] = &p.fds
	sc := bufio.NewScanner(resp.Body)
	found := 0
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if dst, hit := want[name]; ok && hit {
			v, err := strconv.ParseFloat(val, 64)
			if err != nil {
				t.Fatalf("scrape %s: %s: %v", url, sc.Text(), err)
			}
			*dst = v
			found++
		}
	}
	if err := sc.Err(); err != nil || found != len(want) {
		t.Fatalf("scrape %s: found %d of %d gauges (%v)", url, found, len(want), err)
	}
	return p
}

// countFiles counts the lake's complete events files.
func countFiles(t *testing.T, root string) float64 {
	t.Helper()
	m, err := filepath.Glob(lake.EventsGlob(root))
	if err != nil {
		t.Fatal(err)
	}
	return float64(len(m))
}

// tail is the end of a log, for failure messages.
func tail(path string) string {
	b, _ := os.ReadFile(path) // best effort: the log only decorates a failure
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/runner"
)

// generous bounds the waits of the run and serve tests: long enough for a
// loaded machine, and no test depends on how fast anything happens.
const generous = 3 * time.Minute

// syncBuffer is a bytes.Buffer safe for the log of a command running in
// another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningCmd is parley run (or serve) running in-process until stop.
type runningCmd struct {
	log  *syncBuffer
	url  string // the address it said it serves at
	stop func() error
}

// startCmd runs the CLI with args in-process and waits for it to say the
// URL it serves at (run's "serving health and metrics at http://...",
// serve's log url=http://...).
func startCmd(t *testing.T, args ...string) *runningCmd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncBuffer{}
	cmd := newRootCmd()
	cmd.SetOut(log)
	cmd.SetErr(log)
	cmd.SetArgs(args)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	rc := &runningCmd{log: log}
	var once sync.Once
	var result error
	rc.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(generous):
				result = fmt.Errorf("parley %s did not stop:\n%s", args[0], log.String())
			}
		})
		return result
	}
	t.Cleanup(func() { rc.stop() }) //nolint:errcheck // the tests check it themselves
	re := regexp.MustCompile(`url=(https?://[0-9.:]+)`)
	if args[0] == "run" {
		re = regexp.MustCompile(`(?m)^serving health and metrics at (http://[0-9.:]+);`)
	}
	eventually(t, "parley "+args[0]+" to listen", func() bool {
		select {
		case err := <-done:
			t.Fatalf("parley %s ended: %v\n%s", args[0], err, log.String())
		default:
		}
		if m := re.FindStringSubmatch(log.String()); m != nil {
			rc.url = m[1]
			return true
		}
		return false
	})
	return rc
}

// eventually waits, at most generous, for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(generous); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// runStatus is a stage of parley run's /readyz.
func runStatus(t *testing.T, url, stage string) (runner.StageStatus, bool) {
	t.Helper()
	_, body := httpGet(t, url+"/readyz")
	var r struct {
		Ready  bool                 `json:"ready"`
		Stages []runner.StageStatus `json:"stages"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("/readyz: %v: %s", err, body)
	}
	for _, s := range r.Stages {
		if s.Name == stage {
			return s, r.Ready
		}
	}
	t.Fatalf("/readyz has no stage %s: %s", stage, body)
	return runner.StageStatus{}, false
}

// builtOK is the number of builds that have succeeded.
func builtOK(t *testing.T, url string) int64 {
	s, _ := runStatus(t, url, "build")
	n := s.Runs - s.Errors
	if s.Running {
		n--
	}
	return n
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "parley.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunKeepsTheNowPageFresh runs parley run against the in-process
// broker while a producer writes a new conversation every 100 ms, each in
// a queue of its own: each conversation shows in the Now page at most two
// builds after it was produced (the build that was running may have missed
// it; the next one has it). The metrics and readiness say so, and SIGTERM
// (the context's end) stops everything cleanly. Without -v, run says
// where it serves and what it keeps fresh, and when it stops how often
// each stage ran, and logs no INFO line (it logged each stage's every
// start and end).
func TestRunKeepsTheNowPageFresh(t *testing.T) {
	b, err := broker.Start(context.Background(), broker.Config{Partitions: 1, Topics: []string{"events"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	if err := os.Mkdir(lake, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, fmt.Sprintf(`lake: %s
run:
  build_every: 2s
  ingest: {brokers: [%s], topic: events, flush_interval: 100ms}
`, lake, b.Addr()))
	run := startCmd(t, "run", "--config", cfg, "--listen", "127.0.0.1:0")

	w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: "events", BatchTimeout: time.Millisecond}
	t.Cleanup(func() { w.Close() })
	var produced atomic.Int64
	stopProducing := make(chan struct{})
	producerDone := make(chan error, 1)
	go func() {
		for n := int64(1); ; n++ {
			at := time.Now().UTC().Format(time.RFC3339Nano)
			conv := fmt.Sprintf("live-%d", n)
			msgs := []kafka.Message{
				{Value: fmt.Appendf(nil, `{"event_id":"%s-1","conversation_id":"%s","type":"conversation_started","occurred_at":"%s","channel":"webchat","queue":"%s","actor":{"role":"customer","id":"cust-%d"}}`, conv, conv, at, conv, n)},
				{Value: fmt.Appendf(nil, `{"event_id":"%s-2","conversation_id":"%s","type":"message","occurred_at":"%s","channel":"webchat","queue":"%s","actor":{"role":"customer","id":"cust-%d"},"message":{"text":"hello"}}`, conv, conv, at, conv, n)},
			}
			if err := w.WriteMessages(context.Background(), msgs...); err != nil {
				producerDone <- err
				return
			}
			produced.Store(n)
			select {
			case <-stopProducing:
				producerDone <- nil
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()

	nowPage := filepath.Join(dir, "report", "now.html")
	for range 3 {
		eventually(t, "the producer", func() bool { return produced.Load() > 0 })
		n, before := produced.Load(), builtOK(t, run.url)
		queue := fmt.Sprintf(">live-%d<", n)
		eventually(t, "live-"+fmt.Sprint(n)+" on the Now page", func() bool {
			page, err := os.ReadFile(nowPage)
			return err == nil && bytes.Contains(page, []byte(queue))
		})
		if builds := builtOK(t, run.url) - before; builds > 2 {
			t.Errorf("live-%d reached the Now page after %d builds, want at most 2", n, builds)
		}
	}
	close(stopProducing)
	if err := <-producerDone; err != nil {
		t.Fatal(err)
	}
	if _, ready := runStatus(t, run.url, "report"); !ready {
		t.Error("/readyz is not ready after builds and reports succeeded")
	}
	code, metrics := httpGet(t, run.url+"/metrics")
	for _, series := range []string{`parley_run_stage_last_success_timestamp_seconds{stage="build"}`, `parley_run_stage_last_duration_seconds{stage="report"}`,
		`parley_run_stage_errors_total{stage="ingest"} 0`, "parley_run_data_freshness_seconds", "parley_ingest_events_total"} {
		if code != http.StatusOK || !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	if err := run.stop(); err != nil {
		t.Fatalf("parley run: %v\n%s", err, run.log)
	}
	said := regexp.MustCompile(`^serving health and metrics at ` + regexp.QuoteMeta(run.url) + `; lake ` + regexp.QuoteMeta(lake) +
		`, warehouse ` + regexp.QuoteMeta(filepath.Join(dir, "warehouse.duckdb")) + `, reports ` + regexp.QuoteMeta(filepath.Join(dir, "report")) + `, built every 2s\n` +
		`(?s:.*)stopped: ingest 1 runs \(0 failed\), build [1-9]\d* runs \(\d+ failed\), report [1-9]\d* runs \(\d+ failed\)\n$`)
	if out := run.log.String(); !said.MatchString(out) || strings.Contains(out, "level=INFO") {
		t.Errorf("parley run said:\n%s\nwant where it serves, then how often each stage ran when it stopped, and no INFO log", out)
	}
}

// TestRunRetriesAFailingStage: the reports cannot be written (a folder
// holds the name of the Now page), so the report stage fails; it is retried
// and reported (/readyz 503 with the error, the error counters) while builds
// go on; once the folder is gone the next retry writes the reports. The
// QA and retention stages run on their cron schedules meanwhile.
func TestRunRetriesAFailingStage(t *testing.T) {
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lake, metricsFixture("async.jsonl"))
	blocker := filepath.Join(dir, "report", "now.html")
	if err := os.MkdirAll(blocker, 0o755); err != nil {
		t.Fatal(err)
	}
	// QA samples and retention every second (robfig's @every): wired to
	// qa.Sample and governance.Retention, retried until the first build
	// gives the sample a warehouse.
	cfg := writeConfig(t, dir, "lake: "+lake+"\nrun: {build_every: 1s, qa: {schedule: '@every 1s', size: 2}, retention: {schedule: '@every 1s', keep: 36500d}}\n")
	run := startCmd(t, "run", "--config", cfg, "--listen", "127.0.0.1:0")

	eventually(t, "the reports to fail twice", func() bool { s, _ := runStatus(t, run.url, "report"); return s.Errors >= 2 })
	s, ready := runStatus(t, run.url, "report")
	if ready || !s.Failing || !strings.Contains(s.LastError, "now.html") {
		t.Errorf("/readyz: ready %v, report %+v; want not ready, failing with an error naming now.html", ready, s)
	}
	_, metrics := httpGet(t, run.url+"/metrics")
	if !strings.Contains(metrics, `parley_run_stage_failing{stage="report"} 1`) {
		t.Errorf("/metrics does not show the report failing")
	}
	if !strings.Contains(run.log.String(), `level=ERROR msg="run: stage failed; retrying with backoff, the other stages go on" stage=report`) {
		t.Errorf("the failure is not logged at ERROR:\n%s", run.log)
	}
	builds := builtOK(t, run.url)
	eventually(t, "builds to go on meanwhile", func() bool { return builtOK(t, run.url) > builds })

	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the reports to be written", func() bool { s, ready := runStatus(t, run.url, "report"); return ready && !s.Failing })
	if fi, err := os.Stat(blocker); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("now.html after the retry: %v", err)
	}
	eventually(t, "a QA packet", func() bool {
		packets, _ := filepath.Glob(filepath.Join(dir, "qa", "*", "manifest.jsonl")) //nolint:errcheck // a constant pattern
		return len(packets) >= 1
	})
	eventually(t, "a retention run in the audit log", func() bool {
		audit, err := os.ReadFile(filepath.Join(lake, "_audit", "audit.jsonl"))
		return err == nil && bytes.Contains(audit, []byte(`"action":"retention"`)) && bytes.Contains(audit, []byte(`"reason":"parley run: run.retention"`))
	})
	if err := run.stop(); err != nil {
		t.Fatalf("parley run: %v\n%s", err, run.log)
	}
}

// TestRunStopsOnSIGTERMMidBuild runs parley run as a process of its own
// (the test binary as the CLI), sends it SIGTERM while its first build
// updates a warehouse, and checks that it exits 0 having abandoned the
// build: no half-built file left, the previous warehouse intact (same
// events, invariants hold), and a later build from the same lake complete.
func TestRunStopsOnSIGTERMMidBuild(t *testing.T) {
	dir := t.TempDir()
	lake, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	first, second := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	mustParley(t, "generate", "--days", "2", "--per-day", "500", "--start", "2026-03-01", "--out", first)
	mustParley(t, "generate", "--days", "2", "--per-day", "2000", "--start", "2026-03-03", "--seed", "2", "--out", second)
	mustParley(t, "import", "--lake", lake, first)
	mustParley(t, "build", "--lake", lake)
	before := warehouseCounts(t, db)
	mustParley(t, "import", "--lake", lake, second)
	cfg := writeConfig(t, dir, "lake: "+lake+"\nrun: {build_every: 1h}\n")

	var log bytes.Buffer
	cmd := exec.Command(os.Args[0], "run", "--config", cfg, "--listen", "127.0.0.1:0", "-v")
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	building := db + ".building"
	eventually(t, "the build to start updating a copy", func() bool {
		_, err := os.Stat(building)
		return err == nil
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("parley run exited with %v after SIGTERM, want 0:\n%s", err, log.String())
		}
	case <-time.After(generous):
		cmd.Process.Kill() //nolint:errcheck // the test fails anyway
		t.Fatalf("parley run did not exit after SIGTERM:\n%s", log.String())
	}
	out := log.String()
	if !strings.Contains(out, `msg="run: stage abandoned on shutdown" stage=build`) || !strings.Contains(out, "run: stopped") {
		t.Fatalf("the build was not abandoned mid-way, or the run did not stop cleanly:\n%s", out)
	}
	for _, leftover := range []string{building, building + ".wal"} {
		if _, err := os.Stat(leftover); err == nil {
			t.Errorf("%s left behind", leftover)
		}
	}
	if after := warehouseCounts(t, db); after != before {
		t.Errorf("the warehouse changed: %v, was %v", after, before)
	}
	checkInvariants(t, db)
	mustParley(t, "build", "--lake", lake)
	if after := warehouseCounts(t, db); after.events <= before.events {
		t.Errorf("the next build holds %d events, no more than before (%d)", after.events, before.events)
	}
	checkInvariants(t, db)
}

type counts struct{ events, conversations int64 }

func warehouseCounts(t *testing.T, db string) counts {
	t.Helper()
	out := mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT events, conversations FROM warehouse_info")
	var c counts
	if _, err := fmt.Sscanf(strings.Split(strings.TrimSpace(out), "\n")[1], "%d,%d", &c.events, &c.conversations); err != nil {
		t.Fatalf("warehouse_info: %v: %s", err, out)
	}
	return c
}

// TestFiringSeed: the first firing of a local day keeps qa sample's default seed, the date
// (a daily schedule's packets keep their folder names, <date>-<date>); a later one of the same
// day takes its local time, YYYYMMDDHHMMSS.
func TestFiringSeed(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		schedule string
		at       time.Time
		want     uint64
	}{
		{"0 6 * * *", time.Date(2026, 3, 20, 6, 0, 0, 0, berlin), 20260320},
		{"0 6,18 * * *", time.Date(2026, 3, 20, 6, 0, 0, 0, berlin), 20260320},
		{"0 6,18 * * *", time.Date(2026, 3, 20, 18, 0, 0, 0, berlin), 20260320180000},
		{"0 0 * * *", time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), 20260329},
		{"*/30 * * * *", time.Date(2026, 3, 29, 0, 30, 0, 0, berlin), 20260329003000},
		{"*/30 * * * *", time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), 20260329},
	} {
		sched, err := config.ParseSchedule(c.schedule)
		if err != nil {
			t.Fatal(err)
		}
		if got := firingSeed(sched, c.at); got != c.want {
			t.Errorf("firingSeed(%q, %s) = %d, want %d", c.schedule, c.at, got, c.want)
		}
	}
}

// TestRunQAEachFiringItsOwnSample: every firing of run.qa.schedule samples its own run, named
// by the time it was due (<date>-<YYYYMMDDHHMMSS>), skipping what the earlier firings sampled.
// The firings of a day used to share the default seed, the run date: the second one was a
// rerun of the first, refused and retried all day once the data changed its period or picks.
func TestRunQAEachFiringItsOwnSample(t *testing.T) {
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lake, metricsFixture("async.jsonl"))
	cfg := writeConfig(t, dir, "lake: "+lake+"\nrun: {build_every: 1s, qa: {schedule: '@every 1s', size: 1}}\n")
	run := startCmd(t, "run", "--config", cfg, "--listen", "127.0.0.1:0")
	var packets []string
	eventually(t, "two QA packets", func() bool {
		packets, _ = filepath.Glob(filepath.Join(dir, "qa", "*", "manifest.jsonl")) //nolint:errcheck // a constant pattern
		return len(packets) >= 2
	})
	if err := run.stop(); err != nil {
		t.Fatalf("parley run: %v\n%s", err, run.log)
	}
	name := regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})-(\d{8}|\d{14})$`)
	var sampled []string
	for _, p := range packets[:2] {
		run := filepath.Base(filepath.Dir(p))
		m := name.FindStringSubmatch(run)
		if m == nil || m[4][:8] != m[1]+m[2]+m[3] {
			t.Errorf("packet %s: want <date>-<seed>, the seed the firing's local time YYYYMMDDHHMMSS of that date", run)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var row struct {
			ConversationID string `json:"conversation_id"`
		}
		if err := json.Unmarshal(bytes.SplitN(b, []byte("\n"), 2)[0], &row); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		sampled = append(sampled, row.ConversationID)
	}
	if sampled[0] == sampled[1] {
		t.Errorf("both firings sampled %s; the second should skip what the first sampled", sampled[0])
	}
}

// TestRunQAWithNothingToSample: a QA schedule on data whose only conversations start on the
// day of the last event (not over, so outside the default period) writes no packet and logs
// a WARN, and the qa stage is not failing (qa.Sample's error would be retried as a failure).
func TestRunQAWithNothingToSample(t *testing.T) {
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	input := filepath.Join(dir, "today.jsonl")
	if err := os.WriteFile(input, []byte(`{"event_id":"t-1","conversation_id":"c-today","type":"conversation_started","occurred_at":"2026-05-04T09:00:00Z","channel":"webchat","queue":"support","actor":{"role":"customer","id":"cust-1"}}
{"event_id":"t-2","conversation_id":"c-today","type":"message","occurred_at":"2026-05-04T09:00:00Z","channel":"webchat","queue":"support","actor":{"role":"customer","id":"cust-1"},"message":{"text":"hello"}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustParley(t, "import", "--lake", lake, input)
	cfg := writeConfig(t, dir, "lake: "+lake+"\nrun: {build_every: 1s, qa: {schedule: '@every 1s', size: 2}}\n")
	run := startCmd(t, "run", "--config", cfg, "--listen", "127.0.0.1:0")
	eventually(t, "the QA stage to run after a build", func() bool {
		return strings.Contains(run.log.String(), "run: no QA sample: the period holds no conversations")
	})
	// (It fails, and is retried, until the first build gives it a warehouse.)
	eventually(t, "the qa stage to succeed", func() bool { s, _ := runStatus(t, run.url, "qa"); return !s.Failing && !s.LastSuccess.IsZero() })
	if packets, _ := filepath.Glob(filepath.Join(dir, "qa", "*")); len(packets) > 0 { //nolint:errcheck // a constant pattern
		t.Errorf("packets written: %v", packets)
	}
	if err := run.stop(); err != nil {
		t.Fatalf("parley run: %v\n%s", err, run.log)
	}
}

// TestRunBuildWhileManualBuildRuns: a build by hand holds the warehouse
// (held inside its build, in its first progress line) while parley run
// comes to build the same warehouse. Run's build fails at once with the
// message naming the other build, logged at ERROR, and is retried; once
// the manual build has ended, run's next build succeeds.
func TestRunBuildWhileManualBuildRuns(t *testing.T) {
	dir := t.TempDir()
	lake, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	mustParley(t, "import", "--lake", lake, metricsFixture("async.jsonl"))

	inside, release := make(chan struct{}), make(chan struct{})
	manual := make(chan error, 1)
	go func() {
		var once bool
		_, err := build.Run(context.Background(), build.Config{Lake: lake, DB: db, Progress: func(string) {
			if !once {
				once = true
				close(inside)
				<-release
			}
		}})
		manual <- err
	}()
	select {
	case <-inside:
	case err := <-manual:
		t.Fatalf("the manual build ended before it reported progress: %v", err)
	}

	cfg := writeConfig(t, dir, "lake: "+lake+"\nrun: {build_every: 1s}\n")
	run := startCmd(t, "run", "--config", cfg, "--listen", "127.0.0.1:0")
	eventually(t, "run's build to fail twice", func() bool { s, _ := runStatus(t, run.url, "build"); return s.Errors >= 2 })
	want := fmt.Sprintf("another build of %s is running (pid %d)", db, os.Getpid())
	if s, ready := runStatus(t, run.url, "build"); ready || !s.Failing || !strings.Contains(s.LastError, want) {
		t.Errorf("/readyz: ready %v, build %+v; want failing with %q", ready, s, want)
	}
	if log := run.log.String(); !strings.Contains(log, `level=ERROR msg="run: stage failed; retrying with backoff, the other stages go on" stage=build`) || !strings.Contains(log, want) {
		t.Errorf("the refused build is not logged at ERROR with %q:\n%s", want, log)
	}

	close(release)
	if err := <-manual; err != nil {
		t.Fatalf("the manual build: %v", err)
	}
	eventually(t, "run's build to succeed", func() bool { s, _ := runStatus(t, run.url, "build"); return builtOK(t, run.url) > 0 && !s.Failing })
	if err := run.stop(); err != nil {
		t.Fatalf("parley run: %v\n%s", err, run.log)
	}
}

// TestRunReportsAnIngestOutage: with run.ingest at a port nobody listens
// on, ingest keeps retrying inside one run, so only its own reports tell
// of the outage: the stage is failing (/readyz 503, the failing series,
// errors counted) with no last success, though builds and reports go on;
// once a broker listens there, ingest joins and the stage recovers.
func TestRunReportsAnIngestOutage(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lake, metricsFixture("async.jsonl"))
	cfg := writeConfig(t, dir, fmt.Sprintf("lake: %s\nrun:\n  build_every: 1s\n  ingest: {brokers: ['127.0.0.1:%d'], topic: events}\n", lake, port))
	run := startCmd(t, "run", "--config", cfg, "--listen", "127.0.0.1:0")

	eventually(t, "a build and the reports", func() bool { s, _ := runStatus(t, run.url, "report"); return !s.LastSuccess.IsZero() })
	eventually(t, "ingest to report failures", func() bool { s, _ := runStatus(t, run.url, "ingest"); return s.Errors >= 2 })
	s, ready := runStatus(t, run.url, "ingest")
	if ready || !s.Failing || s.LastError == "" || !s.LastSuccess.IsZero() {
		t.Errorf("/readyz during the outage: ready %v, ingest %+v; want not ready, ingest failing with its error and no last success", ready, s)
	}
	_, metrics := httpGet(t, run.url+"/metrics")
	for _, series := range []string{`parley_run_stage_failing{stage="ingest"} 1`, `parley_run_stage_last_success_timestamp_seconds{stage="ingest"} 0`} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics during the outage lacks %s", series)
		}
	}
	if strings.Contains(metrics, `parley_run_stage_errors_total{stage="ingest"} 0`) {
		t.Error("/metrics counts no ingest errors during the outage")
	}

	b, err := broker.Start(context.Background(), broker.Config{Partitions: 1, Topics: []string{"events"}, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	eventually(t, "ingest to recover", func() bool {
		s, ready := runStatus(t, run.url, "ingest")
		return ready && !s.Failing && !s.LastSuccess.IsZero()
	})
	if err := run.stop(); err != nil {
		t.Fatalf("parley run: %v\n%s", err, run.log)
	}
}

//go:build linux

// Package ingestbench measures `parley ingest` against the floor of raw kafka-go consumption of the same topic, in the same run.
// It reads CPU time from getrusage and peak memory from /proc, so it is built on Linux only.
package ingestbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/event"
)

const (
	topic      = "conversation-events"
	partitions = 4
	// untilIdle ends each ingest run; it is subtracted from the measured time.
	untilIdle = 300 * time.Millisecond
	// flushRows is below the smallest topic size, so every size runs at the
	// same memory budget and peak heap must stay flat as the topic grows.
	flushRows = 16_000
)

var words = strings.Fields(`hi there my order has not arrived yet and the tracking page says delivered
can you check the refund for invoice please I was charged twice this month thanks for waiting
let me look into that for you I have escalated the ticket to billing the parcel is with the courier`)

// realisticEvent is a ~400-byte message event with free text, like the demo's.
func realisticEvent(rng *rand.Rand, i int) []byte {
	var text strings.Builder
	for text.Len() < 160 {
		text.WriteString(words[rng.IntN(len(words))])
		text.WriteByte(' ')
	}
	ev := event.Event{
		EventID:        fmt.Sprintf("3f6c1a2e-%08x-4b1d-9c7e-%012x", i, rng.Int64N(1<<40)),
		ConversationID: fmt.Sprintf("conv-%08d", i/12),
		Type:           event.MessageSent,
		OccurredAt:     time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 3 * time.Second),
		Channel:        event.WhatsApp,
		Actor:          &event.Actor{Role: event.RoleAgent, ID: fmt.Sprintf("agent-%03d", rng.IntN(120))},
		Queue:          "billing",
		Message:        &event.Message{Text: text.String()},
		Attributes:     map[string]string{"locale": "en-GB", "plan": "pro"},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

// loadedBroker starts a broker holding n realistic events.
func loadedBroker(b *testing.B, n int) (*broker.Broker, int64) {
	b.Helper()
	br, err := broker.Start(context.Background(), broker.Config{Partitions: partitions, Topics: []string{topic}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(br.Close)
	w := &kafka.Writer{Addr: kafka.TCP(br.Addr()), Topic: topic, Balancer: &kafka.RoundRobin{}, BatchSize: 5000, BatchBytes: 8 << 20, BatchTimeout: 10 * time.Millisecond, Compression: kafka.Lz4}
	rng := rand.New(rand.NewPCG(1, 1))
	var bytes int64
	msgs := make([]kafka.Message, 0, 5000)
	for i := range n {
		v := realisticEvent(rng, i)
		bytes += int64(len(v))
		msgs = append(msgs, kafka.Message{Value: v})
		if len(msgs) == cap(msgs) || i == n-1 {
			if err := w.WriteMessages(context.Background(), msgs...); err != nil {
				b.Fatal(err)
			}
			msgs = msgs[:0]
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return br, bytes
}

// rawConsume reads every message of every partition with kafka-go and
// does nothing else: the floor any Kafka sink built on kafka-go stands on.
func rawConsume(b *testing.B, addr string, n int) time.Duration {
	b.Helper()
	start := time.Now()
	var wg sync.WaitGroup
	var got atomic.Int64
	for p := range partitions {
		wg.Go(func() {
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{addr}, Topic: topic, Partition: p, MinBytes: 1, MaxBytes: ingest.FetchMaxBytes, MaxWait: 250 * time.Millisecond})
			defer r.Close()
			for {
				m, err := r.FetchMessage(context.Background())
				if err != nil {
					b.Error(err)
					return
				}
				got.Add(1)
				if m.Offset+1 >= m.HighWaterMark {
					return
				}
			}
		})
	}
	wg.Wait()
	if got.Load() != int64(n) {
		b.Fatalf("raw consume read %d messages, want %d", got.Load(), n)
	}
	return time.Since(start)
}

// helperEnv makes the test binary run ingest alone, so that its peak RSS
// is measured without the in-process broker holding the whole topic.
const helperEnv = "PARLEY_INGESTBENCH_HELPER"

func TestMain(m *testing.M) {
	if addr := os.Getenv(helperEnv); addr != "" {
		os.Exit(helperMain(addr))
	}
	os.Exit(m.Run())
}

// profileEnv, if set in the benchmark's environment, names a file that
// receives the CPU profile of the ingest process (the part worth profiling;
// -test.cpuprofile would profile the broker and the raw floor instead).
const profileEnv = "PARLEY_INGESTBENCH_CPUPROFILE"

// memProfileEnv, likewise, names a file that receives the ingest process's
// allocation profile (go tool pprof -sample_index=alloc_space), written
// when ingest returns.
const memProfileEnv = "PARLEY_INGESTBENCH_MEMPROFILE"

func helperMain(addr string) int {
	if path := os.Getenv(profileEnv); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if path := os.Getenv(memProfileEnv); path != "" {
		defer func() {
			if err := writeHeapProfile(path); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}()
	}
	st, err := ingest.Run(context.Background(), ingest.Config{
		Brokers: []string{addr}, Topic: topic, Group: os.Getenv(helperEnv + "_GROUP"),
		Lake: os.Getenv(helperEnv + "_LAKE"), UntilIdle: untilIdle, FlushRows: flushRows,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	hwm, err := peakRSS()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	size, err := treeSize(os.Getenv(helperEnv + "_LAKE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(st.Events, hwm, size)
	return 0
}

// writeHeapProfile writes the allocations made so far to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memory profile: %w", err)
	}
	return errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
}

// treeSize is the bytes of the files under dir.
func treeSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		size += info.Size()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("lake size: %w", err)
	}
	return size, nil
}

// selfCPU is the user and system time this process has used so far: the
// broker's and, during raw consume, the readers'.
func selfCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is this process's peak resident set in bytes (VmHWM). Not
// rusage's maxrss: Go starts children with vfork, and Linux carries the
// parent's peak (here the broker holding the whole topic) into the child's
// maxrss at execve, while VmHWM belongs to the child's own memory.
func peakRSS() (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(rest, "%d kB", &kib); err != nil {
				return 0, fmt.Errorf("peak RSS: parse %q: %w", line, err)
			}
			return kib << 10, nil
		}
	}
	return 0, errors.New("peak RSS: no VmHWM in /proc/self/status")
}

// ingestRun is what one ingest process did and cost.
type ingestRun struct {
	events  int64
	elapsed time.Duration // wall time less the idle wait
	cpu     time.Duration // user + system, all threads
	peakRSS int64         // bytes
	lake    int64         // bytes written to the lake; 0 from a baseline that does not say
}

// baselineEnv, if set, names a test binary of this package built from
// another commit (go test -c -o base.test ./bench/ingestbench). Each round
// then also runs its ingest on the same topic, in alternating order with
// this one's, and reports its figures beside them: a comparison that the
// load of a shared machine disturbs far less than two separate runs.
const baselineEnv = "PARLEY_INGESTBENCH_BASELINE"

// ingestProcess runs ingest in a child process of the test binary bin and
// measures it; only the binary under test (os.Args[0]) gets the profiles.
func ingestProcess(b *testing.B, bin, addr, group string) ingestRun {
	b.Helper()
	cmd := exec.Command(bin, "-test.run=^$", "-test.bench=^$")
	for _, kv := range os.Environ() {
		if bin != os.Args[0] && (strings.HasPrefix(kv, profileEnv+"=") || strings.HasPrefix(kv, memProfileEnv+"=")) {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, helperEnv+"="+addr, helperEnv+"_GROUP="+group, helperEnv+"_LAKE="+b.TempDir())
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	elapsed := time.Since(start) - untilIdle
	if err != nil {
		b.Fatalf("ingest process: %v", err)
	}
	var events, hwm, size int64
	if n, err := fmt.Sscan(string(out), &events, &hwm, &size); n < 2 {
		b.Fatalf("ingest process printed %q: %v", out, err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return ingestRun{
		events:  events,
		elapsed: elapsed,
		cpu:     time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		peakRSS: hwm,
		lake:    size,
	}
}

// BenchmarkIngest reports ingest's rate from a loaded topic to durable
// Parquet next to the raw consume floor measured on the same topic. The
// sizes grow 10× per step, so their peak RSS shows whether memory stays flat
// as the topic grows; the first is over before the heap reaches its level.
func BenchmarkIngest(b *testing.B) {
	sizes := []int{20_000, 200_000, 2_000_000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			br, size := loadedBroker(b, n)
			b.SetBytes(size)
			baseline := os.Getenv(baselineEnv)
			var raw, ing, cpu, rawCPU, brokerCPU, baseWall, baseCPU time.Duration
			var peak, basePeak, lakeBytes int64
			for i := 0; b.Loop(); i++ {
				before := selfCPU(b)
				raw += rawConsume(b, br.Addr(), n)
				mid := selfCPU(b)
				// The baseline goes first in odd rounds, second in even ones.
				if baseline != "" && i%2 == 1 {
					base := ingestProcess(b, baseline, br.Addr(), fmt.Sprint("baseline-", i))
					baseWall, baseCPU, basePeak = baseWall+base.elapsed, baseCPU+base.cpu, max(basePeak, base.peakRSS)
					mid = selfCPU(b)
				}
				run := ingestProcess(b, os.Args[0], br.Addr(), fmt.Sprint("bench-", i))
				rawCPU += mid - before
				brokerCPU += selfCPU(b) - mid
				if baseline != "" && i%2 == 0 {
					base := ingestProcess(b, baseline, br.Addr(), fmt.Sprint("baseline-", i))
					baseWall, baseCPU, basePeak = baseWall+base.elapsed, baseCPU+base.cpu, max(basePeak, base.peakRSS)
				}
				ing += run.elapsed
				cpu += run.cpu
				peak = max(peak, run.peakRSS)
				lakeBytes = run.lake
				if run.events != int64(n) {
					b.Fatalf("ingested %d events, want %d", run.events, n)
				}
			}
			rawRate := float64(n*b.N) / raw.Seconds()
			ingRate := float64(n*b.N) / ing.Seconds()
			b.ReportMetric(rawRate, "raw-events/s")
			b.ReportMetric(ingRate, "ingest-events/s")
			b.ReportMetric(ingRate/rawRate, "ingest/raw")
			b.ReportMetric(float64(peak)/(1<<20), "ingest-peak-RSS-MB")
			b.ReportMetric(float64(lakeBytes)/float64(n), "lake-bytes/event")
			// CPU time per event depends far less on the other load of a
			// shared machine than the rates do.
			perEvent := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(n*b.N) }
			b.ReportMetric(perEvent(cpu), "ingest-CPU-µs/event")
			// What 60 % of the raw rate would allow: the cores' time over
			// raw/0.6 of wall, less what the broker in this process spent
			// serving ingest's fetches. Raw consume's own CPU (readers and
			// broker together) is the floor's cost per event.
			b.ReportMetric(perEvent(rawCPU), "raw-CPU-µs/event")
			b.ReportMetric(perEvent(brokerCPU), "broker-CPU-µs/event")
			budget := float64(runtime.NumCPU())*perEvent(raw)/0.6 - perEvent(brokerCPU)
			b.ReportMetric(budget, "ingest-CPU-budget-at-60%-µs/event")
			if baseline != "" {
				b.ReportMetric(float64(n*b.N)/baseWall.Seconds(), "baseline-events/s")
				b.ReportMetric(perEvent(baseCPU), "baseline-CPU-µs/event")
				b.ReportMetric(float64(basePeak)/(1<<20), "baseline-peak-RSS-MB")
			}
		})
	}
}

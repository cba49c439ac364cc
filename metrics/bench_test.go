package metrics_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/metrics"
	"github.com/parley-cx/parley/transform"
)

// syntheticEvents makes about n events of varied conversations over 60 days, from a fixed seed.
func syntheticEvents(n int) []event.Event {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	for i := 0; len(evs) < n; i++ {
		d := drivers{
			replyAfter:   time.Duration(15+rng.IntN(120)) * time.Minute,
			agents:       1 + rng.IntN(2),
			bots:         rng.IntN(3),
			automated:    rng.IntN(2),
			transfers:    rng.IntN(2),
			escalations:  rng.IntN(2),
			customerMsgs: 1 + rng.IntN(4),
			repeat:       rng.IntN(20) == 0,
		}
		d.resolveAfter = d.replyAfter + time.Duration(20+rng.IntN(600))*time.Minute
		at := start.Add(time.Duration(rng.IntN(60*24*60)) * time.Minute)
		id := fmt.Sprintf("b%07d", i)
		evs = append(evs, d.conversation(id, fmt.Sprintf("cust-%d", rng.IntN(n/20)), at)...)
	}
	return evs
}

// BenchmarkBuild measures transform + metrics over a lake of about 800k
// events, the size of the demo, and reports events per second and the
// process CPU seconds per build, the steadier figure on a shared machine.
func BenchmarkBuild(b *testing.B) {
	const size = 800_000
	evs := syntheticEvents(size)
	root := filepath.Join(b.TempDir(), "lake")
	writeLake(b, root, evs)
	settings := config.Default()
	ctx := context.Background()
	cpu0 := cpuSeconds(b)
	b.ResetTimer()
	for i := range b.N {
		db := filepath.Join(b.TempDir(), fmt.Sprintf("w%d.duckdb", i))
		if _, err := transform.Run(ctx, transform.Config{Lake: root, DB: db, Settings: settings}); err != nil {
			b.Fatal(err)
		}
		if err := metrics.Run(ctx, metrics.Config{DB: db, Settings: settings}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/op")
}

// cpuSeconds is the user + system CPU time this process has used so far.
func cpuSeconds(b *testing.B) float64 {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

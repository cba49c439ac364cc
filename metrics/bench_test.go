package metrics_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
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
		if _, err := parleybuild.Run(ctx, parleybuild.Config{Lake: root, DB: db, Settings: settings}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkIncrementalBuild measures an incremental build after one more
// day of events (with late events for the two days before and re-delivered
// duplicates) lands on a lake of about 800k events, against a full rebuild
// of the same lake measured in the same run, and reports both in CPU
// seconds and their ratio (issue 9's target: at most 10 %).
func BenchmarkIncrementalBuild(b *testing.B) {
	evs := syntheticEvents(800_000)
	last := evs[0].OccurredAt
	for _, ev := range evs {
		if ev.OccurredAt.After(last) {
			last = ev.OccurredAt
		}
	}
	cut := last.Truncate(24 * time.Hour)
	// Late events and re-deliveries from the two days before the new one,
	// the usual reach of a delayed producer or a replayed partition.
	first, second := splitDelivery(evs, cut, cut.Add(-48*time.Hour), 50, 100)
	dir := b.TempDir()
	root := filepath.Join(dir, "lake")
	settings := config.Default()
	writeBatch(b, root, "first", cut, first)
	base := filepath.Join(dir, "base.duckdb")
	fullBuild(b, root, base, settings)
	writeBatch(b, root, "second", cut.Add(24*time.Hour), second)

	cpu0 := cpuSeconds(b)
	fullBuild(b, root, filepath.Join(dir, "full.duckdb"), settings)
	fullCPU := cpuSeconds(b) - cpu0

	raw, err := os.ReadFile(base)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var cpu float64
	for i := range b.N {
		b.StopTimer()
		db := filepath.Join(dir, fmt.Sprintf("incremental%d.duckdb", i))
		if err := os.WriteFile(db, raw, 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c := cpuSeconds(b)
		incrementalBuild(b, root, db, settings)
		cpu += cpuSeconds(b) - c
	}
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	b.ReportMetric(fullCPU, "full-cpu-s")
	b.ReportMetric(100*cpu/float64(b.N)/fullCPU, "%-of-full")
}

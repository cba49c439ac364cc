package qa

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// BenchmarkSample draws 200 conversations and writes their packet, from a
// warehouse the size of the demo's (28 days × 2,000 a day) and from one
// about nine times larger; the issue asks for about a second.
func BenchmarkSample(b *testing.B) {
	for _, n := range []int{60_000, 500_000} {
		b.Run(fmt.Sprintf("conversations=%d", n), func(b *testing.B) {
			db := largeWarehouse(b, n)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				res, err := Sample(ctx, Config{
					DB: db, Out: b.TempDir(), Size: 200, Seed: uint64(i + 1), Now: fixtureNow,
					From: fixtureStart.AddDate(0, 0, -1), To: fixtureStart.AddDate(0, 0, 30),
				})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Sampled) != 200 || res.Candidates != n {
					b.Fatalf("sampled %d of %d", len(res.Sampled), res.Candidates)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/sample")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
		})
	}
}

// largeWarehouse builds the fixture schema holding n generated conversations.
func largeWarehouse(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "warehouse.duckdb")
	db, err := warehouse.Open(path, false)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SET VARIABLE bench_conversations = %d", n)); err != nil {
		b.Fatal(err)
	}
	for _, f := range []string{"testdata/schema.sql", "testdata/bench_fill.sql"} {
		q, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(q)); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
	}
	return path
}

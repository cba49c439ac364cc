package qa

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// benchConversations is the size of the benchmark warehouse: about as many
// conversations as a busy team has in a year.
const benchConversations = 500_000

// BenchmarkSample draws 200 conversations from a large warehouse and writes
// their packet; the issue asks for about a second.
func BenchmarkSample(b *testing.B) {
	db := largeWarehouse(b, benchConversations)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		res, err := Sample(ctx, Config{
			DB: db, Out: b.TempDir(), Size: 200, Seed: uint64(i + 1), Now: fixtureNow, Log: benchLog,
			From: fixtureStart.AddDate(0, 0, -1), To: fixtureStart.AddDate(0, 0, 30),
		})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Sampled) != 200 || res.Candidates != benchConversations {
			b.Fatalf("sampled %d of %d", len(res.Sampled), res.Candidates)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/sample")
	b.ReportMetric(float64(benchConversations)*float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
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

var benchLog = slog.New(slog.NewTextHandler(os.Stderr, nil))

package dashboards

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRender renders all pages for a warehouse of the demo's size
// (fixture.sql scaled by bench.sql to 56,000 conversations over 28 days)
// and reports the time per render and the bytes written.
func BenchmarkRender(b *testing.B) {
	path := fixtureDB(b)
	script, err := os.ReadFile(filepath.Join("testdata", "bench.sql"))
	if err != nil {
		b.Fatal(err)
	}
	execScript(b, path, string(script))
	out := b.TempDir()
	var bytes int64
	b.ResetTimer()
	for b.Loop() {
		res, err := Render(context.Background(), Config{DB: path, Out: out, From: day("2026-03-09"), To: day("2026-04-05")})
		if err != nil {
			b.Fatal(err)
		}
		bytes = 0
		for _, f := range res.Files {
			bytes += f.Bytes
		}
	}
	b.ReportMetric(float64(bytes), "page-bytes")
}

package dashboards

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-cx/parley/internal/browsertest"
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

// BenchmarkReportInBrowser opens the demo-sized report of BenchmarkRender in headless
// Chromium and reports what a reader waits for: draw-ms, from navigation to the first view
// drawn (the page inflates its figures first), and slice-ms, to draw the Contact reasons view
// for one market (every figure of the view computed again for the slice).
func BenchmarkReportInBrowser(b *testing.B) {
	path := fixtureDB(b)
	script, err := os.ReadFile(filepath.Join("testdata", "bench.sql"))
	if err != nil {
		b.Fatal(err)
	}
	execScript(b, path, string(script))
	out := b.TempDir()
	if _, err := Render(context.Background(), Config{DB: path, Out: out, From: day("2026-03-09"), To: day("2026-04-05")}); err != nil {
		b.Fatal(err)
	}
	br := browsertest.New(b)
	var draw, slice float64
	for b.Loop() {
		p := br.Open(b, filepath.Join(out, "index.html"))
		p.WaitFor(b, `document.body.getAttribute("data-ready") === "true"`)
		draw += browsertest.Eval[float64](b, p, `Number(document.body.getAttribute("data-drawn-ms"))`)
		slice += browsertest.Eval[float64](b, p, `(function () {
			var t = performance.now();
			location.hash = "#reasons?market=DE";
			window.dispatchEvent(new HashChangeEvent("hashchange"));
			return performance.now() - t;
		})()`)
	}
	b.ReportMetric(draw/float64(b.N), "draw-ms")
	b.ReportMetric(slice/float64(b.N), "slice-ms")
}

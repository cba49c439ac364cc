package metrics

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
)

// BenchmarkAutoQAWarehouse runs the automatic checks' build step alone on
// a copy of the warehouse PARLEY_AUTOQA_WAREHOUSE names (a full build of
// the demo: make demo, then demo-out/warehouse.duckdb), with the default
// checks: what docs/performance.md profiles.
//
//	PARLEY_AUTOQA_WAREHOUSE=demo-out/warehouse.duckdb go test ./metrics -run '^$' \
//	    -bench AutoQAWarehouse -benchtime 1x -cpuprofile /tmp/autoqa.prof
func BenchmarkAutoQAWarehouse(b *testing.B) {
	src := os.Getenv("PARLEY_AUTOQA_WAREHOUSE")
	if src == "" {
		b.Skip("set PARLEY_AUTOQA_WAREHOUSE to a built warehouse (make demo: demo-out/warehouse.duckdb)")
	}
	dst := filepath.Join(b.TempDir(), "w.duckdb")
	if err := copyWarehouse(src, dst); err != nil {
		b.Fatal(err)
	}
	db, err := warehouse.Open(dst, false)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	r := &runner{conn: conn, settings: config.Default(), log: slog.New(slog.DiscardHandler)}
	b.ResetTimer()
	for range b.N {
		// 247_auto_qa.sql recreates auto_qa_checks, which autoQA fills.
		if err := r.exec(ctx, "build/247_auto_qa.sql"); err != nil {
			b.Fatal(err)
		}
		// A new suite each time: the dictionaries' parse stays in the figure.
		suite, err := autoqa.New(r.settings.QA.Auto, &autoqa.Env{})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.autoQA(ctx, suite, false, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func copyWarehouse(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

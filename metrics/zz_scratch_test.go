package metrics_test

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/warehouse"
)

func TestZZLake(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	if _, err := os.Stat("/tmp/benchlake"); err != nil {
		writeLake(t, "/tmp/benchlake", syntheticEvents(800_000))
	}
}

func TestZZQuery(t *testing.T) {
	q := os.Getenv("ZZQ")
	if q == "" {
		t.Skip()
	}
	db, err := warehouse.Open("/tmp/bench.duckdb", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, _ := db.Conn(context.Background())
	b, _ := os.ReadFile(q)
	for _, stmt := range strings.Split(string(b), ";;") {
		st := time.Now()
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		rows, err := conn.QueryContext(context.Background(), stmt)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, c string
			rows.Scan(&a, &c)
			if strings.Contains(stmt, "EXPLAIN") {
				t.Log(c)
			}
		}
		rows.Close()
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		t.Logf("cpu user %.2fs", float64(ru1.Utime.Nano()-ru0.Utime.Nano())/1e9)
		t.Logf("%s: %s", strings.ReplaceAll(strings.TrimSpace(stmt)[:min(60, len(strings.TrimSpace(stmt)))], "\n", " "), time.Since(st))
	}
}

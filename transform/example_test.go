package transform_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/transform"
)

func ExampleRun() {
	dir, err := os.MkdirTemp("", "parley-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	lakeDir := filepath.Join(dir, "lake")
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// The same event delivered twice, as a producer retry would.
	if err := writeLakeFile(lakeDir, "import-1-2.parquet", at, msg("e1", "conv-1", at, "hello"), msg("e1", "conv-1", at, "hello")); err != nil {
		fmt.Println(err)
		return
	}
	stats, err := transform.Run(context.Background(), transform.Config{
		Lake: lakeDir,
		DB:   filepath.Join(dir, "warehouse.duckdb"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d event, %d duplicate dropped, %d conversation\n", stats.Events, stats.Duplicates, stats.Conversations)
	// Output: 1 event, 1 duplicate dropped, 1 conversation
}

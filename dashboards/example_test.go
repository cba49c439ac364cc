package dashboards_test

import (
	"context"
	"fmt"
	"time"

	"github.com/parley-cx/parley/dashboards"
)

// Render writes Out/index.html (the whole report) and the small pages that
// lead to its views, from a warehouse built by `parley build`; zero From/To
// mean the last 28 complete days of the data.
func ExampleRender() {
	res, err := dashboards.Render(context.Background(), dashboards.Config{
		DB:   "warehouse.duckdb",
		Out:  "report",
		From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Files {
		fmt.Println(f.Path, f.Bytes)
	}
}

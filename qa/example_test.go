package qa_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/qa"
)

// ExampleSample draws five conversations per agent from a warehouse and
// prints where the packet went. The warehouse here is the test fixture; in
// production it is the file `parley build` writes.
func ExampleSample() {
	dir, err := os.MkdirTemp("", "qa-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "warehouse.duckdb")
	if err := qa.BuildExampleWarehouse(db); err != nil {
		fmt.Println(err)
		return
	}

	res, err := qa.Sample(context.Background(), qa.Config{
		DB:       db,
		Out:      filepath.Join(dir, "qa"),
		PerAgent: 5,
		Seed:     7,
		Now:      time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("packet:", filepath.Base(res.Dir))
	fmt.Println("period:", res.From, "to", res.To)
	fmt.Println("sampled:", len(res.Sampled), "of", res.Candidates)
	for _, s := range res.Short {
		fmt.Printf("%s had %d of %d\n", s.Agent, s.Had, s.Wanted)
	}
	// Output:
	// packet: 2026-03-20-7
	// period: 2026-03-06 to 2026-03-12
	// sampled: 13 of 30
	// cy had 3 of 5
}

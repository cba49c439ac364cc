// Command whdiff compares two warehouse files table by table and view by
// view (package whdiff) and exits 1 when they differ. Use it to show that a
// change leaves the build's output as it was: build the same lake with the
// parley before and after the change, then
//
//	go run ./internal/whdiff/cmd/whdiff [-ignore object.column,...] before.duckdb after.duckdb
//
// By default it ignores what differs between any two builds or binaries:
// warehouse_info.built_at, warehouse_info.parley_version and
// parley_revision, and build_state.fingerprint (which changes with any
// build SQL file, by design).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/parley-cx/parley/internal/whdiff"
)

func main() {
	ignore := flag.String("ignore", "warehouse_info.built_at,warehouse_info.parley_version,warehouse_info.parley_revision,build_state.fingerprint",
		"comma-separated object.column names to leave out of the comparison (\"\" compares every column)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: whdiff [-ignore object.column,...] A.duckdb B.duckdb\n\nCompares every table and view of two warehouses as multisets of rows, exactly.\nExample: whdiff main.duckdb branch.duckdb")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	var cols []string
	if *ignore != "" {
		cols = strings.Split(*ignore, ",")
	}
	objs, err := whdiff.Check(context.Background(), flag.Arg(0), flag.Arg(1), cols...)
	for _, o := range objs {
		fmt.Println(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, whdiff.ErrDiffer) {
			os.Exit(1)
		}
		os.Exit(2)
	}
	fmt.Printf("%d objects, all identical\n", len(objs))
}

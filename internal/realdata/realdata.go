// Package realdata finds the public real data sets that tests and benchmarks
// read (tweets, help-desk logs, dialogues, call arrivals): the folder
// ../shared/data beside the repository, or PARLEY_REAL_DATA. A test that
// needs a file skips, saying where it looked, when the file is absent; CI
// has the folder and fails on any skip (make test CI=true).
package realdata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Env names a folder to use instead of ../shared/data.
const Env = "PARLEY_REAL_DATA"

// Dir is the real-data folder: $PARLEY_REAL_DATA, else ../shared/data from
// the repository root (the nearest folder above the working directory that
// holds go.mod).
func Dir() (string, error) {
	if d := os.Getenv(Env); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("realdata: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data"), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("realdata: no go.mod above %s", wd)
		}
	}
}

// Path is the path of the real-data file name. When it is absent, the test
// or benchmark is skipped with a message naming the folder looked in.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	dir, err := Dir()
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		where := fmt.Sprintf("../shared/data beside the repository (%s; $%s names another folder)", dir, Env)
		if os.Getenv(Env) != "" {
			where = fmt.Sprintf("$%s (%s)", Env, dir)
		}
		tb.Skipf("real data not present: no %s in %s; docs/real-data.md says where each file comes from", name, where)
	} else if err != nil {
		tb.Fatal(err)
	}
	return p
}

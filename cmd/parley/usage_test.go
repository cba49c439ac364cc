package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestUsageErrors: a wrong call is a usage error (main exits 2 on it) whose
// message suggests the nearest valid name and the --help to read.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"biuld"}, `unknown command "biuld" for "parley"; did you mean build? (see parley --help)`},
		{[]string{"biuld", "--lake", "x"}, `unknown command "biuld" for "parley"; did you mean build? (see parley --help)`},
		{[]string{"qa", "smaple", "--size", "3"}, `unknown command "smaple" for "parley qa"; did you mean sample? (see parley qa --help)`},
		{[]string{"qa", "smaple"}, `unknown command "smaple" for "parley qa"; did you mean sample? (see parley qa --help)`},
		{[]string{"nothing-like-it"}, `unknown command "nothing-like-it" for "parley" (see parley --help)`},
		{[]string{"build", "--lkae", "x"}, "build: unknown flag: --lkae; did you mean --lake? (see parley build --help)"},
		{[]string{"ingest", "--topc", "t"}, "ingest: unknown flag: --topc; did you mean --topic?"},
		{[]string{"qa", "sample", "--bd", "x"}, "qa sample: unknown flag: --bd; did you mean --db or --to?"},
		{[]string{"--bogus"}, "unknown flag: --bogus (see parley --help)"},
		{[]string{"build", "lake/"}, `build: unexpected argument "lake/": parley build takes no arguments, only flags`},
		{[]string{"compact", "x"}, "compact: unexpected argument"},
		{[]string{"demo", "--days", "x"}, `demo: invalid argument "x" for "--days" flag`},
		{[]string{"import", "--lake"}, "import: flag needs an argument: --lake"},
		{[]string{"version", "now"}, "version: unexpected argument"},
		{[]string{"run"}, "run: --config is required"},
		{[]string{"run", "--config", "../../testdata/qa/e2e.yaml"}, "run: --lake, or the lake key of parley.yaml, is required"},
		{[]string{"run", "--config", "../../testdata/qa/e2e.yaml", "--lake", "s3://acme/lake"}, "run: lake s3://acme/lake: parley run and parley serve need a lake folder; a lake in object storage is taken by ingest, import, compact, erase, retention, build and export"},
		{[]string{"serve"}, "serve: --config is required"},
		{[]string{"verify", "--db", "none.duckdb", "--lake", "s3://acme/lake"}, "verify: --lake s3://acme/lake: reads a lake folder only (a lake in object storage is taken by ingest, import, compact, erase, retention, build and export); give the local copy parley build keeps"},
		{[]string{"serve", "--config", "../../testdata/qa/e2e.yaml", "--lake", "s3://acme/lake"}, "serve: lake s3://acme/lake: parley run and parley serve need a lake folder"},
		{[]string{"lake", "status", "--lake", "s3://acme/lake"}, "lake status: --lake s3://acme/lake: reads a lake folder only (a lake in object storage is taken by ingest, import, compact, erase, retention, build and export); parley build --lake s3://acme/lake --cache DIR"},
		{[]string{"qa", "import", "--lake", "s3://acme/lake", "scores.csv"}, "qa import: --lake s3://acme/lake: reads a lake folder only"},
		{[]string{"qa", "dispute", "--lake", "s3://acme/lake", "--review", "rv-1", "--by", "ana", "--reason", "x"}, "qa dispute: --lake s3://acme/lake: reads a lake folder only"},
		{[]string{"qa", "resolve", "--lake", "s3://acme/lake", "--review", "rv-1", "--by", "lead", "--reject"}, "qa resolve: --lake s3://acme/lake: reads a lake folder only"},
		{[]string{"serve", "passwd", "--cost", "99"}, "serve passwd: --cost: 99 is outside"},
		{[]string{"serve", "passwd"}, "serve passwd: no password on standard input"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			cmd := newRootCmd()
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SetArgs(c.args)
			err := cmd.ExecuteContext(context.Background())
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("error %v is not a usage error (exit 2)", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// TestNoArgumentsPrintsHelp: parley and parley qa alone print their help
// and succeed, as before subcommands were checked.
func TestNoArgumentsPrintsHelp(t *testing.T) {
	for _, args := range [][]string{nil, {"qa"}} {
		cmd := newRootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(args)
		if err := cmd.ExecuteContext(context.Background()); err != nil || !strings.Contains(out.String(), "Usage:") {
			t.Errorf("parley %v: %v\n%s", args, err, out.String())
		}
	}
}

// TestLakeHelpMentionsBuckets: the help of every command taking --lake says
// what it does with s3://bucket/prefix (takes it, or refuses it and says
// what to do instead), with an example.
func TestLakeHelpMentionsBuckets(t *testing.T) {
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.Flags().Lookup("lake") == nil {
			return
		}
		seen++
		var out bytes.Buffer
		c.SetOut(&out)
		if err := c.Help(); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^\s+(parley|aws) .*s3://\S+`).MatchString(out.String()) {
			t.Errorf("%s --help has no example line with s3://:\n%s", c.CommandPath(), out.String())
		}
	}
	walk(newRootCmd())
	if seen < 10 {
		t.Errorf("only %d commands take --lake", seen)
	}
}

// TestMissingWarehouse: a --db naming no file is a usage error of one shape
// in every command that reads the warehouse, and creates no output.
func TestMissingWarehouse(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "none.duckdb"), filepath.Join(dir, "out")
	period := []string{"--from", "2026-03-01", "--to", "2026-03-31"}
	for _, args := range [][]string{
		append([]string{"report", "--db", db, "--out", out}, period...),
		append([]string{"qa", "sample", "--db", db, "--out", out}, period...),
		{"forecast", "--db", db},
		{"sql", "--db", db, "SELECT 1"},
		{"export", "--db", db, "--out", out},
		{"verify", "--db", db},
	} {
		name := strings.Join(args[:slices.Index(args, "--db")], " ")
		t.Run(name, func(t *testing.T) {
			_, err := parley(t, args...)
			want := name + ": --db " + db + ": warehouse file does not exist (run `parley build` first)"
			var ue usageError
			if !errors.As(err, &ue) || err.Error() != want {
				t.Errorf("err = %v, want a usage error %q", err, want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s was created", out)
			}
		})
	}
}

// TestWarehouseIsADirectory: a --db naming a directory (the lake folder,
// say) is a usage error of the missing file's shape in every command that
// takes --db, not DuckDB's "Could not read from file", and points at the
// warehouse beside it when there is one.
func TestWarehouseIsADirectory(t *testing.T) {
	dir := t.TempDir()
	lakeDir, out := filepath.Join(dir, "lake"), filepath.Join(dir, "out")
	if err := os.Mkdir(lakeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	period := []string{"--from", "2026-03-01", "--to", "2026-03-31"}
	commands := [][]string{
		append([]string{"report", "--db", lakeDir, "--out", out}, period...),
		append([]string{"qa", "sample", "--db", lakeDir, "--out", out}, period...),
		{"forecast", "--db", lakeDir},
		{"sql", "--db", lakeDir, "SELECT 1"},
		{"export", "--db", lakeDir, "--out", out},
		{"verify", "--db", lakeDir},
		{"build", "--lake", lakeDir, "--db", lakeDir},
	}
	check := func(t *testing.T, args []string, hint string) {
		t.Helper()
		name := strings.Join(args[:slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "--") })], " ")
		_, err := parley(t, args...)
		want := name + ": --db " + lakeDir + " is a directory, not a warehouse file" + hint
		var ue usageError
		if !errors.As(err, &ue) || err.Error() != want {
			t.Errorf("err = %v, want a usage error %q", err, want)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was created", out)
		}
	}
	t.Run("no warehouse beside it", func(t *testing.T) { check(t, commands[3], "") })
	beside := filepath.Join(dir, "warehouse.duckdb")
	if err := os.WriteFile(beside, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range commands {
		t.Run(args[0], func(t *testing.T) { check(t, args, ": did you mean "+beside+"?") })
	}
}

// TestFlagErrorsNameTheCommand: a usage error about a flag says
// "COMMAND: --FLAG", as the errors of every other command do.
func TestFlagErrorsNameTheCommand(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"report", "--db", "w.duckdb", "--from", "2026-13-01"}, `report: --from: "2026-13-01" is not a date like 2026-03-31`},
		{[]string{"qa", "sample", "--db", "w.duckdb", "--from", "2026-03-01", "--to", "31.3.2026"}, `qa sample: --to: "31.3.2026" is not a date`},
		{[]string{"forecast", "--by", "market"}, `forecast: --by: "market": want queue, channel`},
		{[]string{"staffing", "--volume", "10", "--aht", "3 minutes"}, `staffing: --aht: "3 minutes" is not a duration`},
		{[]string{"schedule", "--plan", "p.csv"}, "schedule: --plan and --shifts: both are required"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args[:1], " "), func(t *testing.T) {
			_, err := parley(t, c.args...)
			var ue usageError
			if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("err = %v, want a usage error starting %q", err, c.want)
			}
		})
	}
}

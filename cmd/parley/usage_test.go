package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
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
		{[]string{"serve"}, "serve: --config is required"},
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

package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/governance"
)

// TestEraseRetentionCommands drives erase and retention through the CLI on
// the hand-made fixture: the flag errors a user meets first, a dry run, the
// real run, and the audit trail they leave.
func TestEraseRetentionCommands(t *testing.T) {
	lakeDir := filepath.Join(t.TempDir(), "lake")
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := newRootCmd()
		var out, errOut bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&errOut)
		cmd.SetArgs(args)
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	if out, err := run("import", "--lake", lakeDir, filepath.Join("..", "..", "testdata", "metrics", "basic.jsonl")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	usage := []struct {
		args []string
		want string
	}{
		{[]string{"erase", "--customer", "cust-1"}, "--lake is required"},
		{[]string{"erase", "--lake", lakeDir}, "--customer is required"},
		{[]string{"erase", "--lake", filepath.Join(lakeDir, "nope"), "--customer", "x"}, "not a directory"},
		{[]string{"retention", "--lake", lakeDir}, "--keep is required"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "forever"}, "--keep: invalid duration"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "2h"}, "--keep: must be at least one day"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "400000d"}, `duration "400000d" is too large`},
	}
	for _, u := range usage {
		_, err := run(u.args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), u.want) {
			t.Errorf("%v: err = %v, want a usage error saying %q", u.args, err, u.want)
		}
	}

	steps := []struct {
		args []string
		want string
	}{
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1", "--conversations", "--dry-run"}, "would erase: 4 events of 1 conversations removed"},
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1", "--conversations", "--reason", "DSR-1"}, "erased: 4 events of 1 conversations removed"},
		{[]string{"erase", "--lake", lakeDir, "--customer", "cust-1"}, "erased: 0 events of 0 conversations removed"},
		{[]string{"retention", "--lake", lakeDir, "--keep", "4000d", "--dry-run"}, "dry run, would have dropped 0 events"},
	}
	for _, s := range steps {
		out, err := run(s.args...)
		if err != nil || !strings.Contains(out, s.want) {
			t.Errorf("%v: %v\n%s\nwant %q", s.args, err, out, s.want)
		}
	}
	entries, err := governance.ReadAudit(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "erase,erase,erase,retention" {
		t.Errorf("audit actions = %s", got)
	}
}

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/metrics"
)

// cli runs the CLI in-process with stdin and returns what it printed on
// stdout and on stderr.
func cli(stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetIn(stdin)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// parley runs the CLI in-process and returns what it printed on stdout.
func parley(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, _, err := cli(strings.NewReader(""), args...)
	return out, err
}

// parleyCombined runs the CLI in-process and returns stdout and stderr
// together, in the order written, for tests that read warnings and errors.
func parleyCombined(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// mustParley runs the CLI in-process, fails the test with stderr on an
// error, and returns stdout.
func mustParley(t *testing.T, args ...string) string {
	t.Helper()
	out, _ := mustParleyLog(t, args...)
	return out
}

// mustParleyLog is mustParley that also returns stderr (the log).
func mustParleyLog(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	out, errOut, err := cli(strings.NewReader(""), args...)
	if err != nil {
		t.Fatalf("parley %s: %v\n%s\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out, errOut
}

// parleyProcess runs the CLI as a process of its own (the test binary as
// parley, asCLIEnv), so that whatever writes to the real stdout and stderr
// is caught, fails the test with both on an error, and returns them.
func parleyProcess(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("parley %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// metricsFixture is the path of a hand-made fixture of testdata/metrics.
func metricsFixture(name string) string {
	return filepath.Join("..", "..", "testdata", "metrics", name)
}

// importAndBuild imports a file into a lake in a new temporary folder with
// parley import (importArgs are its flags and input), builds it with
// parley build, and returns the folder and the warehouse's path.
func importAndBuild(t *testing.T, importArgs ...string) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	mustParley(t, append([]string{"import", "--lake", lakeDir}, importArgs...)...)
	mustParley(t, "build", "--lake", lakeDir)
	return dir, filepath.Join(dir, "warehouse.duckdb")
}

// TestHelpNamesEveryPublicObject: the help of sql and export lists every
// public table and view (it once named 8 of 10).
func TestHelpNamesEveryPublicObject(t *testing.T) {
	for _, command := range []string{"sql", "export"} {
		help := mustParley(t, command, "--help")
		for _, name := range metrics.PublicObjects {
			if !strings.Contains(help, name) {
				t.Errorf("parley %s --help does not name %s", command, name)
			}
		}
	}
}

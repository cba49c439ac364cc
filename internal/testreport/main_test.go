package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goTestJSON runs `go test -json ./...` in a scratch module holding files
// and returns its output: the real stream testreport reads.
func goTestJSON(t *testing.T, files map[string]string) []byte {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/scratch\n\ngo 1.24\n"
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "-json", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, _ := cmd.Output() // go test exits 1 when a test fails; the stream says so
	return out
}

func TestReport(t *testing.T) {
	passing := "package a\nimport \"testing\"\nfunc TestPass(t *testing.T) { t.Log(\"quiet on success\") }\n"
	skipping := "package b\nimport \"testing\"\nfunc TestSkip(t *testing.T) { t.Skip(\"no chromium here\") }\nfunc TestPass(t *testing.T) {}\n"
	failing := "package c\nimport \"testing\"\nfunc TestFail(t *testing.T) { t.Error(\"broken on purpose\") }\n"
	broken := "package d\nimport \"testing\"\nfunc TestX(t *testing.T) { undefinedThing() }\n"
	cases := []struct {
		name       string
		files      map[string]string
		failOnSkip bool
		status     int
		want, not  []string
	}{
		{"all pass", map[string]string{"a/a_test.go": passing}, true, 0,
			[]string{"ok  \texample.com/scratch/a", "tests: 1 passed, 0 failed, 0 skipped"}, []string{"quiet on success"}},
		{"a skip is listed with its reason", map[string]string{"a/a_test.go": passing, "b/b_test.go": skipping}, false, 0,
			[]string{"SKIPPED (1):", "example.com/scratch/b TestSkip:", "no chromium here", "tests: 2 passed, 0 failed, 1 skipped"}, nil},
		{"a skip fails with -fail-on-skip", map[string]string{"b/b_test.go": skipping}, true, 1,
			[]string{"no chromium here", "FAIL: 1 tests skipped"}, nil},
		{"a failure shows its output", map[string]string{"a/a_test.go": passing, "c/c_test.go": failing}, false, 1,
			[]string{"broken on purpose", "FAIL\texample.com/scratch/c", "tests: 1 passed, 1 failed, 0 skipped"}, nil},
		{"a build failure", map[string]string{"d/d_test.go": broken}, false, 1,
			[]string{"undefined: undefinedThing", "FAIL"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			status := report(bytes.NewReader(goTestJSON(t, c.files)), &out, c.failOnSkip)
			if status != c.status {
				t.Errorf("exit status %d, want %d:\n%s", status, c.status, out.String())
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, out.String())
				}
			}
			for _, n := range c.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("report shows %q:\n%s", n, out.String())
				}
			}
		})
	}
}

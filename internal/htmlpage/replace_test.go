package htmlpage

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/lake"
)

// tree reads every file under dir as path → content; folders end in "/".
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if strings.HasSuffix(rel, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReplaceEntries: the outputs fill writes replace those of the same
// name all together, or, when anything fails, none of them; what fill did
// not write (another report, the user's notes) is never touched; no
// temporary folder stays.
func TestReplaceEntries(t *testing.T) {
	before := map[string]string{
		"index.html":         "old index",
		"team.html":          "old team",
		"packet/":            "",
		"packet/index.html":  "old packet",
		"packet/stale.html":  "old page the new packet does not have",
		"notes.txt":          "the user's",
		"march/":             "",
		"march/index.html":   "another report",
		"_tmp-other/":        "",
		"_tmp-other/x.html":  "someone else's temporary folder",
		"_tmp-packet-1/":     "",
		"_tmp-packet-1/half": "left by a run of another name",
	}
	newOutputs := func(stage string) error {
		for rel, content := range map[string]string{"index.html": "new index", "packet/index.html": "new packet"} {
			p := filepath.Join(stage, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := atomicfile.WriteFile(p, []byte(content)); err != nil {
				return err
			}
		}
		return nil
	}
	after := maps.Clone(before)
	after["index.html"] = "new index"
	after["packet/index.html"] = "new packet"
	delete(after, "packet/stale.html")

	tests := []struct {
		name string
		// setup changes the folder before the run.
		setup func(t *testing.T, dir string)
		fill  func(stage string) error
		// want is the folder afterwards; wantErr a part of the error.
		want    map[string]string
		wantErr string
	}{
		{"outputs replaced, the rest untouched", nil, newOutputs, after, ""},
		{"a write fails part-way", nil, func(stage string) error {
			if err := newOutputs(stage); err != nil {
				return err
			}
			// A real write error: a page inside what is a file.
			return atomicfile.WriteFile(filepath.Join(stage, "index.html", "friction.html"), []byte("x"))
		}, before, "not a directory"},
		{"a page where the folder holds a folder", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "team.html")); err != nil {
				t.Fatal(err)
			}
			writeTree(t, dir, map[string]string{"team.html/": "", "team.html/mine.txt": "the user's"})
		}, func(stage string) error {
			if err := newOutputs(stage); err != nil {
				return err
			}
			return atomicfile.WriteFile(filepath.Join(stage, "team.html"), []byte("new team"))
		}, nil, "cannot replace"},
		{"a folder where the folder holds a file", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"qa": "a file of the user's"})
		}, func(stage string) error {
			if err := newOutputs(stage); err != nil {
				return err
			}
			return atomicfile.WriteFile(filepath.Join(stage, "qa", "index.html"), []byte("x"))
		}, nil, "cannot replace"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, before)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			want := tc.want
			if want == nil { // an error before anything moved: the folder as set up
				want = tree(t, dir)
			}
			err := ReplaceEntries(dir, "packet", tc.fill)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			got := tree(t, dir)
			// The dead stage of this name is removed; others stay.
			delete(want, "_tmp-packet-1/")
			delete(want, "_tmp-packet-1/half")
			if !maps.Equal(got, want) {
				t.Errorf("folder after the run:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// TestReplaceEntriesLeavesLiveStage: a stage whose writer still runs (holds
// its lock) is not taken for a leftover.
func TestReplaceEntriesLeavesLiveStage(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "_tmp-report-live")
	writeTree(t, dir, map[string]string{"_tmp-report-live/": "", "_tmp-report-live/index.html": "being written"})
	f, err := os.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := lake.LockOpen(f, true, true); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceEntries(dir, "report", func(stage string) error {
		return atomicfile.WriteFile(filepath.Join(stage, "index.html"), []byte("new"))
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"index.html": "new", "_tmp-report-live/": "", "_tmp-report-live/index.html": "being written"}
	if got := tree(t, dir); !maps.Equal(got, want) {
		t.Errorf("folder:\n got %v\nwant %v", got, want)
	}
	if _, err := os.Stat(live); errors.Is(err, fs.ErrNotExist) {
		t.Error("the live stage was removed")
	}
}

package dashboards

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// folderContents reads every file under dir as relative path → content.
func folderContents(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRenderReplacesWholeReportOrNothing: a report written into a folder
// that also holds another report, a QA packet and the user's notes replaces
// its pages and touches nothing else; when a page cannot be put in
// place (the user made resolution.html a folder), no page changes, and no
// temporary folder is left either way.
func TestRenderReplacesWholeReportOrNothing(t *testing.T) {
	db := fixtureDB(t)
	out := t.TempDir()
	render := func(from, to time.Time) error {
		_, err := Render(context.Background(), Config{DB: db, Out: out, From: from, To: to})
		return err
	}
	if err := render(day("2026-10-05"), day("2026-10-05")); err != nil {
		t.Fatal(err)
	}
	others := map[string]string{
		"notes.txt":                  "the user's notes",
		"march/index.html":           "another report",
		"qa/2026-10-07-1/index.html": "a QA packet",
	}
	for rel, content := range others {
		p := filepath.Join(out, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if err := render(fixturePeriod.From, fixturePeriod.To); err != nil {
		t.Fatal(err)
	}
	got := folderContents(t, out)
	if !strings.Contains(got["index.html"], fixturePeriod.String()) {
		t.Errorf("index.html does not show the new period %s", fixturePeriod)
	}
	for _, name := range Files() {
		if name != "index.html" && !strings.Contains(got[name], "index.html#") {
			t.Errorf("%s does not lead to its view of index.html:\n%s", name, got[name])
		}
		delete(got, name)
	}
	if !maps.Equal(got, others) {
		t.Errorf("besides the pages the folder holds\n%v\nwant\n%v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(others)))
	}

	resolution := filepath.Join(out, "resolution.html")
	if err := os.Remove(resolution); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(resolution, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(resolution, "mine.txt"), []byte("the user's"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := folderContents(t, out)
	err := render(day("2026-10-06"), day("2026-10-06"))
	if err == nil || !strings.Contains(err.Error(), "cannot replace") {
		t.Errorf("report over a folder named resolution.html: error %v, want one saying it cannot replace it", err)
	}
	after := folderContents(t, out)
	for _, name := range slices.Sorted(maps.Keys(after)) {
		if before[name] != after[name] {
			t.Errorf("a failed report changed %s", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("a failed report left %v, before %v", slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
	}
}

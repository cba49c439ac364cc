package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportWithoutChannel: the channel is optional in the event contract,
// so a conversation whose events name none must reach every page, counted
// under "unknown", instead of failing the report (it used to: NULL channel
// scanned into a string).
func TestReportWithoutChannel(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lakeDir, metricsFixture("rules.jsonl"))
	mustParley(t, "build", "--lake", lakeDir)
	db := filepath.Join(dir, "warehouse.duckdb")
	if out := mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM conversations WHERE channel = 'unknown'"); out != "n\n1\n" {
		t.Fatalf("conversations without a channel: %q, want one counted as unknown", out)
	}
	out := filepath.Join(dir, "report")
	mustParley(t, "report", "--db", db, "--out", out, "--from", "2026-07-06", "--to", "2026-07-20")
	for _, page := range []string{"index.html", "responsiveness.html", "resolution.html", "friction.html", "team.html"} {
		b, err := os.ReadFile(filepath.Join(out, page))
		if err != nil {
			t.Fatal(err)
		}
		if page != "team.html" && !strings.Contains(string(b), "unknown") {
			t.Errorf("%s does not show the channel-less conversation as unknown", page)
		}
	}
}

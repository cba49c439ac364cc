package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parley-cx/parley/internal/htmlpage"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHarnessSeesWhatItMust checks the harness against pages with known
// faults, so that a clean result on a real page means something.
func TestHarnessSeesWhatItMust(t *testing.T) {
	b := New(t)
	b.ChartWait = time.Second // one case is a chart that never draws

	bar := charts.NewBar()
	bar.SetXAxis([]string{"a", "b"}).AddSeries("n", []opts.BarData{{Value: 3}, {Value: 5}})
	chart, err := htmlpage.Chart(bar, "240px")
	if err != nil {
		t.Fatal(err)
	}
	kitPage := filepath.Join(t.TempDir(), "kit.html")
	if err := htmlpage.WritePage(kitPage, htmlpage.Page{Title: "kit", Body: chart}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name         string
		path         string
		wantErrors   bool
		wantRequests []string
		wantCharts   int
		wantBlank    bool
	}{
		{name: "kit page with a chart", path: kitPage, wantCharts: 1},
		{
			name:         "external image and script",
			path:         writeFile(t, "ext.html", `<img src="https://example.com/x.png"><script src="http://cdn.example/e.js"></script>`),
			wantErrors:   true, // the refused loads are logged
			wantRequests: []string{"https://example.com/x.png", "http://cdn.example/e.js"},
		},
		{
			name:       "script error",
			path:       writeFile(t, "err.html", `<script>console.error("boom"); undefinedFn();</script>`),
			wantErrors: true,
		},
		{
			name:       "chart div never drawn",
			path:       writeFile(t, "blank.html", `<div class="chart"><canvas width="10" height="10"></canvas></div>`),
			wantCharts: 1,
			wantBlank:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.Open(t, tt.path)
			if got := len(p.ConsoleErrors) > 0; got != tt.wantErrors {
				t.Errorf("console errors %q, want some = %v", p.ConsoleErrors, tt.wantErrors)
			}
			for _, want := range tt.wantRequests {
				found := false
				for _, r := range p.Requests {
					found = found || r == want
				}
				if !found {
					t.Errorf("request %s not recorded; got %q", want, p.Requests)
				}
			}
			if len(tt.wantRequests) == 0 && len(p.Requests) > 0 {
				t.Errorf("unexpected requests %q", p.Requests)
			}
			if len(p.Charts) != tt.wantCharts {
				t.Fatalf("%d charts, want %d", len(p.Charts), tt.wantCharts)
			}
			for _, c := range p.Charts {
				if blank := c.Painted == 0; blank != tt.wantBlank {
					t.Errorf("chart %+v: blank = %v, want %v", c, blank, tt.wantBlank)
				}
			}
			if !tt.wantErrors && len(tt.wantRequests) == 0 && !tt.wantBlank {
				p.RequireClean(t)
			}
		})
	}
}

func TestScriptTextStaysText(t *testing.T) {
	const msg = `<script>window.pwned = true</script><img src=x onerror="window.pwned = true">`
	table, err := htmlpage.Table{Columns: []htmlpage.Column{{Label: "message"}}, Rows: [][]htmlpage.Cell{{{Text: msg}}}}.HTML()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "xss.html")
	if err := htmlpage.WritePage(path, htmlpage.Page{Title: msg, Body: table}); err != nil {
		t.Fatal(err)
	}
	p := New(t).Open(t, path)
	p.RequireClean(t)
	if Eval[bool](t, p, "window.pwned === true") {
		t.Fatal("customer text ran as script")
	}
	if !strings.Contains(p.Text(t), msg) {
		t.Errorf("customer text not shown verbatim")
	}
}

// TestMissingBrowser: with no browser to be found, New skips the test and
// says how to get one; under CI it fails instead. It runs this test binary
// again with an empty PATH, as a machine without Chromium is.
func TestMissingBrowser(t *testing.T) {
	if os.Getenv("BROWSERTEST_CHILD") == "1" {
		New(t)
		return
	}
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestMissingBrowser$", "-test.v")
		cmd.Env = append(os.Environ(), "BROWSERTEST_CHILD=1", "PATH=/nonexistent", "PARLEY_CHROMIUM=", "CI="+ci)
		out, _ := cmd.CombinedOutput()
		want := "--- SKIP: TestMissingBrowser"
		if ci != "" {
			want = "--- FAIL: TestMissingBrowser"
		}
		if !strings.Contains(string(out), want) || !strings.Contains(string(out), "no Chromium or Chrome found") || !strings.Contains(string(out), "apt-get install chromium") {
			t.Errorf("CI=%q: want %q with the reason:\n%s", ci, want, out)
		}
	}
}

// TestDownloads: a page's blob download lands in the Downloads folder; it
// sends nothing off the page.
func TestDownloads(t *testing.T) {
	b := New(t)
	dir := t.TempDir()
	b.Downloads(t, dir)
	page := writeFile(t, "dl.html", `<button id="go">save</button><script>
document.getElementById("go").addEventListener("click", function () {
  var a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob(["hello\n"], {type: "text/plain"}));
  a.download = "hello.txt";
  document.body.appendChild(a);
  a.click();
});
</script>`)
	p := b.Open(t, page)
	p.Run(t, chromedp.Click("#go"))
	got, err := os.ReadFile(b.Downloaded(t, "hello.txt"))
	if err != nil || string(got) != "hello\n" {
		t.Errorf("downloaded %q, %v; want hello", got, err)
	}
	p.RequireClean(t)
}

package htmlpage

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

const hostile = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`

func hostileBar() *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: hostile}))
	bar.SetXAxis([]string{hostile, "b"}).AddSeries("n", []opts.BarData{{Value: 1}, {Value: 2}})
	return bar
}

var scriptRE = regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`)

func TestRenderEscapesAndPinsScripts(t *testing.T) {
	chart, err := Chart(hostileBar(), "300px")
	if err != nil {
		t.Fatal(err)
	}
	table, err := Table{Columns: []Column{{Label: "agent"}}, Rows: [][]Cell{{{Text: hostile}}}}.HTML()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = Render(&buf, Page{
		Title: hostile, Period: hostile, TimeZone: "UTC", Freshness: hostile,
		Nav:  []Link{{Href: "javascript:alert(3)", Label: hostile}},
		Body: chart + table,
	})
	if err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, "alert(1)</script>") || strings.Contains(page, "<img src=x") {
		t.Errorf("hostile text reached the page unescaped")
	}
	if strings.Contains(page, `href="javascript:`) {
		t.Errorf("javascript: URL reached a link")
	}
	// Every executable script must be pinned by hash in the CSP; data blocks need not be.
	var executable int
	for _, m := range scriptRE.FindAllStringSubmatch(page, -1) {
		if strings.Contains(m[1], "application/json") {
			continue
		}
		executable++
		// The browser hashes the script text after HTML parsing has turned CR LF into LF.
		text := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(m[2])
		sum := sha256.Sum256([]byte(text))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(CSP, h) {
			t.Errorf("script %.40q is not allowed by the CSP", m[2])
		}
	}
	if executable != 2 {
		t.Errorf("page has %d executable scripts, want 2 (ECharts and boot)", executable)
	}
	if !strings.Contains(page, `http-equiv="Content-Security-Policy"`) || !strings.Contains(CSP, "default-src 'none'") {
		t.Errorf("page lacks the CSP that forbids network requests")
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(page) {
		t.Errorf("page references an external URL")
	}
}

func TestRenderOmitsEChartsWithoutCharts(t *testing.T) {
	tests := []struct {
		name  string
		body  func(t *testing.T) string
		large bool
	}{
		{"text only", func(*testing.T) string { return "<p>hello</p>" }, false},
		{"with chart", func(t *testing.T) string {
			c, err := Chart(hostileBar(), "200px")
			if err != nil {
				t.Fatal(err)
			}
			return string(c)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, Page{Title: "t", Body: htmltemplate.HTML(tt.body(t))}); err != nil {
				t.Fatal(err)
			}
			if got := buf.Len() > len(echartsJS); got != tt.large {
				t.Errorf("page size %d: carries ECharts = %v, want %v", buf.Len(), got, tt.large)
			}
		})
	}
}

func TestChartRejectsBadHeight(t *testing.T) {
	for _, h := range []string{"", "300", "1px;background:url(x)", "red"} {
		if _, err := Chart(hostileBar(), h); err == nil {
			t.Errorf("height %q accepted", h)
		}
	}
}

func TestTableRejectsRaggedRows(t *testing.T) {
	_, err := Table{Caption: "c", Columns: []Column{{Label: "a"}}, Rows: [][]Cell{{{Text: "1"}, {Text: "2"}}}}.HTML()
	if err == nil {
		t.Fatal("ragged row accepted")
	}
}

func TestWritePageIsAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested")
	path := filepath.Join(dir, "index.html")
	if err := WritePage(path, Page{Title: "first"}); err != nil {
		t.Fatal(err)
	}
	if err := WritePage(path, Page{Title: "second"}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only index.html (temp files left behind?)", len(entries))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("<title>second · Parley</title>")) {
		t.Errorf("page not replaced")
	}
}

// A page's own script runs only because its CSP names its hash; a page
// without one keeps exactly the kit's CSP, and no other page allows it.
func TestPageScriptPinnedByHash(t *testing.T) {
	const own = "document.body.dataset.own = \"ran\";\n"
	var buf bytes.Buffer
	if err := Render(&buf, Page{Title: "form", Script: own}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("page has no CSP")
	}
	if got := html.UnescapeString(csp[1]); got != PageCSP(Page{Script: own}) {
		t.Errorf("page CSP %q, want %q", got, PageCSP(Page{Script: own}))
	}
	sum := sha256.Sum256([]byte(own))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if !strings.Contains(PageCSP(Page{Script: own}), hash) || strings.Contains(CSP, hash) {
		t.Errorf("the page's script hash %s must be in its CSP and only there", hash)
	}
	var found bool
	for _, m := range scriptRE.FindAllStringSubmatch(page, -1) {
		found = found || m[2] == own
	}
	if !found {
		t.Errorf("the page does not carry its script verbatim")
	}
	if PageCSP(Page{}) != CSP {
		t.Errorf("a page without a script has CSP %q, want the kit's", PageCSP(Page{}))
	}
}

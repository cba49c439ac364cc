package htmlpage_test

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parley-cx/parley/internal/htmlpage"
)

func ExampleWritePage() {
	dir, err := os.MkdirTemp("", "reports-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Conversations per channel"}))
	bar.SetXAxis([]string{"chat", "email"}).AddSeries("conversations", []opts.BarData{{Value: 120}, {Value: 45}})
	chart, err := htmlpage.Chart(bar, "320px")
	if err != nil {
		panic(err)
	}
	note := template.Must(template.New("note").Parse(`<p class="note">Busiest agent: {{.}}</p>`))
	text, err := htmlpage.Fragment(note, "<b>Ann</b>") // escaped, shown as typed
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "index.html")
	err = htmlpage.WritePage(path, htmlpage.Page{
		Title:     "Overview",
		Period:    "2026-03-01 to 2026-03-31 (31 days)",
		TimeZone:  "Europe/London",
		Freshness: "events to 2026-03-31 23:58; built 2026-04-01 06:00",
		Nav:       []htmlpage.Link{{Href: "index.html", Label: "Overview", Current: true}},
		Body:      chart + text,
	})
	if err != nil {
		panic(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Contains(string(page), `http-equiv="Content-Security-Policy"`))
	fmt.Println(strings.Contains(string(page), "&lt;b&gt;Ann&lt;/b&gt;"))
	// Output:
	// true
	// true
}

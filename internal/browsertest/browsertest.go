// Package browsertest loads Parley's HTML pages in a real headless Chromium with the network cut off and reports what a reader would see: console errors, requests that tried to leave the page, and whether each chart was drawn.
//
// Dashboards and QA tests share it:
//
//	b := browsertest.New(t)                  // one Chromium for the test
//	p := b.Open(t, filepath.Join(out, "index.html"))
//	p.RequireClean(t)                        // no console errors, no requests out, every chart painted
//	if browsertest.Eval[bool](t, p, "window.pwned === true") { ... }
//	if !strings.Contains(p.Text(t), "<script>") { ... } // shown as text
//
// Pages can be used as a person would: p.Run(t, chromedp.Click("#qa-download"))
// clicks and types, and after b.Downloads(t, dir) the files pages download
// land in dir (b.Downloaded waits for one).
//
// Servers on 127.0.0.1 are opened the same way: b.Session(t) is a browser
// context of its own (cookies, storage: one signed-in person), and
// s.OpenURL(t, url) lets the page talk to its own origin and nothing else;
// p.Status says the HTTP status of the document shown, p.Go navigates on.
//
// The browser is PARLEY_CHROMIUM if set, else the first of Chromium or
// Google Chrome found on PATH or in /Applications (macOS). Where there is
// none, the test is skipped with a message saying how to install one, except
// under CI (CI set, as .ci/run has it, which installs Debian's chromium),
// where a missing browser fails the test: CI cannot silently lose the check.
package browsertest

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Viewport is the window size pages are checked at: a common laptop screen.
const (
	ViewportWidth  = 1366
	ViewportHeight = 900
)

// pageTimeout bounds loading one page.
const pageTimeout = 20 * time.Second

// Browser is one headless Chromium process, closed when the test ends.
type Browser struct {
	// ChartWait bounds the wait for a page's charts to draw (default 5s);
	// a working chart draws within milliseconds.
	ChartWait time.Duration
	ctx       context.Context
	// downloads is the folder Downloads set, "" when downloads are refused.
	downloads string
}

// chromiumNames and chromiumApps are where findChromium looks, in order.
var (
	chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	chromiumApps  = []string{"/Applications/Chromium.app/Contents/MacOS/Chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}
)

// findChromium is the browser to run, or "" when there is none.
func findChromium() string {
	if bin := os.Getenv("PARLEY_CHROMIUM"); bin != "" {
		return bin
	}
	for _, name := range chromiumNames {
		if bin, err := exec.LookPath(name); err == nil {
			return bin
		}
	}
	for _, app := range chromiumApps {
		if _, err := os.Stat(app); err == nil {
			return app
		}
	}
	return ""
}

// New starts Chromium with a fresh profile under t.TempDir(), no GPU, no
// background networking, and every host name unresolvable and every proxy
// dead (127.0.0.1 alone is reached, for the tests' own servers), so
// nothing can reach the network even if a request escapes the
// interception in Open.
func New(t testing.TB) *Browser {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		const msg = "browsertest: no Chromium or Chrome found (looked for PARLEY_CHROMIUM, %s on PATH, and %s); install one (Debian: apt-get install chromium; macOS: brew install --cask chromium) or set PARLEY_CHROMIUM"
		if os.Getenv("CI") != "" {
			t.Fatalf(msg, strings.Join(chromiumNames, ", "), strings.Join(chromiumApps, ", "))
		}
		t.Skipf(msg, strings.Join(chromiumNames, ", "), strings.Join(chromiumApps, ", "))
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		// Every host name is unresolvable and every proxy dead, but for the
		// test's own servers on 127.0.0.1 (OpenURL), reached directly.
		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "127.0.0.1"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(ViewportWidth, ViewportHeight),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser now so a launch failure is reported here, not at the first page.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: start %s: %v", bin, err)
	}
	return &Browser{ChartWait: 5 * time.Second, ctx: ctx}
}

// downloadWait bounds the wait for a download to land on disk.
const downloadWait = 20 * time.Second

// Downloads lets pages download files (a link with a download attribute,
// as "Download scores" makes) into dir, under the names the pages suggest.
// Headless Chromium refuses downloads until told where to put them.
func (b *Browser) Downloads(t testing.TB, dir string) {
	t.Helper()
	_, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	})
	if err != nil {
		t.Fatalf("browsertest: allow downloads into %s: %v", dir, err)
	}
	b.downloads = dir
}

// Downloaded waits for the file name to finish downloading into the
// Downloads folder and returns its path.
func (b *Browser) Downloaded(t testing.TB, name string) string {
	t.Helper()
	if b.downloads == "" {
		t.Fatal("browsertest: Downloaded without Downloads")
	}
	path := filepath.Join(b.downloads, name)
	for deadline := time.Now().Add(downloadWait); ; {
		// Chromium writes <name>.crdownload and renames it when done.
		if _, err := os.Stat(path); err == nil {
			return path
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(b.downloads) //nolint:errcheck // only to say what did arrive
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Fatalf("browsertest: %s was not downloaded within %s (the folder holds %v)", name, downloadWait, names)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Session is a browser context of its own in the same Chromium: its own
// cookies and storage, as if another person used another browser. It
// closes when the test ends.
func (b *Browser) Session(t testing.TB) *Browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: new browser context: %v", err)
	}
	return &Browser{ChartWait: b.ChartWait, ctx: ctx, downloads: b.downloads}
}

// Page is one loaded page and what happened while it loaded.
type Page struct {
	Path string
	URL  string
	// origins, for a page opened with OpenURL, are the schemes and hosts
	// its requests may go to; file pages may request nothing but themselves.
	origins []string
	// status is the HTTP status of the last document loaded in the tab.
	status int
	// ConsoleErrors holds console.error calls, uncaught exceptions and
	// browser log errors (CSP violations and failed loads land there).
	ConsoleErrors []string
	// Requests holds every URL the page asked for other than itself and
	// data: URLs; each was refused.
	Requests []string
	// Charts is the pixel census of each chart, in page order.
	Charts []Chart

	ctx context.Context
	mu  sync.Mutex
}

// Chart is what one chart element (div.chart, as the reports kit emits it) holds.
type Chart struct {
	Canvases int // canvas elements ECharts created
	Width    int // of the first canvas, in device pixels
	Height   int
	Painted  int // pixels with non-zero alpha, over all canvases
}

// Open loads the file at path in a new tab with every network request
// refused, waits for the load and for the charts to draw (or the timeout),
// and records what happened. The tab closes when the test ends.
func (b *Browser) Open(t testing.TB, path string) *Page {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatalf("browsertest: %s: %v", path, err)
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	return b.open(t, &Page{Path: abs, URL: u})
}

// OpenURL loads an http(s) page, of a server the test started on
// 127.0.0.1, in a new tab of this browser (context). The page may make
// requests to its own origin (links, forms, its scripts' fetches) and to
// the origins of the also URLs (another server of the test); any other
// request is recorded and refused.
func (b *Browser) OpenURL(t testing.TB, rawURL string, also ...string) *Page {
	t.Helper()
	p := &Page{URL: rawURL}
	for _, raw := range append([]string{rawURL}, also...) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("browsertest: %q is not an http(s) URL", raw)
		}
		if p.Path == "" {
			p.Path = u.Path
		}
		p.origins = append(p.origins, u.Scheme+"://"+u.Host)
	}
	return b.open(t, p)
}

func (b *Browser) open(t testing.TB, p *Page) *Page {
	t.Helper()
	u := p.URL
	// The listener runs in the tab's read loop, so every event that arrived
	// before a command's reply is recorded when that command returns.
	tab, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(p.listen))
	t.Cleanup(cancel)
	p.ctx = tab

	paused := chromedp.Events(tab, fetch.RequestPaused)
	go p.gate(tab, paused)

	ctx, stop := context.WithTimeout(tab, pageTimeout)
	defer stop()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: "*"}},
	}); err != nil {
		t.Fatalf("browsertest: intercept requests: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(ViewportWidth, ViewportHeight),
		chromedp.Navigate(u),
		chromedp.WaitReady("body"),
	)
	if err != nil {
		t.Fatalf("browsertest: load %s: %v", u, err)
	}
	p.Charts = p.waitCharts(ctx, t, time.Now().Add(b.ChartWait))
	return p
}

// Go navigates the page's tab to rawURL (on the page's origin) and waits
// for it to load.
func (p *Page) Go(t testing.TB, rawURL string) {
	t.Helper()
	p.Run(t, chromedp.Navigate(rawURL), chromedp.WaitReady("body"))
}

// Status is the HTTP status of the document the tab shows (0 for files).
func (p *Page) Status() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// gate answers every intercepted request: the page's own file goes
// through, anything else is recorded and refused. It ends with the tab.
func (p *Page) gate(tab context.Context, paused iter.Seq2[fetch.EventRequestPaused, error]) {
	for ev, err := range paused {
		if err != nil {
			return
		}
		if p.own(ev.Request.URL) {
			if _, err := chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID}); err != nil {
				return // the tab is closing
			}
			continue
		}
		p.add(&p.Requests, ev.Request.URL)
		if _, err := chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{
			RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient,
		}); err != nil {
			return
		}
	}
}

// listen records console errors and requests; it must return fast and run no command.
func (p *Page) listen(ev any) {
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		// Requests that Fetch does not pause for still count.
		if !p.own(e.Request.URL) {
			p.add(&p.Requests, e.Request.URL)
		}
	case *network.EventResponseReceived:
		if e.Type == network.ResourceTypeDocument {
			p.mu.Lock()
			p.status = int(e.Response.Status)
			p.mu.Unlock()
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.add(&p.ConsoleErrors, "console."+string(e.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.add(&p.ConsoleErrors, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg))
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			p.add(&p.ConsoleErrors, fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

// own reports whether u is the page itself (or, for a served page, its
// origin), inline data or an object the page made, which are not requests
// leaving the page.
func (p *Page) own(u string) bool {
	// blob: URLs name what the page itself made (a download it builds).
	if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "about:") || strings.HasPrefix(u, "blob:") {
		return true
	}
	for _, o := range p.origins {
		if u == o || strings.HasPrefix(u, o+"/") {
			return true
		}
	}
	if len(p.origins) > 0 {
		return false
	}
	base, _, _ := strings.Cut(u, "#")
	return base == p.URL
}

func (p *Page) add(list *[]string, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, have := range *list {
		if have == s {
			return
		}
	}
	*list = append(*list, s)
}

// chartCensus counts, for every chart the reader can see, its canvases and the
// pixels drawn on them. A chart in a hidden part of a page (a view of a report
// not shown) is drawn when it shows, and is not counted until then.
const chartCensus = `Array.from(document.querySelectorAll("div.chart")).filter(function (el) {
  return el.getClientRects().length > 0;
}).map(function (el) {
  var r = {canvases: 0, width: 0, height: 0, painted: 0};
  el.querySelectorAll("canvas").forEach(function (c) {
    if (r.canvases === 0) { r.width = c.width; r.height = c.height; }
    r.canvases++;
    if (!c.width || !c.height) { return; }
    var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) { r.painted++; } }
  });
  return r;
})`

// waitCharts polls the chart census until every chart has painted pixels or
// the deadline passes; ECharts draws on the next animation frame, not at once.
func (p *Page) waitCharts(ctx context.Context, t testing.TB, deadline time.Time) []Chart {
	t.Helper()
	for {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct{ Canvases, Width, Height, Painted int }](chartCensus))
		if err != nil {
			t.Fatalf("browsertest: inspect charts of %s: %v", p.URL, err)
		}
		charts := make([]Chart, len(raw))
		done := true
		for i, r := range raw {
			charts[i] = Chart(r)
			done = done && r.Painted > 0
		}
		if done || time.Now().After(deadline) {
			return charts
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitFor polls the JavaScript expression ready until it is true, for a page
// that draws itself after loading (the dashboards inflate their data first),
// then takes the chart census again. It fails the test after pageTimeout.
func (p *Page) WaitFor(t testing.TB, ready string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, pageTimeout)
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+ready+")"))
		if err != nil {
			t.Fatalf("browsertest: wait for %q on %s: %v", ready, p.URL, err)
		}
		if ok {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Charts = p.waitCharts(ctx, t, time.Now().Add(5*time.Second))
}

// Eval evaluates a JavaScript expression in the page and returns its value
// decoded into T.
func Eval[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browsertest: evaluate %q on %s: %v", expr, p.URL, err)
	}
	return v
}

// Run runs chromedp actions in the page (clicks, typing), failing the test
// on the first error.
func (p *Page) Run(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, pageTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browsertest: on %s: %v", p.URL, err)
	}
}

// Text is the page's visible text (document.body.innerText).
func (p *Page) Text(t testing.TB) string {
	t.Helper()
	return Eval[string](t, p, "document.body.innerText")
}

// Screenshot saves a full-page PNG under t.TempDir() (or in the folder
// named by PARLEY_SCREENSHOTS, to keep it after the test), logs its path and
// returns it.
func (p *Page) Screenshot(t testing.TB) string {
	t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browsertest: screenshot %s: %v", p.URL, err)
	}
	name := strings.TrimSuffix(filepath.Base(p.Path), filepath.Ext(p.Path)) + ".png"
	dir := os.Getenv("PARLEY_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("browsertest: screenshot folder: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: save screenshot: %v", err)
	}
	t.Logf("screenshot of %s: %s", filepath.Base(p.Path), path)
	return path
}

// RequireClean fails the test unless the page logged no console error, sent
// no request off the page, and drew every chart; it saves a screenshot
// either way, so a failure can be looked at.
func (p *Page) RequireClean(t testing.TB) {
	t.Helper()
	p.Screenshot(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.ConsoleErrors {
		t.Errorf("%s: console error: %s", filepath.Base(p.Path), e)
	}
	for _, r := range p.Requests {
		t.Errorf("%s: request left the page: %s", filepath.Base(p.Path), r)
	}
	for i, c := range p.Charts {
		if c.Canvases == 0 || c.Painted == 0 {
			t.Errorf("%s: chart %d is blank (%d canvases, %d painted pixels)", filepath.Base(p.Path), i+1, c.Canvases, c.Painted)
		}
	}
}

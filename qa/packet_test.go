package qa

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/bidi"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/realdata"
	"github.com/parley-cx/parley/internal/redact"
)

// hostileFixture is one conversation whose customer writes markup and
// personal data, and whose customer id is a phone number (as on WhatsApp).
func hostileFixture() []fconv {
	return []fconv{{
		id: "c-1", agent: "ana", day: 10, complete: true, csat: 2, friction: 40, escalated: true,
		customer: "+44 20 7946 0958",
		texts: []string{
			`<script>window.pwned = true</script><img src=x onerror="window.pwned=true">`,
			"I'm ann@example.com, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00",
			"order #123456 from 2026-03-01 cost $1,234.56 at 10:30",
		},
	}}
}

func TestPacketRedactsAndEscapes(t *testing.T) {
	db := newWarehouse(t, hostileFixture())
	tests := []struct {
		name       string
		noRedact   bool
		present    []string // in the transcript's visible text
		notPresent []string // nowhere in the transcript file
	}{
		{
			name: "redacted",
			present: []string{
				"I'm [email], card [card], IBAN [iban]",
				"order #123456 from 2026-03-01 cost $1,234.56 at 10:30",
				"Customer\n", "[phone]", "internal note", "Escalated by Agent ana to agent, queue tier2",
			},
			notPresent: []string{"ann@example.com", "4111 1111 1111 1111", "DE89 3704", "7946 0958"},
		},
		{
			name:       "no redact",
			noRedact:   true,
			present:    []string{"I'm ann@example.com, card 4111 1111 1111 1111", "+44 20 7946 0958"},
			notPresent: []string{"[email]", "[card]"},
		},
	}
	b := browsertest.New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, rows := runSample(t, Config{DB: db, Size: 1, NoRedact: tt.noRedact})
			page := filepath.Join(res.Dir, filepath.FromSlash(rows[0].Page))
			raw, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.notPresent {
				if strings.Contains(string(raw), s) {
					t.Errorf("transcript file contains %q", s)
				}
			}

			p := b.Open(t, page)
			p.RequireClean(t)
			csp := browsertest.Eval[string](t, p, `document.querySelector('meta[http-equiv="Content-Security-Policy"]').content`)
			if want := htmlpage.PageCSP(htmlpage.Page{Script: reviewJS}); csp != want {
				t.Errorf("transcript page CSP %q, want the kit's with the review form's script %q", csp, want)
			}
			text := p.Text(t)
			// The markup arrives as text a reviewer can read, and never runs.
			if !strings.Contains(text, `<script>window.pwned = true</script><img src=x onerror="window.pwned=true">`) {
				t.Errorf("the <script> message is not shown as text; page text:\n%s", text)
			}
			if browsertest.Eval[bool](t, p, `window.pwned === true`) {
				t.Errorf("the customer's script ran")
			}
			if n := browsertest.Eval[int](t, p, `document.querySelectorAll("main script:not([type='application/json']), main img").length`); n != 0 {
				t.Errorf("%d script/img elements in the transcript body", n)
			}
			// The review form's handlers are attached by its script: no element
			// carries an inline handler, which the CSP would refuse anyway.
			if n := browsertest.Eval[int](t, p, `[...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).length`); n != 0 {
				t.Errorf("%d elements with inline event handlers", n)
			}
			for _, s := range tt.present {
				if !strings.Contains(text, s) {
					t.Errorf("page text lacks %q; page text:\n%s", s, text)
				}
			}

			idx := b.Open(t, filepath.Join(res.Dir, "index.html"))
			idx.RequireClean(t)
			if n := browsertest.Eval[int](t, idx, `document.querySelectorAll("table.data tbody a[href='`+rows[0].Page+`']").length`); n != 1 {
				t.Errorf("index links %d times to %s, want 1", n, rows[0].Page)
			}
		})
	}
}

// Transcript times are the org's wall clock, as the warehouse recorded it.
func TestPacketLocalTimes(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	// Day 10 is 2026-03-12, 09:00 UTC: 05:00 in New York (EDT since 8 March).
	if err := buildWarehouse(path, ny, []fconv{{id: "c1", agent: "ana", day: 10, complete: true}}); err != nil {
		t.Fatal(err)
	}
	res, rows := runSample(t, Config{DB: path, Size: 1})
	page, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(rows[0].Page)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026-03-12 05:00:00", "2026-03-12 05:01:00", "America/New_York"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if strings.Contains(string(page), "2026-03-12 09:01:00") {
		t.Errorf("transcript shows UTC times")
	}
}

// Conversation ids are untrusted: pages are named by position, so an id
// with "../" cannot place a file outside the packet.
func TestPacketHostileIDs(t *testing.T) {
	convs := []fconv{
		{id: "../../escape", agent: "ana", day: 10, complete: true},
		{id: `"><script>alert(1)</script>`, agent: "ana", day: 10, complete: true},
	}
	db := newWarehouse(t, convs)
	out := t.TempDir()
	res, rows := runSample(t, Config{DB: db, Out: out, Size: 2})
	if len(rows) != 2 {
		t.Fatalf("sampled %d, want 2", len(rows))
	}
	files := readTree(t, out)
	for name := range files {
		if strings.Contains(name, "escape") || !strings.HasPrefix(name, res.Run+string(filepath.Separator)) && name != DefaultLedgerName {
			t.Errorf("unexpected file %s", name)
		}
	}
	index := string(files[filepath.Join(res.Run, "index.html")])
	if strings.Contains(index, "<script>alert(1)</script>") {
		t.Errorf("index.html holds the id's markup unescaped")
	}
	jsonl := string(files[filepath.Join(res.Run, "manifest.jsonl")])
	if strings.Contains(jsonl, "<script>") {
		t.Errorf("manifest.jsonl holds raw markup; want it \\u003c-escaped")
	}
}

// Real dialogues render as transcripts with the customers' contact details
// redacted and their order ids kept.
func TestPacketRealDialogues(t *testing.T) {
	// Three real customer-agent dialogues from ASAPP's ABCD data set
	// (docs/real-data.md), with the customers' e-mail addresses, phone
	// numbers and order ids in the text.
	abcdPath := realdata.Path(t, "abcd_sample.json")
	raw, err := os.ReadFile(abcdPath)
	if err != nil {
		t.Fatal(err)
	}
	var dialogues []struct {
		ID       int `json:"convo_id"`
		Scenario struct {
			Personal struct{ Email, Phone string }
			Order    struct {
				OrderID string `json:"order_id"`
			}
		}
		Original [][2]string
	}
	if err := json.Unmarshal(raw, &dialogues); err != nil {
		t.Fatalf("%s: %v", abcdPath, err)
	}
	var convs []fconv
	for _, d := range dialogues {
		c := fconv{id: fmt.Sprintf("abcd-%d", d.ID), agent: "agent-1", day: 10, complete: true}
		for _, turn := range d.Original {
			role := turn[0]
			if role == "action" {
				role = "system" // the agent's tool actions
			}
			c.dialogue = append(c.dialogue, [2]string{role, turn[1]})
		}
		convs = append(convs, c)
	}
	res, rows := runSample(t, Config{DB: newWarehouse(t, convs), Size: 10})
	if len(rows) != len(dialogues) {
		t.Fatalf("sampled %d of %d dialogues", len(rows), len(dialogues))
	}
	var pages strings.Builder
	for _, r := range rows {
		b, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(r.Page)))
		if err != nil {
			t.Fatal(err)
		}
		pages.Write(b)
	}
	all := pages.String()
	var checked, orderIDs int
	for _, d := range dialogues {
		var said strings.Builder
		for _, turn := range d.Original {
			said.WriteString(turn[1] + "\n")
		}
		for _, pii := range []string{d.Scenario.Personal.Email, d.Scenario.Personal.Phone} {
			if pii == "" || !strings.Contains(said.String(), pii) {
				continue // not written in this dialogue
			}
			checked++
			if strings.Contains(all, pii) {
				t.Errorf("dialogue %d: %q is in the packet", d.ID, pii)
			}
		}
		if id := d.Scenario.Order.OrderID; id != "" && strings.Contains(said.String(), id) && strings.Contains(all, id) {
			orderIDs++
		}
	}
	if checked == 0 {
		t.Errorf("no dialogue writes its customer's e-mail or phone; the test checks nothing")
	}
	if !strings.Contains(all, redact.Email) {
		t.Errorf("no %s placeholder in the packet", redact.Email)
	}
	if orderIDs == 0 {
		t.Errorf("no order id survived; order ids are not personal data")
	}
	for _, want := range []string{"Customer", "Agent <bdi>agent-1</bdi>", "I&#39;m a bronze"} {
		if !strings.Contains(all, want) {
			t.Errorf("transcripts lack %q", want)
		}
	}
}

// A customer id is the customer's phone number on WhatsApp and SMS, written
// as bare digits ("447700900123", "whatsapp:447700900123"): the transcript's
// Customer field shows a placeholder, as docs/qa.md promises, and opaque ids
// stay. Messages lose every kind of personal data, however it is spaced.
func TestPacketRedactsCustomerIDs(t *testing.T) {
	tests := []struct{ id, want string }{
		{"447700900123", "[phone]"},
		{"whatsapp:447700900123", "whatsapp:[phone]"},
		{"+447700900123", "[phone]"},
		{"sms:14155550132", "sms:[phone]"},
		{"ann@example.com", "[email]"},
		{"cus_1a2b3c4d", "cus_1a2b3c4d"},
	}
	planted := []string{"123-45-6789", "14/03/1985", "4111\u00a01111\u00a01111\u00a01111", "192.168.1.23", "QQ 12 34 56 C"}
	var convs []fconv
	for i, tt := range tests {
		convs = append(convs, fconv{
			id: fmt.Sprintf("c-%d", i), agent: "ana", day: 10, complete: true, channel: "whatsapp", customer: tt.id,
			texts: []string{"my SSN is " + planted[0] + ", born on " + planted[1] + ", card " + planted[2] +
				", IP " + planted[3] + ", NI number " + planted[4] + " 🙂"},
		})
	}
	res, rows := runSample(t, Config{DB: newWarehouse(t, convs), Size: len(convs)})
	if len(rows) != len(tests) {
		t.Fatalf("sampled %d of %d conversations", len(rows), len(tests))
	}
	for _, r := range rows {
		var i int
		if _, err := fmt.Sscanf(r.ConversationID, "c-%d", &i); err != nil {
			t.Fatal(err)
		}
		tt := tests[i]
		raw, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(r.Page)))
		if err != nil {
			t.Fatal(err)
		}
		page := string(raw)
		if want := "<dt>Customer</dt><dd>" + tt.want + "</dd>"; !strings.Contains(page, want) {
			t.Errorf("customer %q: page lacks %q", tt.id, want)
		}
		if tt.want != tt.id && strings.Contains(page, tt.id) {
			t.Errorf("customer %q: the id is in the page", tt.id)
		}
		for _, p := range planted {
			if strings.Contains(page, p) {
				t.Errorf("customer %q: %q is in the page", tt.id, p)
			}
		}
		if want := "my SSN is [ssn], born on [dob], card [card], IP [ip], NI number [nino] 🙂"; !strings.Contains(page, want) {
			t.Errorf("customer %q: page lacks %q", tt.id, want)
		}
	}
}

// TestPacketMarksFailedChecks: a transcript page marks the evidence
// message of each failed automatic check with the check's name and detail,
// lists every failed check in its summary (linking to the marked message,
// or with the detail where no single message decided it), leaves passes
// and N/A unmarked, and shows details as redacted text; a warehouse built
// before the automatic checks gets pages that say so.
func TestPacketMarksFailedChecks(t *testing.T) {
	const hostile = `<script>window.pwned = true</script>`
	failed := fconv{
		id: "c-fail", agent: "ana", day: 10, complete: true,
		dialogue: [][2]string{
			{"customer", "my card was charged twice"},   // seq 2
			{"agent", "ok let me chekc teh order"},      // seq 3: no greeting, misspelt
			{"customer", "thanks"},                      // seq 4
			{"agent", "Anything else I can help with?"}, // seq 5: closes
		},
		auto: []autoRow{
			{"greeting", "fail", 3, "the first agent reply has no greeting (phrases: en)"},
			{"closing", "pass", 5, "the last agent reply before the resolution closes"},
			{"spelling", "fail", 3, "2 of 6 words misspelt: chekc, teh " + hostile + " ann@example.com"},
			{"nudge", "fail", 0, "1 nudge sent"},
			{"end_sentiment", "na", 0, "the customer wrote nothing"},
			// Evidence no event of the transcript has: listed, never lost.
			{"transfer_loop", "fail", 99, "moved back to queue billing"},
		},
	}
	clean := fconv{
		id: "c-clean", agent: "ana", day: 10, complete: true,
		auto: []autoRow{{"greeting", "pass", 3, "greets: hello"}, {"nudge", "pass", 0, "no nudge"}},
	}
	tests := []struct {
		name   string
		conv   fconv
		dropAQ bool // a warehouse built before auto_qa
		// summary is what the summary's "Automatic checks" entry says.
		summary []string
		// marked is the text of each marked transcript line, in order.
		marked []string
		// links are the summary's links to marked lines.
		links int
	}{
		{
			name: "failed", conv: failed,
			summary: []string{"4 failed:", "greeting", "spelling", "nudge", "1 nudge sent", "transfer_loop", "moved back to queue billing"},
			marked: []string{"ok let me chekc teh order" +
				"greeting the first agent reply has no greeting (phrases: en)" +
				"spelling 2 of 6 words misspelt: chekc, teh " + hostile + " [email]"},
			links: 2,
		},
		{name: "none failed", conv: clean, summary: []string{"none failed"}},
		{name: "no auto_qa", conv: failed, dropAQ: true, summary: []string{"not in this warehouse", "run parley build"}},
	}
	b := browsertest.New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newWarehouse(t, []fconv{tt.conv})
			if tt.dropAQ {
				execOn(t, db, "DROP TABLE auto_qa")
			}
			res, rows := runSample(t, Config{DB: db, Size: 1})
			path := filepath.Join(res.Dir, filepath.FromSlash(rows[0].Page))
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "ann@example.com") {
				t.Errorf("a check's detail put an e-mail address in the page unredacted")
			}
			p := b.Open(t, path)
			p.RequireClean(t)
			if browsertest.Eval[bool](t, p, `window.pwned === true`) {
				t.Errorf("a check's detail ran as script")
			}
			summary := browsertest.Eval[string](t, p, `document.querySelector("dd.auto-summary").textContent`)
			for _, want := range tt.summary {
				if !strings.Contains(summary, want) {
					t.Errorf("summary %q lacks %q", summary, want)
				}
			}
			marked := browsertest.Eval[[]string](t, p, `[...document.querySelectorAll("ol.transcript li.auto-fail")].map(li =>
				li.querySelector(".text").textContent + [...li.querySelectorAll(".auto-qa p")].map(p => p.textContent).join(""))`)
			if strings.Join(marked, "|") != strings.Join(tt.marked, "|") {
				t.Errorf("marked lines %q, want %q", marked, tt.marked)
			}
			// Every summary link leads to a marked line; following it makes
			// that line the page's target.
			links := browsertest.Eval[[]string](t, p, `[...document.querySelectorAll("dd.auto-summary a")].map(a => a.getAttribute("href"))`)
			if len(links) != tt.links {
				t.Errorf("summary links %q, want %d", links, tt.links)
			}
			for _, href := range links {
				if !browsertest.Eval[bool](t, p, `(function () { const e = document.getElementById(`+strconv.Quote(strings.TrimPrefix(href, "#"))+`); return e !== null && e.classList.contains("auto-fail"); })()`) {
					t.Errorf("summary link %s leads to no marked line", href)
				}
			}
			if len(links) > 0 {
				target := browsertest.Eval[string](t, p, `(function () { document.querySelector("dd.auto-summary a").click(); const e = document.querySelector(":target"); return e ? e.id : ""; })()`)
				if target != strings.TrimPrefix(links[0], "#") {
					t.Errorf("following the summary link targets %q, want %s", target, links[0])
				}
			}
		})
	}
}

// Agent ids are the team's own identifiers, which reviewers score agents
// by, and queue names come from its routing: a packet shows both as
// written, the same everywhere (docs/qa.md, PII redaction), even when an
// agent id is an e-mail address, and HTML-escaped.
func TestPacketShowsAgentIDsAndQueuesAsWritten(t *testing.T) {
	const agent, queue = "alice.smith@corp.example.com", "vip-john.doe@example.com <b>x</b>"
	db := newWarehouse(t, []fconv{{id: "c-1", agent: agent, queue: queue, day: 10, complete: true, assigned: true, escalated: true}})
	res, rows := runSample(t, Config{DB: db, Size: 1})
	if rows[0].Agent != agent || rows[0].Queue != queue {
		t.Errorf("manifest agent %q, queue %q; want %q, %q", rows[0].Agent, rows[0].Queue, agent, queue)
	}
	files := readTree(t, filepath.Dir(res.Dir))
	transcript := string(files[filepath.Join(res.Run, filepath.FromSlash(rows[0].Page))])
	escaped := "vip-john.doe@example.com &lt;b&gt;x&lt;/b&gt;"
	for _, want := range []string{
		"<dt>Agent</dt><dd>" + agent + "</dd>",
		"Assigned to Agent <bdi>" + agent + "</bdi>",
		"Escalated by Agent <bdi>" + agent + "</bdi> to agent, queue <bdi>tier2</bdi>",
		`<span class="who">Agent <bdi>` + agent + "</bdi></span>",
		"in queue <bdi>" + escaped + "</bdi>",
		"<bdi>webchat</bdi>, <bdi>" + escaped + "</bdi>",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if strings.Contains(transcript, redact.Email) || strings.Contains(transcript, "<b>x</b>") {
		t.Errorf("transcript redacts the agent id or queue somewhere, or holds the queue's markup unescaped")
	}
	for _, name := range []string{"manifest.csv", "manifest.jsonl", TemplateName} {
		f := string(files[filepath.Join(res.Run, name)])
		if !strings.Contains(f, agent) || strings.Contains(f, redact.Email) {
			t.Errorf("%s does not show the agent id %q as written", name, agent)
		}
	}
	index := string(files[filepath.Join(res.Run, "index.html")])
	if !strings.Contains(index, "<td>"+agent+"</td><td>"+escaped+"</td>") {
		t.Errorf("index.html does not show the agent id and queue as written, escaped")
	}
	if ledger := string(files[DefaultLedgerName]); !strings.Contains(ledger, agent) {
		t.Errorf("ledger does not show the agent id %q as written", agent)
	}
}

// Values from the events sit in the page's own text (speaker labels, event
// lines, the summary) in <bdi>, and message texts in containers of their
// own direction, so a right-to-left override in them reorders nothing
// around them in a browser, even one that first closes the isolate with a
// stray PDI (U+2069) or ends the paragraph (U+2029).
func TestPacketIsolatesBidiControls(t *testing.T) {
	const (
		rlo, pdi   = "\u202e", "\u2069"
		agent      = "ana" + pdi + rlo
		channel    = "web" + "\u2029" + rlo + "chat"
		spoofed    = "invoice" + rlo + "gpj.exe"
		queueValue = "billing" + pdi + pdi + rlo
	)
	db := newWarehouse(t, []fconv{{id: "c-1", agent: agent, channel: channel, queue: queueValue, day: 10, complete: true,
		escalated: true, texts: []string{spoofed}}})
	res, rows := runSample(t, Config{DB: db, Size: 1})
	path := filepath.Join(res.Dir, filepath.FromSlash(rows[0].Page))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<div class="text" dir="auto">` + spoofed + "</div>",
		"Escalated by Agent <bdi>ana" + rlo + "</bdi> to agent, queue <bdi>tier2</bdi>",
		"<bdi>web " + rlo + "chat</bdi>, <bdi>billing" + rlo + "</bdi>",
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("transcript lacks %q", want)
		}
	}

	b := browsertest.New(t)
	p := b.Open(t, path)
	p.RequireClean(t)
	// left returns the x at which the browser lays out the first
	// occurrence of text in el's text (without crossing text nodes). An
	// override reverses the text after it: its later words come first.
	const left = `function left(el, text) {
		const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const i = n.data.indexOf(text);
			if (i >= 0) { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + text.length); return r.getBoundingClientRect().left; }
		}
		throw new Error("no " + text + " in " + el.outerHTML);
	}`
	checks := []struct{ name, js string }{
		{"the escalation line after the agent id", `(() => {
			const li = [...document.querySelectorAll("ol.transcript li.event")].find(li => li.textContent.includes("Escalated"));
			return left(li, "Escalated") < left(li, " to ") && left(li, " to ") < left(li, "queue") && left(li, "queue") < left(li, "tier2");
		})()`},
		{"the time after an agent's label", `(() => {
			const when = [...document.querySelectorAll("ol.transcript li.agent .when")].pop();
			return left(when, "2026") < left(when, "-03-") && left(when, "-03-") < left(when, ":");
		})()`},
		{"the queue after the channel", `(() => {
			const dd = [...document.querySelectorAll("dl.qa-summary dd")].find(dd => dd.textContent.includes("billing"));
			return left(dd, "web") < left(dd, "chat") && left(dd, "chat") < left(dd, "billing");
		})()`},
	}
	for _, c := range checks {
		if !browsertest.Eval[bool](t, p, "(() => { "+left+"; return "+c.js+"; })()") {
			t.Errorf("%s: reordered by an override in a value", c.name)
		}
	}
}

// inline keeps what a value means and drops only what would end its
// isolation: stray PDIs and paragraph separators.
func TestInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"billing", "billing"},
		{"ann\u202e", "ann\u202e"},
		{"a\u2069\u202eb", "a\u202eb"},
		{"a\u2067b\u2069\u2069c", "a\u2067b\u2069c"},
		{"a\u2066\u2068b\u2069", "a\u2066\u2068b\u2069"},
		{"a\nb\r\u2029\u0085\x1cc", "a b   \x20c"},
	}
	for _, tt := range tests {
		if got := inline(tt.in); got != tt.want {
			t.Errorf("inline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// paragraphSeparator is bidi class B, as golang.org/x/text reads the
	// Unicode tables.
	for r := rune(0); r <= unicode.MaxRune; r++ {
		p, _ := bidi.LookupRune(r)
		if want := p.Class() == bidi.B; paragraphSeparator(r) != want {
			t.Errorf("paragraphSeparator(%U) = %v, want %v", r, !want, want)
		}
	}
}

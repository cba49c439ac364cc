package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/dashboards"
)

// reportData reads back the figures a report carries (the gzipped JSON in index.html's data
// block): what the page's script computes every chart and table from.
func reportData(t *testing.T, dir string) map[string]any {
	t.Helper()
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<script type="application/json" id="parley-data">("[^"]*")</script>`).FindSubmatch(page)
	if m == nil {
		t.Fatal("index.html holds no data block")
	}
	var b64 string
	if err := json.Unmarshal(m[1], &b64); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(text, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// column is one text column of the report's conversations, decoded.
func column(t *testing.T, d map[string]any, name string) []string {
	t.Helper()
	col := d["conversations"].(map[string]any)["cols"].(map[string]any)[name]
	var out []string
	switch c := col.(type) {
	case map[string]any:
		dict := c["dict"].([]any)
		for _, k := range c["codes"].([]any) {
			out = append(out, dict[int(k.(float64))].(string))
		}
	case []any:
		for _, v := range c {
			out = append(out, v.(string))
		}
	}
	return out
}

// TestReportWithoutChannel: the channel is optional in the event contract,
// so a conversation whose events name none must reach the report, counted
// under "unknown", instead of failing it (it used to: NULL channel
// scanned into a string).
func TestReportWithoutChannel(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	if out := mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM conversations WHERE channel = 'unknown'"); out != "n\n1\n" {
		t.Fatalf("conversations without a channel: %q, want one counted as unknown", out)
	}
	out := filepath.Join(dir, "report")
	mustParley(t, "report", "--db", db, "--out", out, "--from", "2026-07-06", "--to", "2026-07-20")
	if !slices.Contains(column(t, reportData(t, out), "channel"), "unknown") {
		t.Errorf("the report does not carry the channel-less conversation as unknown")
	}
}

// TestReportSliceAndEmptyPeriod: --queue (and the other slice flags) write a report of that
// slice only, whose files carry no other queue's conversation; a period without conversations
// writes the pages, which say so, and fails with the reason, so the exit status is 1.
func TestReportSliceAndEmptyPeriod(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	counts := mustParley(t, "sql", "--db", db, "--format", "csv",
		"SELECT coalesce(last_queue, '(none)') AS q, count(*) AS n FROM conversations GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")
	queue := strings.Split(strings.Split(counts, "\n")[1], ",")[0]

	sliced := filepath.Join(dir, "sliced")
	stdout, stderr := mustParleyLog(t, "report", "--db", db, "--out", sliced, "--from", "2026-07-06", "--to", "2026-07-20", "--queue", queue)
	d := reportData(t, sliced)
	queues := column(t, d, "queue")
	if len(queues) == 0 {
		t.Fatalf("the --queue %s report carries no conversation:\n%s%s", queue, stdout, stderr)
	}
	for _, q := range queues {
		if q != queue {
			t.Errorf("the --queue %s report carries a conversation of queue %q", queue, q)
		}
	}
	if got := d["slice"].(map[string]any)["queue"]; got != queue {
		t.Errorf("the report's fixed slice is %v, want queue %s", got, queue)
	}
	page, err := os.ReadFile(filepath.Join(sliced, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "only queue "+queue) {
		t.Errorf("the header does not say the report holds only queue %s", queue)
	}

	empty := filepath.Join(dir, "empty")
	_, errOut, err := cli(strings.NewReader(""), "report", "--db", db, "--out", empty, "--from", "2030-01-01", "--to", "2030-01-07")
	var ue usageError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "no conversations") || !strings.Contains(err.Error(), "the pages are written") {
		t.Fatalf("report of an empty period: err %v (stderr %q), want a failure (exit 1) saying so", err, errOut)
	}
	page, err = os.ReadFile(filepath.Join(empty, "index.html"))
	if err != nil {
		t.Fatalf("the empty period's pages were not written: %v", err)
	}
	if !strings.Contains(string(page), "No conversations in this period") {
		t.Errorf("the empty period's page does not say it is empty")
	}
}

// TestReportUnknownSliceValue: a --queue, --channel, --market or --reason value no
// conversation has is refused as a usage error naming the flag, the value and the values
// that exist, and no page is written (it used to write empty pages and blame the period,
// with the pages' own prose, "every figure below", in the terminal message). A value that
// exists but has no conversation in the period still writes the pages that say so, and its
// message is the terminal's own.
func TestReportUnknownSliceValue(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	first := func(q string) string {
		out := mustParley(t, "sql", "--db", db, "--format", "csv", q)
		return strings.Split(out, "\n")[1]
	}
	channel := first("SELECT channel FROM conversations WHERE channel <> 'unknown' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	for _, tc := range []struct {
		flag, value, exists string
	}{
		{"--channel", "telegram", channel},
		{"--queue", "no-such-queue", first("SELECT last_queue FROM conversations WHERE last_queue IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")},
		{"--market", "Atlantis", "(none)"},
		{"--reason", "no-such-reason", first("SELECT contact_reason FROM conversations GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			out := filepath.Join(dir, "report"+tc.flag)
			_, errOut, err := cli(strings.NewReader(""), "report", "--db", db, "--out", out, "--from", "2026-07-06", "--to", "2026-07-20", tc.flag, tc.value)
			var ue usageError
			if err == nil || !errors.As(err, &ue) {
				t.Fatalf("report %s %s: err %v (stderr %q), want a usage error (exit 2)", tc.flag, tc.value, err, errOut)
			}
			for _, want := range []string{tc.flag + `: "` + tc.value + `"`, "not in the warehouse", tc.exists} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("report %s %s: error %q does not say %q", tc.flag, tc.value, err, want)
				}
			}
			if strings.Contains(err.Error(), "period") {
				t.Errorf("report %s %s: error %q blames the period", tc.flag, tc.value, err)
			}
			if _, err := os.Stat(filepath.Join(out, "index.html")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("report %s %s wrote pages (stat: %v)", tc.flag, tc.value, err)
			}
		})
	}

	// A near miss is suggested; a value that differs only by case, whatever else is near.
	for _, typed := range []string{channel[:len(channel)-1], strings.ToUpper(channel)} {
		_, _, err := cli(strings.NewReader(""), "report", "--db", db, "--out", filepath.Join(dir, "near"), "--channel", typed)
		if err == nil || !strings.Contains(err.Error(), "did you mean "+channel+"?") {
			t.Errorf("report --channel %s: %v, want a suggestion of %s", typed, err, channel)
		}
	}

	// A value that exists, in a period without its conversations: the pages say so, the
	// terminal says it in its own words.
	empty := filepath.Join(dir, "empty")
	_, _, err := cli(strings.NewReader(""), "report", "--db", db, "--out", empty, "--from", "2030-01-01", "--to", "2030-01-07", "--channel", channel)
	if err == nil || !strings.Contains(err.Error(), "no conversations of channel "+channel) || !strings.Contains(err.Error(), "pick another period with --from and --to") {
		t.Fatalf("report of an empty period of channel %s: %v, want a failure saying so", channel, err)
	}
	if strings.Contains(err.Error(), "below") || strings.Contains(err.Error(), "No conversations") {
		t.Errorf("the terminal message carries the pages' prose: %v", err)
	}
}

// TestForecastUnknownFilterValue: forecast's --queue and --channel are checked as report's
// are: a value no conversation arrives in is a usage error (exit 2) naming the values that
// exist and the near miss (it said "the warehouse has no customer messages in queue" and
// exited 1, as if the warehouse were empty).
func TestForecastUnknownFilterValue(t *testing.T) {
	_, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	first := func(q string) string {
		out := mustParley(t, "sql", "--db", db, "--format", "csv", q)
		return strings.Split(out, "\n")[1]
	}
	arrival := func(col string) string {
		return first("SELECT arg_min(" + col + ", seq) AS v FROM messages WHERE sender_role = 'customer' GROUP BY conversation_id HAVING v IS NOT NULL ORDER BY count(*) OVER (PARTITION BY v) DESC, v LIMIT 1")
	}
	for _, flag := range []string{"queue", "channel"} {
		exists := arrival(flag)
		typed := exists[:len(exists)-1]
		_, errOut, err := cli(strings.NewReader(""), "forecast", "--db", db, "--"+flag, typed)
		var ue usageError
		if err == nil || !errors.As(err, &ue) {
			t.Fatalf("forecast --%s %s: err %v (stderr %q), want a usage error (exit 2)", flag, typed, err, errOut)
		}
		for _, want := range []string{"--" + flag + `: "` + typed + `"`, "not in the warehouse", "did you mean " + exists + "?"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("forecast --%s %s: error %q does not say %q", flag, typed, err, want)
			}
		}
	}
	// A queue conversations are transferred to but never arrive in: the message says why it
	// is not one to forecast (it said "no conversation has it", of a queue many have).
	if transferred := first("SELECT to_queue FROM events WHERE to_queue IS NOT NULL AND to_queue NOT IN (SELECT arg_min(queue, seq) FROM messages WHERE sender_role = 'customer' AND queue IS NOT NULL GROUP BY conversation_id) ORDER BY 1 LIMIT 1"); transferred == "" {
		t.Error("the fixture has no queue conversations are only transferred to")
	} else if _, _, err := cli(strings.NewReader(""), "forecast", "--db", db, "--queue", transferred); err == nil || !strings.Contains(err.Error(), "no conversation arrives in it: arrivals count in the queue of their first customer message") {
		t.Errorf("forecast --queue %s: %v, want it to say no conversation arrives in it", transferred, err)
	}
	// A staffing.queues entry no --by queue series is: a warning, with the near miss.
	queue := arrival("queue")
	cfg := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(cfg, []byte("staffing:\n  queues:\n    "+queue+"x: {aht: 10m}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := cli(strings.NewReader(""), "forecast", "--db", db, "--by", "queue", "--staffing", "--config", cfg); err != nil ||
		!strings.Contains(errOut, "forecast: warning: staffing.queues."+queue+"x applies to no series") || !strings.Contains(errOut, "did you mean "+queue+"?") {
		t.Errorf("forecast --by queue --staffing with staffing.queues.%sx: %v\n%s\nwant a warning suggesting %s", queue, err, errOut, queue)
	}
	// --by names a dimension, checked the same way.
	_, _, err := cli(strings.NewReader(""), "forecast", "--db", db, "--by", "queu")
	var ue usageError
	if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), `--by: "queu"`) || !strings.Contains(err.Error(), "did you mean queue?") {
		t.Errorf("forecast --by queu: %v, want a usage error suggesting queue", err)
	}
}

// TestDefaultPeriodRules: report and qa sample follow different default periods, each its own
// rule, on a warehouse where the two differ as on the demo's: conversations start on 03-02,
// 03-03 and 03-04, whose resolutions and CSAT answers come up to 03-08, and on 03-09, the day
// of the last event not in the future (one is dated 2199), which is not over.
//   - report (issue 26): the last 28 complete local days before the last event that is not in
//     the future relative to the build: 02-09 to 03-08. It covers activity, and 03-05 to 03-08
//     hold the late events; the page says they hold no conversation started.
//   - qa sample: the 7 days up to the last complete local day with conversations started (the
//     last start date before 03-09): 02-26 to 03-04. It samples conversations by the day they
//     started, and 03-09 is not over.
func TestDefaultPeriodRules(t *testing.T) {
	dir := t.TempDir()
	var events strings.Builder
	n := 0
	add := func(conv, typ, at, role, extra string) {
		n++
		fmt.Fprintf(&events, `{"event_id":"e-%d","conversation_id":"%s","type":"%s","occurred_at":"%s","channel":"email","queue":"billing","actor":{"role":"%s","id":"%s-1"}%s}`+"\n",
			n, conv, typ, at, role, role, extra)
	}
	for _, c := range []struct{ id, day, resolved, csat string }{
		{"c-1", "2026-03-02", "2026-03-02", ""}, {"c-2", "2026-03-03", "2026-03-03", "2026-03-08"},
		{"c-3", "2026-03-04", "2026-03-07", ""}, {"c-4", "2026-03-09", "", ""},
	} {
		add(c.id, "conversation_started", c.day+"T09:00:00Z", "customer", "")
		add(c.id, "message", c.day+"T09:00:00Z", "customer", `,"message":{"text":"My invoice is wrong"}`)
		add(c.id, "message", c.day+"T09:05:00Z", "agent", `,"message":{"text":"Let me check"}`)
		if c.resolved != "" {
			add(c.id, "resolved", c.resolved+"T10:00:00Z", "agent", "")
		}
		if c.csat != "" {
			add(c.id, "csat", c.csat+"T10:00:00Z", "customer", `,"csat":{"score":4}`)
		}
	}
	add("c-1", "message", "2199-01-01T09:00:00Z", "customer", `,"message":{"text":"misdated"}`)
	input := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(input, []byte(events.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lakeDir, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	mustParley(t, "import", "--lake", lakeDir, input)
	mustParley(t, "build", "--lake", lakeDir, "--db", db)

	out := filepath.Join(dir, "report")
	report := mustParley(t, "report", "--db", db, "--out", out)
	if want := "for 2026-02-09 to 2026-03-08 (28 days)"; !strings.Contains(report, want) {
		t.Errorf("report's default period: %s, want %s", report, want)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "events to 2199-01-01") {
		t.Errorf("the warehouse does not hold the event dated 2199 (the page's header says how fresh the data is)")
	}
	if want := "No conversation started after 2026-03-04: the period&#39;s last days, 2026-03-05 to 2026-03-08 (4 days), hold only later events"; !strings.Contains(string(page), want) {
		t.Errorf("the report page does not say its last days hold no conversation started (%q)", want)
	}
	sample := mustParley(t, "qa", "sample", "--db", db, "--out", filepath.Join(dir, "qa"), "--date", "2026-03-10")
	if want := "(2026-02-26 to 2026-03-04,"; !strings.Contains(sample, want) {
		t.Errorf("qa sample's default period: %s, want %s", sample, want)
	}
	// Each --help states its own rule.
	for _, tt := range []struct {
		command []string
		rule    string
	}{
		{[]string{"report"}, "By default it is the last 28 complete local days before the data's last event that is not in the future relative to the build"},
		{[]string{"qa", "sample"}, "By default it is the 7 days up to the last complete day with conversations started"},
	} {
		help := strings.Join(strings.Fields(mustParley(t, append(tt.command, "--help")...)), " ")
		if !strings.Contains(help, tt.rule) {
			t.Errorf("parley %s --help does not state its default period's rule (%q)", strings.Join(tt.command, " "), tt.rule)
		}
	}
}

// TestQuietUnlessVerbose runs report, qa sample, import, erase, retention and verify, each
// as a process of its own: stdout says what was done, and stderr is empty (verify: a line
// of progress as the lake is indexed and each batch compared). Report used to log one INFO
// line per page on stderr, qa sample four per run, import one per input, erase one per file
// rewritten, retention one per partition, verify one per lake file. -v logs the steps, and
// each command's --help says so.
func TestQuietUnlessVerbose(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	lakeDir := filepath.Join(dir, "lake")
	partitions, err := filepath.Glob(filepath.Join(lakeDir, "*", "date=*"))
	if err != nil || len(partitions) == 0 {
		t.Fatalf("the lake's date partitions: %v, %v", partitions, err)
	}
	// One customer in two conversations on two days: import writes a file per day.
	twoDays := `{"event_id":"q-1","conversation_id":"q-a","type":"conversation_started","occurred_at":"2026-05-04T09:00:00Z","channel":"webchat","queue":"support","actor":{"role":"customer","id":"cust-q"}}
{"event_id":"q-2","conversation_id":"q-a","type":"message","occurred_at":"2026-05-04T09:01:00Z","channel":"webchat","queue":"support","actor":{"role":"customer","id":"cust-q"},"message":{"text":"hello"}}
{"event_id":"q-3","conversation_id":"q-b","type":"conversation_started","occurred_at":"2026-05-05T09:00:00Z","channel":"webchat","queue":"support","actor":{"role":"customer","id":"cust-q"}}
`
	for _, tc := range []struct {
		args     func(t *testing.T, fresh string) []string // fresh: a new folder for each run
		stdout   *regexp.Regexp
		progress *regexp.Regexp // all stderr holds without -v (nil: nothing)
		step     string         // a message -v logs
		steps    int            // how many times
	}{
		{
			func(*testing.T, string) []string {
				return []string{"report", "--db", db, "--out", filepath.Join(dir, "report"), "--from", "2026-07-06", "--to", "2026-07-20"}
			},
			regexp.MustCompile(`^wrote 8 pages \(\d+\.\d MB\) for 2026-07-06 to 2026-07-20 \(15 days\), \d+ conversations, in \S+\nopen ` + regexp.QuoteMeta(filepath.Join(dir, "report", "index.html")) + "\n$"),
			nil, `msg="wrote page"`, 8,
		},
		{
			func(*testing.T, string) []string {
				return []string{"qa", "sample", "--db", db, "--out", filepath.Join(dir, "qa"), "--from", "2026-07-06", "--to", "2026-07-20", "--date", "2026-07-21", "--allow-repeat"}
			},
			regexp.MustCompile(`^sampled \d+ of \d+ conversations \(2026-07-06 to 2026-07-20, .*\npacket: .*\nledger: .*\n`),
			nil, `msg="qa: packet written"`, 1,
		},
		{
			func(_ *testing.T, fresh string) []string {
				return []string{"import", "--lake", filepath.Join(fresh, "lake"), metricsFixture("rules.jsonl")}
			},
			regexp.MustCompile(`^imported 86 read: 86 events, 0 dead letters, \d+ files, \d+\.\d MB in \S+\n$`),
			nil, `msg=imported input=`, 1,
		},
		{
			func(t *testing.T, fresh string) []string {
				input, lake := filepath.Join(fresh, "two-days.jsonl"), filepath.Join(fresh, "lake")
				if err := os.WriteFile(input, []byte(twoDays), 0o644); err != nil {
					t.Fatal(err)
				}
				mustParley(t, "import", "--lake", lake, input)
				return []string{"erase", "--lake", lake, "--customer", "cust-q"}
			},
			regexp.MustCompile(`^erased: 3 events of 2 conversations removed, .* 2 of 2 files rewritten\n$`),
			nil, `msg="erase: rewrote"`, 2,
		},
		{
			func(*testing.T, string) []string {
				return []string{"retention", "--lake", lakeDir, "--keep", "1d", "--dry-run"}
			},
			regexp.MustCompile(`^dry run, would have dropped \d+ event date partitions, .*\n$`),
			nil, `msg="retention: would drop"`, len(partitions),
		},
		{
			func(*testing.T, string) []string {
				return []string{"verify", "--db", db, "--sample", "5"}
			},
			regexp.MustCompile(`(?s)^verified a sample of 5 of \d+ conversations .*\nall \d+ columns agree on every row\n$`),
			regexp.MustCompile(`^indexed the lake in \S+: 86 rows, \d+ conversations; verifying 5\ncompared 5 of 5 conversations in \S+: 0 disagree\n$`),
			`msg="verify: compared"`, 1,
		},
	} {
		for _, verbose := range []bool{false, true} {
			args := tc.args(t, t.TempDir())
			if verbose {
				args = append(args, "-v")
			}
			stdout, stderr := parleyProcess(t, args...)
			if !tc.stdout.MatchString(stdout) {
				t.Errorf("parley %v: stdout %q, want it to say what was done", args, stdout)
			}
			quiet := stderr == ""
			if tc.progress != nil {
				quiet = tc.progress.MatchString(stderr)
			}
			if n := strings.Count(stderr, tc.step); verbose != (n == tc.steps) || !verbose && !quiet {
				t.Errorf("parley %v: stderr %q, want it empty (or progress only), or with -v %d× %s", args, stderr, tc.steps, tc.step)
			}
		}
		args := tc.args(t, t.TempDir())
		command := args[:slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "-") })]
		if help := mustParley(t, append(command, "--help")...); !regexp.MustCompile(`-v, --verbose +also log`).MatchString(help) {
			t.Errorf("parley %s --help does not document -v", strings.Join(command, " "))
		}
	}
}

// TestReportKeepsOthersPages: report refuses an --out holding, at a page's name, a file it
// did not write (it replaced a QA packet's index.html, with its "Download scores", although
// its help promises QA packets are never touched), naming the file, and writes nothing; an
// earlier report in the folder is replaced as before.
func TestReportKeepsOthersPages(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	mustParley(t, "qa", "sample", "--db", db, "--out", filepath.Join(dir, "qa"), "--date", "2026-08-01", "--size", "3")
	packet := filepath.Join(dir, "qa", "2026-08-01-20260801")
	own := filepath.Join(dir, "own")
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(own, "index.html"), []byte("<!doctype html><meta name=\"generator\" content=\"Parley\"><p>my notes</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{packet, own} {
		before := treeOf(t, out)
		_, _, err := cli(strings.NewReader(""), "report", "--db", db, "--out", out)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), filepath.Join(out, "index.html")+" was not written by parley report") ||
			!strings.Contains(err.Error(), "--out report") {
			t.Errorf("report --out %s: %v, want a usage error naming its index.html and suggesting another --out", out, err)
		}
		if after := treeOf(t, out); !maps.Equal(before, after) {
			t.Errorf("report --out %s changed it: files %v, were %v", out, slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
		}
	}
	report := filepath.Join(dir, "report")
	for range 2 {
		mustParley(t, "report", "--db", db, "--out", report, "--from", "2026-07-06", "--to", "2026-07-20")
	}
	for _, name := range dashboards.Files() {
		b, err := os.ReadFile(filepath.Join(report, name))
		if err != nil || !dashboards.WrittenByReport(b) {
			t.Errorf("%s: %v; want a page carrying the marks by which report knows its own (dashboards.WrittenByReport)", name, err)
		}
	}
}

package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// small is a quick configuration for tests that do not need statistics.
func small(seed int64) Config {
	cfg := DefaultConfig()
	cfg.Seed = seed
	cfg.Days = 3
	cfg.PerDay = 300
	return cfg
}

// jsonLines is what `parley generate` writes: one contract JSON object per event.
func jsonLines(t *testing.T, cfg Config) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Generate(context.Background(), cfg, func(ev *event.Event) error {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
		return nil
	}); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	a := jsonLines(t, small(7))
	b := jsonLines(t, small(7))
	if !bytes.Equal(a, b) {
		t.Fatalf("same config gave different output (%d vs %d bytes)", len(a), len(b))
	}
	if len(a) == 0 {
		t.Fatal("no output")
	}
	c := jsonLines(t, small(8))
	if bytes.Equal(a, c) {
		t.Fatal("seeds 7 and 8 gave identical output")
	}
	// Different seeds share no ids: a second seed can be loaded next to the first.
	firstID := func(lines []byte) string {
		ev, err := event.Decode(lines[:bytes.IndexByte(lines, '\n')])
		if err != nil {
			t.Fatal(err)
		}
		return ev.ConversationID
	}
	if firstID(a) == firstID(c) {
		t.Errorf("seeds 7 and 8 start with the same conversation id %s", firstID(a))
	}
}

func TestEveryEventValid(t *testing.T) {
	cfg := small(3)
	cfg.DuplicateRate, cfg.LateRate = 0.05, 0.05
	lines := bytes.Split(bytes.TrimSuffix(jsonLines(t, cfg), []byte("\n")), []byte("\n"))
	byID := map[string][]byte{}
	for i, line := range lines {
		ev, err := event.Decode(line)
		if err != nil {
			t.Fatalf("line %d does not decode: %v\n%s", i+1, err, line)
		}
		again, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, line) {
			t.Fatalf("line %d does not round-trip:\n got %s\nwant %s", i+1, again, line)
		}
		if ev.Channel == "" || ev.Actor == nil || ev.Actor.ID == "" || ev.Queue == "" {
			t.Errorf("line %d lacks channel, actor or queue: %s", i+1, line)
		}
		if prev, ok := byID[ev.EventID]; ok && !bytes.Equal(prev, line) {
			t.Fatalf("event_id %s reused for a different event:\n%s\n%s", ev.EventID, prev, line)
		}
		byID[ev.EventID] = line
	}
	if len(byID) == len(lines) {
		t.Error("no duplicate was emitted at DuplicateRate 0.05")
	}
}

// Downstream, events are ordered by occurred_at with ties broken by type
// (docs/metrics.md) and then by event_id. Without late or duplicate events
// the emitted order is the causal order, and that ordering must reproduce
// it: a hand-off must never share its instant with the assignment it
// causes, nor two messages theirs.
func TestOrderSurvivesTieBreak(t *testing.T) {
	cfg := small(5)
	cfg.Days, cfg.DuplicateRate, cfg.LateRate = 7, 0, 0
	rank := map[event.Type]int{}
	for i, typ := range []event.Type{event.ConversationStarted, event.Reopened, event.MessageSent, event.Assigned,
		event.Escalated, event.Transferred, event.Resolved, event.CSATAnswered} {
		rank[typ] = i
	}
	byConv := map[string][]*event.Event{}
	var order []string
	for _, ev := range generate(t, cfg) {
		if byConv[ev.ConversationID] == nil {
			order = append(order, ev.ConversationID)
		}
		byConv[ev.ConversationID] = append(byConv[ev.ConversationID], ev)
	}
	for _, id := range order {
		emitted := byConv[id]
		sorted := slices.Clone(emitted)
		slices.SortStableFunc(sorted, func(a, b *event.Event) int {
			if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
				return c
			}
			if c := rank[a.Type] - rank[b.Type]; c != 0 {
				return c
			}
			return strings.Compare(a.EventID, b.EventID)
		})
		for i := range emitted {
			if emitted[i] != sorted[i] {
				t.Fatalf("conversation %s: event %d is %s at %s when ordered, emitted as %s at %s",
					id, i, sorted[i].Type, sorted[i].OccurredAt.Format(time.RFC3339Nano), emitted[i].Type, emitted[i].OccurredAt.Format(time.RFC3339Nano))
			}
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		field  string
	}{
		{"no tz", func(c *Config) { c.TZ = nil }, "tz:"},
		{"no start", func(c *Config) { c.Start = time.Time{} }, "start:"},
		{"zero days", func(c *Config) { c.Days = 0 }, "days:"},
		{"negative per day", func(c *Config) { c.PerDay = -1 }, "per_day:"},
		{"NaN per day", func(c *Config) { c.PerDay = math.NaN() }, "per_day:"},
		{"duplicate rate", func(c *Config) { c.DuplicateRate = 0.9 }, "duplicate_rate:"},
		{"late rate", func(c *Config) { c.LateRate = -0.1 }, "late_rate:"},
		{"staffing", func(c *Config) { c.Staffing = -1 }, "staffing:"},
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.change(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate() = %v, want an error naming %q", err, tt.field)
			}
			if _, err := Generate(context.Background(), cfg, func(*event.Event) error { return nil }); err == nil {
				t.Fatal("Generate accepted an invalid config")
			}
		})
	}
	cfg := DefaultConfig()
	cfg.Days, cfg.PerDay = 0, 0
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "days:") || !strings.Contains(err.Error(), "per_day:") {
		t.Errorf("Validate() = %v, want both problems reported", err)
	}
}

func TestStopsOnErrorAndCancel(t *testing.T) {
	boom := errors.New("disk full")
	n := 0
	st, err := Generate(context.Background(), small(1), func(*event.Event) error {
		n++
		if n == 100 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || st.Events != 99 {
		t.Errorf("emit error: got (%d events, %v), want 99 events and %v", st.Events, err, boom)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	_, err = Generate(ctx, small(1), func(*event.Event) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run returned %v, want context.Canceled", err)
	}
}

// The shape tests share one four-week run at the demo's scale.
var (
	shapeOnce  sync.Once
	shapeEvs   []*event.Event
	shapeFacts []*convFacts
	shapeCfg   = DefaultConfig()
)

func shapeData(t *testing.T) ([]*event.Event, []*convFacts) {
	t.Helper()
	if testing.Short() {
		t.Skip("four simulated weeks; skipped in -short mode")
	}
	shapeOnce.Do(func() {
		shapeEvs = generate(t, shapeCfg)
		shapeFacts = analyse(shapeEvs)
	})
	return shapeEvs, shapeFacts
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	return s[len(s)/2]
}

func TestShapeWeekdaysBusierThanWeekends(t *testing.T) {
	_, fs := shapeData(t)
	perDay := map[string]int{}
	for _, f := range fs {
		perDay[f.started.In(shapeCfg.TZ).Format(time.DateOnly)]++
	}
	var wk, we []float64
	for d := range shapeCfg.Days {
		day := shapeCfg.Start.AddDate(0, 0, d)
		n := float64(perDay[day.Format(time.DateOnly)])
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			we = append(we, n)
		} else {
			wk = append(wk, n)
		}
	}
	if median(we) > 0.8*median(wk) {
		t.Errorf("weekend median %.0f conversations/day vs weekday %.0f: want weekends at most 80%%", median(we), median(wk))
	}
	if lo := slices.Min(wk); lo < 0.5*shapeCfg.PerDay {
		t.Errorf("a weekday had only %.0f conversations at PerDay %.0f", lo, shapeCfg.PerDay)
	}
}

func TestShapeIntradayPeaks(t *testing.T) {
	_, fs := shapeData(t)
	var byHour [24]int
	for _, f := range fs {
		byHour[f.started.In(shapeCfg.TZ).Hour()]++
	}
	if byHour[10] < 4*byHour[3] || byHour[14] < 4*byHour[3] {
		t.Errorf("arrivals by hour %v: want 10:00 and 14:00 at least 4x 03:00", byHour)
	}
}

// FRT must come out of the queue: conversations that start in the busy
// hours wait longer for a human than those in quiet hours, with the same
// agents' habits in both.
func TestShapeFirstResponseGrowsWithLoad(t *testing.T) {
	_, fs := shapeData(t)
	var peak, quiet []float64
	for _, f := range fs {
		d := f.frt()
		if d < 0 || f.channel == event.Email {
			continue
		}
		lt := f.firstCust.In(shapeCfg.TZ)
		if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		switch h := lt.Hour(); {
		case h >= 10 && h < 12:
			peak = append(peak, d.Seconds())
		case h < 7 || h >= 22:
			quiet = append(quiet, d.Seconds())
		}
	}
	if len(peak) < 500 || len(quiet) < 100 {
		t.Fatalf("too few measured conversations: %d peak, %d quiet", len(peak), len(quiet))
	}
	p, q := median(peak), median(quiet)
	t.Logf("median FRT: %.0fs at 10-12 (n=%d), %.0fs at 22-07 (n=%d)", p, len(peak), q, len(quiet))
	if p < 1.3*q {
		t.Errorf("median FRT at the peak %.0fs is not clearly above the quiet hours' %.0fs", p, q)
	}
}

func TestShapeOutcomes(t *testing.T) {
	evs, fs := shapeData(t)
	var botHandled, contained, handedOff, abandoned, reopened, proactive int
	for _, f := range fs {
		if f.proactive {
			proactive++
			continue
		}
		if f.botReplied {
			botHandled++
			switch {
			case f.escalatedBot:
				handedOff++
			case f.resolved() && !f.humanReplied:
				contained++
			}
		}
		if !f.resolved() && !f.humanReplied && f.lastStatus == "" {
			abandoned++
		}
		if f.reopens > 0 {
			reopened++
		}
	}
	n := float64(len(fs))
	repeat := float64(len(repeatContacts(fs, 7*24*time.Hour))) / n
	share := func(k int) float64 { return float64(k) / n }
	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"bot-handled share", share(botHandled), 0.5, 0.85},
		{"bot containment", float64(contained) / float64(botHandled), 0.15, 0.45},
		{"bot hand-off", float64(handedOff) / float64(botHandled), 0.4, 0.8},
		{"abandoned", share(abandoned), 0.03, 0.18},
		{"reopened", share(reopened), 0.02, 0.10},
		{"repeat contact within 7 days", repeat, 0.03, 0.18},
		{"proactive", share(proactive), 0.005, 0.05},
		{"events per conversation", float64(len(evs)) / n, 10, 15},
	}
	for _, c := range checks {
		t.Logf("%s: %.3f", c.name, c.got)
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.3f, want %.2f..%.2f", c.name, c.got, c.lo, c.hi)
		}
	}
}

func TestShapeCSATFollowsExperience(t *testing.T) {
	_, fs := shapeData(t)
	var fast, slow, smooth, bumpy []float64
	for _, f := range fs {
		if f.csat == 0 {
			continue
		}
		if d := f.frt(); d >= 0 && f.channel != event.Email {
			if d < 2*time.Minute {
				fast = append(fast, float64(f.csat))
			} else if d > 10*time.Minute {
				slow = append(slow, float64(f.csat))
			}
		}
		if f.transfers+f.escalations > 0 && !f.escalatedBot || f.reopens > 0 {
			bumpy = append(bumpy, float64(f.csat))
		} else {
			smooth = append(smooth, float64(f.csat))
		}
	}
	mean := func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	t.Logf("CSAT: fast %.2f (n=%d), slow %.2f (n=%d), smooth %.2f, transferred/escalated/reopened %.2f",
		mean(fast), len(fast), mean(slow), len(slow), mean(smooth), mean(bumpy))
	if mean(slow) > mean(fast)-0.3 {
		t.Errorf("CSAT after a >10 min wait (%.2f) is not clearly below a <2 min wait (%.2f)", mean(slow), mean(fast))
	}
	if mean(bumpy) > mean(smooth)-0.3 {
		t.Errorf("CSAT with hand-offs or reopens (%.2f) is not clearly below without (%.2f)", mean(bumpy), mean(smooth))
	}
}

// The texts carry what later stages must handle: personal data for the
// redaction tests, ordinary numbers that must survive it, hostile strings,
// internal notes and automated messages.
func TestShapeMessageContent(t *testing.T) {
	evs, _ := shapeData(t)
	var (
		email    = regexp.MustCompile(`[a-z0-9._]+@(?:mail\.)?example\.(?:com|org|net)`)
		digitRun = regexp.MustCompile(`[0-9](?:[ \-]?[0-9]){12,18}`)
		iban     = regexp.MustCompile(`\b([A-Z]{2})([0-9]{2})((?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b`)
		phone    = regexp.MustCompile(`\+[0-9]{1,3} [0-9 ()\-]{7,}|\(\d{3}\) 555-01\d\d|07700 900\d{3}`)
		ordinary = regexp.MustCompile(`\d{4}-\d\d-\d\d|ORD-\d{5}|#\d{6}`)
	)
	counts := map[string]int{}
	customerMsgs := 0
	for _, ev := range evs {
		if ev.Type != event.MessageSent {
			continue
		}
		text := ev.Message.Text
		switch {
		case ev.Message.Private:
			counts["private note"]++
		case ev.Message.Automated:
			counts["automated"]++
		}
		if ev.Actor.Role != event.RoleCustomer {
			continue
		}
		customerMsgs++
		if strings.Contains(text, "@") && email.MatchString(text) {
			counts["email"]++
		}
		if strings.ContainsAny(text, "+(0") && phone.MatchString(text) {
			counts["phone"]++
		}
		if strings.Contains(text, "<script>") {
			counts["script"]++
		}
		if strings.Contains(text, `"`) {
			counts["quote"]++
		}
		if strings.ContainsAny(text, "#-") && ordinary.MatchString(text) {
			counts["ordinary number"]++
		}
		if digits(text) < 13 {
			continue // no card or IBAN in it; the cheap test keeps the regexps off most texts
		}
		// IBANs first: their digits would otherwise read as long numbers.
		for _, m := range iban.FindAllStringSubmatch(text, -1) {
			if ibanCheck(m[1], strings.ReplaceAll(m[3], " ", "")) != m[2] {
				t.Errorf("IBAN-like %q has wrong check digits", m[0])
			}
			counts["iban"]++
		}
		text = iban.ReplaceAllString(text, "[iban]")
		for _, run := range digitRun.FindAllString(text, -1) {
			digits := strings.NewReplacer(" ", "", "-", "").Replace(run)
			if !luhnValid(digits) {
				t.Errorf("a %d-digit number that is not a valid card: %q in %q", len(digits), run, text)
			}
			counts["card"]++
		}
	}
	t.Logf("%d customer messages; %v", customerMsgs, counts)
	for _, k := range []string{"email", "phone", "card", "iban", "script", "quote", "ordinary number", "private note", "automated"} {
		if counts[k] < 10 {
			t.Errorf("only %d messages with %s", counts[k], k)
		}
	}
	if share := float64(counts["email"]+counts["phone"]+counts["card"]+counts["iban"]) / float64(customerMsgs); share > 0.2 {
		t.Errorf("%.0f%% of customer messages carry personal data: too many to look real", 100*share)
	}
}

func digits(s string) int {
	n := 0
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func luhnValid(digits string) bool {
	return len(digits) >= 13 && luhnDigit([]byte(digits[:len(digits)-1])) == digits[len(digits)-1]
}

func TestShapeDeliveryQuirks(t *testing.T) {
	evs, _ := shapeData(t)
	seen := map[string]bool{}
	var dups, late int
	var latest time.Time
	offsets := map[int]bool{}
	for _, ev := range evs {
		if seen[ev.EventID] {
			dups++
		}
		seen[ev.EventID] = true
		if ev.OccurredAt.Before(latest.Add(-5 * time.Second)) {
			late++
		}
		if ev.OccurredAt.After(latest) {
			latest = ev.OccurredAt
		}
		_, off := ev.OccurredAt.Zone()
		offsets[off] = true
	}
	n := float64(len(evs))
	t.Logf("%d events, %d duplicates, %d emitted more than 5 s out of order", len(evs), dups, late)
	if r := float64(dups) / n; r < shapeCfg.DuplicateRate/2 || r > shapeCfg.DuplicateRate*2 {
		t.Errorf("duplicate share %.4f, configured %.4f", r, shapeCfg.DuplicateRate)
	}
	// Late events, and duplicates re-sent after newer events, are the only disorder.
	if r := float64(late) / n; r < shapeCfg.LateRate/2 || r > (shapeCfg.LateRate+shapeCfg.DuplicateRate)*1.5 {
		t.Errorf("out-of-order share %.4f, configured late %.4f", r, shapeCfg.LateRate)
	}
	// The default run crosses the switch to British Summer Time.
	if !offsets[0] || !offsets[3600] {
		t.Errorf("UTC offsets seen %v, want both +00:00 and +01:00", offsets)
	}
}

func TestStaffingShortensWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated weeks; skipped in -short mode")
	}
	frt := func(staffing float64) float64 {
		cfg := DefaultConfig()
		cfg.Days, cfg.PerDay, cfg.Staffing = 7, 1500, staffing
		var xs []float64
		for _, f := range analyse(generate(t, cfg)) {
			if d := f.frt(); d >= 0 && f.channel != event.Email {
				xs = append(xs, d.Seconds())
			}
		}
		return median(xs)
	}
	thin, ample := frt(0.7), frt(1.5)
	t.Logf("median FRT: %.0fs at staffing 0.7, %.0fs at 1.5", thin, ample)
	if thin < 1.5*ample {
		t.Errorf("cutting staff from 1.5 to 0.7 only moved median FRT from %.0fs to %.0fs", ample, thin)
	}
}

func TestChecksums(t *testing.T) {
	tests := []struct {
		name, in string
		valid    bool
	}{
		{"visa test number", "4111111111111111", true},
		{"mastercard test number", "5500000000000004", true},
		{"off by one", "4111111111111112", false},
	}
	for _, tt := range tests {
		if got := luhnValid(tt.in); got != tt.valid {
			t.Errorf("%s: luhnValid(%s) = %v", tt.name, tt.in, got)
		}
	}
	// The example IBANs of ISO 13616 / the ECBS register.
	for _, iban := range []string{"DE89370400440532013000", "GB29NWBK60161331926819", "NL91ABNA0417164300"} {
		if got := ibanCheck(iban[:2], iban[4:]); got != iban[2:4] {
			t.Errorf("ibanCheck(%s) = %s, want %s", iban, got, iban[2:4])
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Days = 7
	var events int
	for b.Loop() {
		st, err := Generate(context.Background(), cfg, func(*event.Event) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		events += st.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

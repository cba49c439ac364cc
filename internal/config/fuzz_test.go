package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load as parley.yaml: it must never
// panic or hang, and whatever it accepts must be a configuration the rest of
// Parley can use without panicking (time zones load, every span parses).
// The seeds are the shipped example, the test fixtures' settings, and
// shapes known to hurt YAML parsers (alias bombs, deep nesting, wrong types).
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"../../parley.example.yaml", "../../testdata/metrics/america.yaml", "../../testdata/metrics/europe.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatalf("seed %s: %v", p, err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"timezone: UTC\n",
		"timezone: Mars/Olympus\n",
		"business_hours: {weekly: {mon: [\"22:00-06:00\"], sun: [\"00:00-24:00\"]}}\n",
		"business_hours: {weekly: {mon: [\"24:00-01:00\"]}}\n",
		"business_hours: {weekly: {funday: [\"09:00-17:00\"]}}\n",
		"business_hours: {holidays: [\"2026-02-30\"]}\n",
		"sla: {webchat: {first_response: 7d, goal: 1.5}}\n",
		"sla: {webchat: {first_response: -1s}}\n",
		"reply_windows: {whatsapp: 0s}\n",
		"windows: {repeat_contact: 99999999999999999999d}\n",
		"friction: {weights: {time: .nan}}\n",
		"timezone: [1, 2, 3]\n",
		"queues: {\"../../etc\": {hours: {timezone: \"\\u0000\"}}}\n",
		"unknown_key: 1\n",
		"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000),
		"timezone: UTC\n---\ntimezone: Europe/Paris\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, fmt.Sprintf("fuzz-%d.yaml", os.Getpid()))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			if cfg != nil {
				t.Fatal("Load returned a config together with an error")
			}
			return
		}
		checkUsable(t, cfg)
	})
}

// checkUsable exercises what later stages call on a validated config.
func checkUsable(t *testing.T, cfg *Config) {
	t.Helper()
	_ = cfg.Location() // panics on an unvalidated zone
	queues := append(slices.Sorted(maps.Keys(cfg.Queues)), "no-such-queue")
	for _, q := range queues {
		s := cfg.ScheduleFor(q)
		for day, spans := range s.Weekly {
			for _, span := range spans {
				if _, _, err := ParseSpan(span); err != nil {
					t.Fatalf("validated schedule of %s has a span that does not parse: %s %q: %v", q, day, span, err)
				}
			}
		}
	}
}

// FuzzParseSpan checks the business-hours span parser: no panic on any
// input, and whatever it accepts is a real span of a day (start in
// [00:00, 24:00), end in (00:00, 24:00], different from start) that prints
// back to text parsing to the same minutes.
func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{
		"09:00-17:00", "22:00-06:00", "00:00-24:00", "24:00-01:00", "12:00-12:00",
		"9:00-17:00", "09:60-10:00", "-", "", " 08:00 - 18:00 ", "23:59-00:00",
		"+1:00-02:00", "0x:10-11:00", "09:00-17:00-18:00", "٠٩:٠٠-١٧:٠٠", "\x00\x00:00-01:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, err := ParseSpan(s)
		if err != nil {
			return
		}
		if start < 0 || start >= 24*60 || end < 0 || end > 24*60 || start == end {
			t.Fatalf("ParseSpan(%q) = %d, %d: not a span of a day", s, start, end)
		}
		canon := fmt.Sprintf("%02d:%02d-%02d:%02d", start/60, start%60, end/60, end%60)
		s2, e2, err := ParseSpan(canon)
		if err != nil || s2 != start || e2 != end {
			t.Fatalf("ParseSpan(%q) = %d, %d, but its canonical form %q gives %d, %d, %v", s, start, end, canon, s2, e2, err)
		}
	})
}

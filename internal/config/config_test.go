package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadOverridesDefaultsKeyByKey(t *testing.T) {
	path := writeFile(t, `
timezone: Europe/Berlin
sla:
  webchat: {first_response: 2m, goal: 0.9}
windows:
  repeat_contact: 3d
reply_windows:
  sms: 12h
queues:
  night:
    hours:
      timezone: America/New_York
      weekly: {fri: ["22:00-06:00"]}
      holidays: ["2026-12-25"]
`)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"timezone", cfg.TimeZone, "Europe/Berlin"},
		{"sla.webchat.first_response", time.Duration(cfg.SLA["webchat"].FirstResponse), 2 * time.Minute},
		{"sla.webchat.goal", cfg.SLA["webchat"].Goal, 0.9},
		{"sla.email kept from defaults", time.Duration(cfg.SLA["email"].FirstResponse), 24 * time.Hour},
		{"windows.repeat_contact", time.Duration(cfg.Windows.RepeatContact), 72 * time.Hour},
		{"windows.reopen kept from defaults", time.Duration(cfg.Windows.Reopen), 7 * 24 * time.Hour},
		{"reply_windows.sms", time.Duration(cfg.ReplyWindows["sms"]), 12 * time.Hour},
		{"reply_windows.whatsapp kept from defaults", time.Duration(cfg.ReplyWindows["whatsapp"]), 24 * time.Hour},
		{"friction weights kept from defaults", cfg.Friction.Weights.Time, 0.35},
		{"queue schedule", cfg.ScheduleFor("night").Weekly["fri"][0], "22:00-06:00"},
		{"unlisted queue uses business_hours", len(cfg.ScheduleFor("other").Weekly), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	path := writeFile(t, `
timezone: Mars/Olympus
business_hours:
  weekly:
    funday: ["09:00-17:00"]
    mon: ["9-17", "10:00-10:00"]
  holidays: ["25/12/2026"]
queues:
  night:
    hours:
      timezone: Nowhere/City
sla:
  webchat: {first_response: 0s, goal: 1.5}
windows:
  reopen: -1h
friction:
  weights: {time: -1, impersonal: 0, directness: 0, effort: 0}
reply_windows:
  whatsapp: 0s
`)
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load accepted an invalid file")
	}
	for _, field := range []string{
		"timezone:", "business_hours.weekly.funday", "business_hours.weekly.mon[0]", "business_hours.weekly.mon[1]",
		"business_hours.holidays[0]", "queues.night.hours.timezone", "sla.webchat.first_response", "sla.webchat.goal",
		"windows.reopen", "friction.weights.time", "friction.weights:", "reply_windows.whatsapp",
	} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error does not name %s:\n%v", field, err)
		}
	}
}

func TestLoadRejectsUnknownKeysAndBadDurations(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"typo", "timezon: UTC\n", "timezon"},
		{"bad duration", "windows:\n  reopen: soon\n", `invalid duration "soon"`},
		{"number duration", "windows:\n  reopen: 5\n", "invalid duration"},
		{"days overflowing a duration", "windows:\n  reopen: 400000d\n", `duration "400000d" is too large`},
		{"NaN weight", "friction:\n  weights:\n    time: .nan\n", "friction.weights.time: must be a finite number >= 0"},
		{"infinite weight", "friction:\n  weights:\n    effort: .inf\n", "friction.weights.effort: must be a finite number >= 0"},
		{"NaN SLA goal", "sla:\n  webchat:\n    goal: .nan\n", "sla.webchat"},
		{"never open", "business_hours:\n  weekly: {mon: []}\n", "business_hours.weekly: lists days but no opening interval"},
		{"queue never open", "queues:\n  night:\n    hours:\n      weekly: {mon: [], tue: []}\n", "queues.night.hours.weekly: lists days but no opening interval"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeFile(t, c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestParseSpan(t *testing.T) {
	cases := []struct {
		in         string
		start, end int
		bad        bool
	}{
		{in: "09:00-17:30", start: 540, end: 1050},
		{in: "22:00-06:00", start: 1320, end: 360},
		{in: "00:00-24:00", start: 0, end: 1440},
		{in: "24:00-06:00", bad: true},
		{in: "09:00-09:00", bad: true},
		{in: "9:00-17:00", bad: true},
		{in: "09:60-17:00", bad: true},
		{in: "09:00", bad: true},
	}
	for _, c := range cases {
		start, end, err := ParseSpan(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("ParseSpan(%q) accepted", c.in)
			}
			continue
		}
		if err != nil || start != c.start || end != c.end {
			t.Errorf("ParseSpan(%q) = %d, %d, %v; want %d, %d", c.in, start, end, err, c.start, c.end)
		}
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestExampleFileLoads keeps parley.example.yaml at the repository root valid.
func TestExampleFileLoads(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "parley.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.ScheduleFor("night-desk").Weekly["mon"]; len(got) != 1 || got[0] != "22:00-06:00" {
		t.Errorf("night-desk monday = %v", got)
	}
	if cfg.Lake.Path != "/var/lib/parley/lake" || cfg.Lake.S3.Endpoint != "https://minio.internal:9000" {
		t.Errorf("lake = %+v", cfg.Lake)
	}
}

// TestRepoSettingsFilesLoad keeps the other parley.yaml files of the repository (the fixtures'
// settings) valid as the checks tighten. (docs/mappings/*.yaml are import mappings, not settings.)
func TestRepoSettingsFilesLoad(t *testing.T) {
	for _, path := range []string{
		filepath.Join("..", "..", "testdata", "metrics", "queue_now.yaml"),
		filepath.Join("..", "..", "testdata", "metrics", "america.yaml"),
		filepath.Join("..", "..", "testdata", "metrics", "europe.yaml"),
		filepath.Join("..", "..", "testdata", "qa", "e2e.yaml"),
	} {
		if _, err := Load(path); err != nil {
			t.Errorf("Load(%s): %v", path, err)
		}
	}
}

// TestLakeSettings: the lake section is checked, and never changes what a
// build computes (it is not in the fingerprint).
func TestLakeSettings(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
		want                Lake
	}{
		{name: "bucket", yaml: "lake:\n  path: s3://b/p\n  s3: {endpoint: http://127.0.0.1:9000, region: eu-west-1}\n",
			want: Lake{Path: "s3://b/p", S3: S3{Endpoint: "http://127.0.0.1:9000", Region: "eu-west-1"}}},
		{name: "folder", yaml: "lake:\n  path: /data/lake\n", want: Lake{Path: "/data/lake"}},
		{name: "short form", yaml: "lake: /data/lake\n", want: Lake{Path: "/data/lake"}},
		{name: "short form bucket", yaml: "lake: s3://b/p\n", want: Lake{Path: "s3://b/p"}},
		{name: "endpoint without scheme", yaml: "lake:\n  s3: {endpoint: minio:9000}\n", wantErr: "lake.s3.endpoint"},
		{name: "misspelt scheme", yaml: "lake:\n  path: s3:/b/p\n", wantErr: "lake.path"},
		{name: "misspelt scheme, short form", yaml: "lake: s3:/b/p\n", wantErr: "lake.path"},
		{name: "unknown key", yaml: "lake:\n  s3: {secret_key: x}\n", wantErr: "line 2: lake.s3.secret_key: unknown key in lake.s3"},
		{name: "misspelt key", yaml: "lake:\n  pth: /data/lake\n", wantErr: "lake.pth: unknown key in lake; did you mean path?"},
		{name: "a list", yaml: "lake: [/a, /b]\n", wantErr: "line 1: lake: want a folder, s3://bucket/prefix, or a section"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "parley.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load: %v, want an error naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Lake != tc.want {
				t.Errorf("lake = %+v, want %+v", cfg.Lake, tc.want)
			}
			if cfg.Fingerprint() != Default().Fingerprint() {
				t.Error("the lake section changed the build fingerprint")
			}
			// The YAML a warehouse or a test writes back reads the same.
			again, err := Parse("again", cfg.YAML())
			if err != nil {
				t.Fatalf("reading back %s: %v", cfg.YAML(), err)
			}
			if again.Lake != tc.want {
				t.Errorf("read back: lake = %+v, want %+v", again.Lake, tc.want)
			}
		})
	}
}

// TestUnknownKeysAllAtOnce: every mistyped key is reported, each with its
// line, its section and the keys it probably meant, not only the first in
// the Go terms of the decoder.
func TestUnknownKeysAllAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.yaml")
	yamlText := "timezon: UTC\nwindows:\n  repeat_contct: 7d\nsla:\n  webchat: {first_respons: 1m, goal: 0.8}\nfriction:\n  weights: {tme: 1}\n"
	if err := os.WriteFile(path, []byte(yamlText), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load accepted unknown keys")
	}
	for _, want := range []string{
		"line 1: timezon: unknown key in parley.yaml; did you mean timezone?",
		"line 3: windows.repeat_contct: unknown key in windows; did you mean repeat_contact?",
		"line 5: sla.webchat.first_respons: unknown key in sla.webchat; did you mean first_response?",
		"line 7: friction.weights.tme: unknown key in friction.weights; did you mean time?",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "config.Config") {
		t.Errorf("error names Go types: %v", err)
	}
}

// TestEmptyWeeklyIsAroundTheClock: weekly: {} lists no day, which means open 24/7, and stays
// valid next to the never-open schedules TestLoadRejectsUnknownKeysAndBadDurations refuses.
func TestEmptyWeeklyIsAroundTheClock(t *testing.T) {
	cfg, err := Load(writeFile(t, "business_hours:\n  weekly: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.BusinessHours.Weekly) != 0 {
		t.Errorf("weekly %v, want none", cfg.BusinessHours.Weekly)
	}
}

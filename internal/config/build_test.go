package config

import (
	"strings"
	"testing"
	"time"
)

func TestBuildSettings(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		wantErr string // empty: valid
		wantDSN string
	}{
		{"defaults", "", "", "w.duckdb"},
		{"all three", "build: {memory_limit: 4GiB, temp_dir: /var/tmp/p, threads: 2}", "",
			"w.duckdb?memory_limit=4GiB&temp_directory=%2Fvar%2Ftmp%2Fp&threads=2"},
		{"decimal megabytes", "build: {memory_limit: 1.5 GB}", "", "w.duckdb?memory_limit=1.5+GB"},
		{"no unit", "build: {memory_limit: '4096'}", "build.memory_limit", ""},
		{"percent", "build: {memory_limit: 50%}", "build.memory_limit", ""},
		{"negative threads", "build: {threads: -1}", "build.threads", ""},
		{"query characters in temp_dir", "build: {temp_dir: '/tmp/a?b'}", "build.temp_dir", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeFile(t, tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load: %v, want an error naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Build.DSN("w.duckdb"); got != tc.wantDSN {
				t.Errorf("DSN = %q, want %q", got, tc.wantDSN)
			}
		})
	}
}

func TestFingerprintIgnoresBuildResources(t *testing.T) {
	base := Default().Fingerprint()
	resources := Default()
	resources.Build = Build{MemoryLimit: "1GiB", TempDir: "/tmp", Threads: 1}
	if got := resources.Fingerprint(); got != base {
		t.Errorf("build resources changed the fingerprint")
	}
	changes := map[string]func(*Config){
		"timezone":             func(c *Config) { c.TimeZone = "Europe/Berlin" },
		"windows.reopen":       func(c *Config) { c.Windows.Reopen = Duration(time.Hour) },
		"friction weight":      func(c *Config) { c.Friction.Weights.Effort = 0.3 },
		"reply window":         func(c *Config) { c.ReplyWindows["sms"] = Duration(time.Hour) },
		"queue business hours": func(c *Config) { c.Queues = map[string]Queue{"q": {Hours: Schedule{Holidays: []string{"2026-12-25"}}}} },
	}
	for name, change := range changes {
		c := Default()
		change(c)
		if c.Fingerprint() == base {
			t.Errorf("%s did not change the fingerprint", name)
		}
	}
}

func TestMemoryLimitBytes(t *testing.T) {
	tests := []struct {
		limit string
		want  int64
		ok    bool
	}{
		{"", 0, false},
		{"3GiB", 3 << 30, true},
		{"400 MiB", 400 << 20, true},
		{"512MB", 512_000_000, true},
		{"1.5gb", 1_500_000_000, true},
		{"2048 bytes", 2048, true},
		{" 4GiB ", 4 << 30, true},
	}
	for _, tc := range tests {
		got, ok := Build{MemoryLimit: tc.limit}.MemoryLimitBytes()
		if got != tc.want || ok != tc.ok {
			t.Errorf("MemoryLimitBytes(%q) = %d, %v; want %d, %v", tc.limit, got, ok, tc.want, tc.ok)
		}
	}
}

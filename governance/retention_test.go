package governance

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
)

// datedDirs lists the date=... directories under root/top.
func datedDirs(t *testing.T, root, top string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(root, top, "date=*"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	slices.Sort(m)
	return m
}

func TestRetention(t *testing.T) {
	// Conversations on 2026-03-02 and 2026-03-03; dead letters on the
	// import's own day (today), which every window here keeps.
	now := time.Date(2026, 4, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		keep       time.Duration
		dryRun     bool
		wantOldest string
		wantEvents []string // events partitions left
		wantStats  RetentionStats
	}{
		{"drops the older day", 31*24*time.Hour + 12*time.Hour, false, "2026-03-03",
			[]string{"date=2026-03-03"}, RetentionStats{EventPartitions: 1, Files: 1}},
		// now-keep = 2026-03-02T12:00: that day is only half outside, so it stays.
		{"keeps a day partly inside the window", 32 * 24 * time.Hour, false, "2026-03-02",
			[]string{"date=2026-03-02", "date=2026-03-03"}, RetentionStats{}},
		{"drops both", 30 * 24 * time.Hour, false, "2026-03-04",
			nil, RetentionStats{EventPartitions: 2, Files: 2}},
		{"dry run changes nothing", 30 * 24 * time.Hour, true, "2026-03-04",
			[]string{"date=2026-03-02", "date=2026-03-03"}, RetentionStats{EventPartitions: 2, Files: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := importLake(t, "ret", testLines())
			deadBefore := datedDirs(t, root, lake.DeadLetterDir)
			var logs strings.Builder
			st, err := Retention(context.Background(), RetentionConfig{Lake: root, Keep: tt.keep, Now: now, DryRun: tt.dryRun,
				Log: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			// One line per partition, which a dry run only would drop.
			did, would := strings.Count(logs.String(), `msg="retention: dropped"`), strings.Count(logs.String(), `msg="retention: would drop"`)
			if tt.dryRun {
				did, would = would, did
			}
			if did != tt.wantStats.EventPartitions || would != 0 {
				t.Errorf("log (dry run %v) does not say what it did:\n%s", tt.dryRun, logs.String())
			}
			if got := st.Oldest.Format(time.DateOnly); got != tt.wantOldest {
				t.Errorf("oldest kept = %s, want %s", got, tt.wantOldest)
			}
			if st.EventPartitions != tt.wantStats.EventPartitions || st.DeadLetterPartitions != 0 || st.Files != tt.wantStats.Files {
				t.Errorf("stats = %+v, want %+v", st, tt.wantStats)
			}
			if (st.Files > 0) != (st.Bytes > 0) {
				t.Errorf("bytes = %d for %d files", st.Bytes, st.Files)
			}
			if got := datedDirs(t, root, lake.EventsDir); !slices.Equal(got, tt.wantEvents) {
				t.Errorf("events partitions left = %v, want %v", got, tt.wantEvents)
			}
			if got := datedDirs(t, root, lake.DeadLetterDir); !slices.Equal(got, deadBefore) {
				t.Errorf("dead-letter partitions = %v, want %v", got, deadBefore)
			}
			left, err := filepath.Glob(filepath.Join(root, "*", lake.TempPrefix+"*"))
			if err != nil || len(left) > 0 {
				t.Errorf("leftovers: %v %v", left, err)
			}
			entries, err := ReadAudit(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 || entries[0].Status != StatusStarted || entries[0].Run != entries[1].Run {
				t.Fatalf("audit entries = %+v, want a start line and an end line of one run", entries)
			}
			e := entries[1]
			if e.Action != "retention" || e.Status != StatusCompleted || e.DryRun != tt.dryRun || e.Params["oldest_kept"] != tt.wantOldest ||
				e.Counts["event_partitions"] != int64(tt.wantStats.EventPartitions) || !e.Time.Equal(now) {
				t.Errorf("audit entry = %+v", e)
			}
		})
	}
}

// TestRetentionDropsDeadLetters and never follows a symlinked partition
// out of the lake: the link goes, what it points to stays.
func TestRetentionDropsDeadLettersNotLinkTargets(t *testing.T) {
	root := importLake(t, "ret", testLines())
	outside := t.TempDir()
	keepMe := filepath.Join(outside, "precious.parquet")
	if err := os.WriteFile(keepMe, []byte("not the lake's"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, lake.EventsDir, "date=2001-01-01")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	// A year from now every partition, dead letters included, is outside a 30-day window.
	st, err := Retention(context.Background(), RetentionConfig{Lake: root, Keep: 30 * 24 * time.Hour, Now: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if st.EventPartitions != 3 || st.DeadLetterPartitions != 1 {
		t.Errorf("stats = %+v, want 3 events partitions (one a link) and 1 dead-letter partition", st)
	}
	if _, err := os.Lstat(link); !os.IsNotExist(err) {
		t.Errorf("symlinked partition still there: %v", err)
	}
	if b, err := os.ReadFile(keepMe); err != nil || string(b) != "not the lake's" {
		t.Errorf("file outside the lake changed: %q %v", b, err)
	}
	for _, top := range []string{lake.EventsDir, lake.DeadLetterDir} {
		if left := datedDirs(t, root, top); len(left) > 0 {
			t.Errorf("%s partitions left: %v", top, left)
		}
	}
}

func TestRetentionValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  RetentionConfig
		want string
	}{
		{"no lake", RetentionConfig{Keep: 48 * time.Hour}, "lake: required"},
		{"no window", RetentionConfig{Lake: t.TempDir()}, "keep: must be at least one day"},
		{"under a day", RetentionConfig{Lake: t.TempDir(), Keep: time.Hour}, "keep: must be at least one day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Retention(context.Background(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

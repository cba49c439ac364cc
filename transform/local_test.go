package transform_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/transform"
)

// TestOccurredLocal checks events.occurred_local around offset changes:
// 120_events.sql adds the zone's offset per UTC hour and calls timezone()
// per event only in an hour holding a change, so the instants straddle
// changes on an hour boundary (London, Lord Howe in April) and inside an
// hour (Lord Howe's half-hour shift in October, St John's at 05:30 UTC),
// and before 1970, whose hours must be found by rounding down, not towards
// zero, including each hour's last microsecond and the change's own instant. Every
// value must equal the wall clock Go's time zone data gives, and
// timezone() of the same instant.
func TestOccurredLocal(t *testing.T) {
	tests := []struct {
		zone   string
		change time.Time // an offset change, UTC
	}{
		{"Europe/London", time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{"Europe/London", time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)},
		{"Australia/Lord_Howe", time.Date(2026, 4, 4, 15, 0, 0, 0, time.UTC)},
		{"Australia/Lord_Howe", time.Date(2026, 10, 3, 15, 30, 0, 0, time.UTC)},
		{"America/St_Johns", time.Date(2026, 3, 8, 5, 30, 0, 0, time.UTC)},
		{"Asia/Kathmandu", time.Date(2026, 3, 8, 5, 30, 0, 0, time.UTC)}, // no change: +05:45 throughout
		{"Europe/London", time.Date(1968, 2, 18, 2, 0, 0, 0, time.UTC)},  // before 1970: negative epoch microseconds
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %s", tc.zone, tc.change.Format(time.DateOnly)), func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Skipf("no time zone data for %s: %v", tc.zone, err)
			}
			// Before and after the change the offsets differ (none for Kathmandu).
			_, before := tc.change.Add(-time.Microsecond).In(loc).Zone()
			_, after := tc.change.In(loc).Zone()
			if (before == after) != (tc.zone == "Asia/Kathmandu") {
				t.Fatalf("%s: offset %d s before %s and %d s after: not the change the case is about", tc.zone, before, tc.change, after)
			}

			var evs []event.Event
			hourEnd := tc.change.Truncate(time.Hour).Add(time.Hour - time.Microsecond)
			for _, at := range []time.Time{tc.change, tc.change.Add(-time.Microsecond), hourEnd, hourEnd.Add(time.Microsecond)} {
				evs = append(evs, msg(fmt.Sprintf("e%d", len(evs)), "conv", at, "edge"))
			}
			for at := tc.change.Add(-3 * time.Hour); at.Before(tc.change.Add(3 * time.Hour)); at = at.Add(7*time.Minute + 13123456*time.Microsecond) {
				evs = append(evs, msg(fmt.Sprintf("e%d", len(evs)), "conv", at, "step"))
			}
			root := t.TempDir()
			writeFile(t, root, "a-0-0.parquet", tc.change.Add(4*time.Hour), evs...)

			settings := config.Default()
			settings.TimeZone = tc.zone
			dbPath := filepath.Join(t.TempDir(), "w.duckdb")
			if _, err := transform.Run(context.Background(), transform.Config{Lake: root, DB: dbPath, Settings: settings}); err != nil {
				t.Fatal(err)
			}
			db, err := warehouse.Open(dbPath, true)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.Query(`SELECT occurred_at, occurred_local,
			        occurred_local IS NOT DISTINCT FROM timezone($1, timezone('UTC', occurred_at))
			    FROM events`, tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var at, local time.Time
				var sameAsTimezone bool
				if err := rows.Scan(&at, &local, &sameAsTimezone); err != nil {
					t.Fatal(err)
				}
				w := at.In(loc)
				want := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
				if !local.Equal(want) || !sameAsTimezone {
					t.Errorf("occurred_at %s: occurred_local %s, want %s (equal to timezone(): %v)",
						at.Format(time.RFC3339Nano), local.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano), sameAsTimezone)
				}
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n != len(evs) {
				t.Errorf("%d events, want %d", n, len(evs))
			}
		})
	}
}

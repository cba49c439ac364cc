package metrics_test

import "testing"

// TestTimeZonesAndBusinessHours checks local dates and business-time
// figures around the 2026 DST changes in Europe (29 March, 25 October) and
// America (8 March), with queues open overnight (22:00-06:00) and a holiday.
// Expected values are worked out by hand from the UTC event times.
func TestTimeZonesAndBusinessHours(t *testing.T) {
	cases := []struct {
		fixture, config string
		id              string
		want            map[string]any
	}{
		// Fri 05:00 CET → Mon 22:30 CEST on a Mon–Fri 22:00–06:00 queue:
		// open Fri 05–06 (1 h), Fri 22 – Sat 06 (8 h), Mon 22:00–22:30 (0.5 h).
		{"europe.jsonl", "europe.yaml", "c-eu-night", map[string]any{
			"started_local": "2026-03-27T05:00:00Z", "local_date": "2026-03-27",
			"first_response_s": 3*86400.0 + 16.5*3600, "first_response_business_s": 9.5 * 3600,
			"resolution_s": 3*86400.0 + 16.5*3600 + 600, "resolution_business_s": 9.5*3600 + 600,
		}},
		// Sat 22:00 CET → Sun 07:00 CEST: 8 real hours, of which the Saturday
		// night interval (22:00 CET – 06:00 CEST) holds 7.
		{"europe.jsonl", "europe.yaml", "c-eu-dst", map[string]any{
			"local_date": "2026-03-28", "first_response_s": 8 * 3600.0, "first_response_business_s": 7 * 3600.0,
			"resolution_s": 8*3600.0 + 60, "resolution_business_s": 7 * 3600.0,
		}},
		// 22:30 UTC is 00:30 CEST on the 30th (and would be 23:30 on the 29th at CET).
		{"europe.jsonl", "europe.yaml", "c-eu-date-a", map[string]any{"local_date": "2026-03-30", "started_local": "2026-03-30T00:30:00Z"}},
		// 23:30 UTC on the 28th is 00:30 CET on the 29th, the day clocks go forward.
		{"europe.jsonl", "europe.yaml", "c-eu-date-b", map[string]any{"local_date": "2026-03-29"}},
		// 22:30 UTC on 24 October is 00:30 CEST on the 25th, the day clocks go back.
		{"europe.jsonl", "europe.yaml", "c-eu-fall", map[string]any{"local_date": "2026-10-25"}},
		// Fri 16:00 EST → Mon 10:00 EDT on a 09:00–17:00 queue: 1 h Friday + 1 h Monday
		// (a fixed −5 h offset would put Monday's reply at 09:00 and count 0 h).
		{"america.jsonl", "america.yaml", "c-us-dst", map[string]any{
			"local_date": "2026-03-06", "first_response_s": 2*86400.0 + 17*3600, "first_response_business_s": 7200.0,
			"resolution_s": 2*86400.0 + 17.5*3600, "resolution_business_s": 3600 + 1.5*3600,
		}},
		// Mon 16:30 → Wed 09:30 EDT with Tuesday a holiday: 0.5 h + 0.5 h.
		{"america.jsonl", "america.yaml", "c-us-holiday", map[string]any{
			"local_date": "2026-03-09", "first_response_s": 41 * 3600.0, "first_response_business_s": 3600.0,
			"resolution_business_s": 3660.0,
		}},
		// 04:30 UTC is 00:30 EDT on the 9th, but 23:30 EST on the 7th the day before the change.
		{"america.jsonl", "america.yaml", "c-us-date-a", map[string]any{"local_date": "2026-03-09"}},
		{"america.jsonl", "america.yaml", "c-us-date-b", map[string]any{"local_date": "2026-03-07", "started_local": "2026-03-07T23:30:00Z"}},
	}
	dbs := map[string]func() []row{}
	for _, c := range cases {
		if dbs[c.fixture] != nil {
			continue
		}
		db := build(t, readFixture(t, c.fixture), loadConfig(t, c.config))
		dbs[c.fixture] = func() []row { return queryRows(t, db, "SELECT * FROM conversations") }
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			for _, r := range dbs[c.fixture]() {
				if r["conversation_id"] == c.id {
					checkRow(t, c.id, r, c.want)
					return
				}
			}
			t.Fatalf("no conversation %s", c.id)
		})
	}
}

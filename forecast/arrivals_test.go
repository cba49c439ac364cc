package forecast

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCSV(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	type cell struct {
		day  string
		slot int
		n    float64
	}
	tests := []struct {
		name    string
		content string
		src     CSVSource
		loc     *time.Location
		first   string
		days    int
		cells   []cell // every non-zero interval
		skipped int
	}{
		{
			name: "event times with zones, converted to the org clock",
			// 22:50Z on 30 March is 00:50 on the 31st in Berlin (CEST, +2): slot 00:30.
			content: "id,created\n1,2026-03-30T22:50:00Z\n2,2026-03-31T01:10:00+02:00\n3,2026-03-31T00:59:59+02:00\n4,\n",
			src:     CSVSource{TimeCol: "created"},
			loc:     berlin,
			first:   "2026-03-31", days: 1,
			cells:   []cell{{"2026-03-31", 1, 2}, {"2026-03-31", 2, 1}},
			skipped: 1,
		},
		{
			name:    "per-interval counts, semicolons, wall-clock times",
			content: "start;calls\n2026-01-05 09:00;12\n2026-01-05 09:30;7.5\n2026-01-07 23:30;1\n",
			src:     CSVSource{TimeCol: "start", CountCol: "calls"},
			loc:     berlin,
			first:   "2026-01-05", days: 3,
			cells: []cell{{"2026-01-05", 18, 12}, {"2026-01-05", 19, 7.5}, {"2026-01-07", 47, 1}},
		},
		{
			name:    "date and time of day in two columns, tab-separated (call-log layout)",
			content: "date\tvru_entry\tserver\n990201\t7:02:47\tDORIT\n990201\t7:31:45\tNO_SERVER\n990202\t23:59:59\tX\n",
			src:     CSVSource{TimeCol: "vru_entry", DateCol: "date"},
			loc:     time.UTC,
			first:   "1999-02-01", days: 2,
			cells: []cell{{"1999-02-01", 14, 1}, {"1999-02-01", 15, 1}, {"1999-02-02", 47, 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.src.Path = writeFile(t, "in.csv", tc.content)
			s, skipped, err := ReadCSV(tc.src, 30*time.Minute, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			if !s.First.Equal(day(tc.first)) || len(s.Days) != tc.days || skipped != tc.skipped {
				t.Fatalf("first %v, %d days, %d skipped; want %s, %d, %d", s.First, len(s.Days), skipped, tc.first, tc.days, tc.skipped)
			}
			want := map[[2]int]float64{}
			for _, c := range tc.cells {
				want[[2]int{int(day(c.day).Sub(s.First).Hours() / 24), c.slot}] = c.n
			}
			for i, d := range s.Days {
				for j, v := range d {
					if v != want[[2]int{i, j}] {
						t.Errorf("%s slot %d = %v, want %v", s.Date(i).Format(time.DateOnly), j, v, want[[2]int{i, j}])
					}
				}
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, content string
		src           CSVSource
		want          string
		step          time.Duration // 30m when zero
	}{
		{"missing time column", "a,b\n1,2\n", CSVSource{TimeCol: "when"}, `--time-col: column "when" is not in the header`, 0},
		{"missing count column", "when,n\n2026-01-01 10:00,2\n", CSVSource{TimeCol: "when", CountCol: "calls"}, `--count-col: column "calls"`, 0},
		{"unparseable time", "when\n2026-01-01 10:00\nyesterday\n", CSVSource{TimeCol: "when"}, `line 3, --time-col when: "yesterday" is not a recognised date/time`, 0},
		{"negative count", "when,n\n2026-01-01 10:00,-3\n", CSVSource{TimeCol: "when", CountCol: "n"}, `line 2, --count-col n: "-3" is not a count >= 0`, 0},
		{"bad date column", "d,t\n1999-13-45,10:00\n", CSVSource{TimeCol: "t", DateCol: "d"}, `line 2, --date-col d`, 0},
		// Errors name the file line, not the row: blank lines are skipped, a quoted field spans lines.
		{"after blank lines", "ts\n2026-01-05 09:00\n\n\n\n05/01/2026 10:00\n", CSVSource{TimeCol: "ts"}, `line 6, --time-col ts: "05/01/2026 10:00"`, 0},
		{"after a multi-line field", "note,ts\n\"called\ntwice\nabout it\",2026-01-05 09:00\nok,5 Jan\n", CSVSource{TimeCol: "ts"}, `line 5, --time-col ts: "5 Jan"`, 0},
		{"count after a multi-line field", "ts,note,n\n2026-01-05 09:00,\"a\nb\",x\n", CSVSource{TimeCol: "ts", CountCol: "n"}, `line 3, --count-col n: "x"`, 0},
		{"date column missing from the row", "t,d\n\n10:00\n", CSVSource{TimeCol: "t", DateCol: "d"}, `line 3, --date-col d`, 0},
		{"malformed quote", "ts\n2026-01-05 09:00\n\n\"2026-01-05 10:00\"x\n", CSVSource{TimeCol: "ts"}, `in.csv: parse error on line 4`, 0},
		{"no rows", "when\n", CSVSource{TimeCol: "when"}, "no arrivals in the file", 0},
		{"hourly counts into half-hours", "when,n\n2026-01-01 10:00,3\n2026-01-01 11:00,4\n2026-01-02 09:00,1\n", CSVSource{TimeCol: "when", CountCol: "n"}, "--interval 30m is finer than the counts in the file, which are 1h apart", 0},
		{"five-minute counts into two-minute intervals", "when,n\n2026-01-01 10:00,3\n2026-01-01 10:05,4\n", CSVSource{TimeCol: "when", CountCol: "n"}, "which are 5m apart: use --interval 5m or a multiple of it", 2 * time.Minute},
		// A counts file appended to itself would double every interval.
		{"duplicate interval", "when,n\n2026-01-01 10:00,3\n2026-01-01 10:30,4\n\n2026-01-01 10:00,3\n", CSVSource{TimeCol: "when", CountCol: "n"}, "line 5, --time-col when: 2026-01-01 10:00:00 repeats line 2", 0},
		// Half-hourly counts stamped :15/:45 would move into the half-hour before.
		{"counts off the interval grid", "when,n\n2026-01-01 10:15,3\n2026-01-01 10:45,4\n2026-01-01 11:15,1\n", CSVSource{TimeCol: "when", CountCol: "n"}, "line 2, --time-col when: 10:15:00 is not on the --interval 30m grid (intervals start at 00:00, 00:30, ...) and no row is, so each count would be put into the interval before: use a finer --interval such as 15m", 0},
		{"NaN count", "when,n\n2026-01-01 10:00,3\n2026-01-01 10:30,NaN\n", CSVSource{TimeCol: "when", CountCol: "n"}, `line 3, --count-col n: "NaN" is not a count >= 0`, 0},
		{"infinite count", "when,n\n2026-01-01 10:00,+Inf\n", CSVSource{TimeCol: "when", CountCol: "n"}, `line 2, --count-col n: "+Inf" is not a count >= 0`, 0},
		{"time of day without --date-col", "date,time\n990201,7:02:47\n", CSVSource{TimeCol: "time"}, `line 2, --time-col time: "7:02:47" is a time of day without a date: name the column holding the date with --date-col`, 0},
		{"daily counts into half-hours", "when,n\n2026-01-01,3\n2026-01-02,4\n", CSVSource{TimeCol: "when", CountCol: "n"}, "which are 24h apart", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.src.Path = writeFile(t, "in.csv", tc.content)
			step := tc.step
			if step == 0 {
				step = 30 * time.Minute
			}
			_, _, err := ReadCSV(tc.src, step, time.UTC)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	if _, _, err := ReadCSV(CSVSource{Path: "in.csv", TimeCol: "t"}, 7*time.Minute, time.UTC); err == nil || !strings.Contains(err.Error(), "interval:") {
		t.Errorf("7-minute intervals accepted: %v", err)
	}
}

func TestBucketerDSTDay(t *testing.T) {
	// Berlin's autumn change repeats 02:00–03:00 on 25 Oct 2026: both
	// instants land in the same wall-clock slot; the day keeps 48 slots.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBucketer(30 * time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC) // 02:10 CEST
	b.Add(WallClock(first, berlin), 1)
	b.Add(WallClock(first.Add(time.Hour), berlin), 1) // 02:10 CET, an hour later
	s := b.Series()
	if len(s.Days) != 1 || len(s.Days[0]) != 48 || s.Days[0][4] != 2 {
		t.Errorf("DST day: %d days, slot 02:00 = %v; want both arrivals in it", len(s.Days), s.Days[0][4])
	}
}

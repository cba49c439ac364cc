package forecast

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CSVSource describes a delimited file of arrival history from any system:
// one row per arrival (event times), or one row per interval with a count.
type CSVSource struct {
	Path string
	// TimeCol names the column holding the arrival time (or interval start).
	TimeCol string
	// CountCol, if set, names a column with the number of arrivals at that
	// time; without it every row is one arrival.
	CountCol string
	// DateCol, if set, names a column holding the date while TimeCol holds
	// only the time of day (e.g. call logs with date 990201 and time 7:02:47).
	DateCol string
	// Sep is the field separator; 0 detects tab, semicolon or comma from the header line.
	Sep rune
}

// timestamp layouts tried in order. Layouts with a zone are converted to the
// org time zone; the others are taken as wall-clock time in it already.
var (
	zonedLayouts = []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 MST", time.RubyDate, time.RFC1123Z}
	localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006-01-02"}
	dateLayouts  = []string{"2006-01-02", "060102", "20060102", "2006/01/02"}
	clockLayouts = []string{"15:04:05", "15:04"}
)

// layoutCache remembers the layout that parsed the previous value, which
// is almost always the one for the next.
type layoutCache struct{ last string }

func (c *layoutCache) parse(v string, layouts ...[]string) (time.Time, bool, error) {
	if c.last != "" {
		if t, err := time.Parse(c.last, v); err == nil {
			return t, slices.Contains(zonedLayouts, c.last), nil
		}
	}
	for _, group := range layouts {
		for _, l := range group {
			if t, err := time.Parse(l, v); err == nil {
				c.last = l
				return t, slices.Contains(zonedLayouts, l), nil
			}
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is not a recognised date/time (e.g. 2026-03-02T09:15:00Z, 2026-03-02 09:15, 990201, 7:02:47)", v)
}

// InputError marks a file ReadCSV refuses for what is in it (a bad value,
// a repeated or off-grid interval, a missing column) rather than for failing
// to open it: the caller asked for the wrong file or flags, so the CLI exits 2.
type InputError struct{ error }

// Unwrap returns the reason the file was refused.
func (e InputError) Unwrap() error { return e.error }

// ReadCSV reads src into a Series with intervals of step, converting zoned
// timestamps to wall-clock time in loc. Rows with an empty time are skipped and counted.
func ReadCSV(src CSVSource, step time.Duration, loc *time.Location) (Series, int, error) {
	if err := validStep(step); err != nil {
		return Series{}, 0, fmt.Errorf("forecast: interval: %w", err)
	}
	f, err := os.Open(src.Path)
	if err != nil {
		return Series{}, 0, fmt.Errorf("forecast: open arrivals: %w", err)
	}
	defer f.Close()
	s, skipped, err := readCSV(f, src, step, loc)
	if err != nil {
		return Series{}, 0, fmt.Errorf("forecast: arrivals %s: %w", src.Path, InputError{err})
	}
	return s, skipped, nil
}

func readCSV(r io.Reader, src CSVSource, step time.Duration, loc *time.Location) (Series, int, error) {
	b, err := NewBucketer(step)
	if err != nil {
		return Series{}, 0, err
	}
	br := bufio.NewReader(r)
	sep := src.Sep
	if sep == 0 {
		head, err := br.Peek(br.Size())
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return Series{}, 0, fmt.Errorf("read header: %w", err)
		}
		sep = detectSep(head)
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return Series{}, 0, fmt.Errorf("read header: %w", err)
	}
	header = slices.Clone(header)
	col := func(flag, name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		for i, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == name {
				return i, nil
			}
		}
		return -1, fmt.Errorf("--%s: column %q is not in the header %q (separator %q)", flag, name, header, sep)
	}
	tc, err := col("time-col", src.TimeCol)
	if err != nil {
		return Series{}, 0, err
	}
	if tc < 0 {
		return Series{}, 0, errors.New("--time-col: required")
	}
	cc, err := col("count-col", src.CountCol)
	if err != nil {
		return Series{}, 0, err
	}
	dc, err := col("date-col", src.DateCol)
	if err != nil {
		return Series{}, 0, err
	}
	var tCache, dCache layoutCache
	skipped := 0
	grid := 0 // gcd of the count rows' seconds after midnight: the file's own interval
	// A counts file has one row per interval: a second row for the same
	// time (a file appended to itself) or a row between interval starts
	// would otherwise be summed into an interval without a word.
	seen := map[time.Time]int{} // count row time → its line
	// Finer counts (5m into 30m) are summed into intervals as asked, and
	// some of their rows fall on interval starts; when none does, the
	// file's intervals are shifted against --interval's (30m stamped :15/:45).
	offGrid, offGridLine, onGrid := time.Time{}, 0, false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Series{}, 0, err // a *csv.ParseError names its line
		}
		field := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		// line is the file line field i starts on, which is not the row
		// number: blank lines are skipped and a quoted field may span lines.
		// A field the row lacks is named at the row's last line.
		line := func(i int) int {
			l, _ := cr.FieldPos(min(i, len(rec)-1))
			return l
		}
		tv := field(tc)
		if tv == "" {
			skipped++
			continue
		}
		var at time.Time
		if dc >= 0 {
			d, _, err := dCache.parse(field(dc), dateLayouts)
			if err != nil {
				return Series{}, 0, fmt.Errorf("line %d, --date-col %s: %w", line(dc), src.DateCol, err)
			}
			c, _, err := tCache.parse(tv, clockLayouts)
			if err != nil {
				return Series{}, 0, fmt.Errorf("line %d, --time-col %s: %w", line(tc), src.TimeCol, err)
			}
			at = d.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second)
		} else {
			t, zoned, err := tCache.parse(tv, zonedLayouts, localLayouts)
			if err != nil {
				// The generic message lists 7:02:47 among the accepted
				// forms; alone it needs the date from another column.
				var clock layoutCache
				if _, _, cerr := clock.parse(tv, clockLayouts); cerr == nil {
					return Series{}, 0, fmt.Errorf("line %d, --time-col %s: %q is a time of day without a date: name the column holding the date with --date-col", line(tc), src.TimeCol, tv)
				}
				return Series{}, 0, fmt.Errorf("line %d, --time-col %s: %w", line(tc), src.TimeCol, err)
			}
			at = t
			if zoned {
				at = WallClock(t, loc)
			}
		}
		n := 1.0
		if cc >= 0 {
			grid = gcd(grid, int(at.Sub(at.Truncate(24*time.Hour))/time.Second))
			n, err = strconv.ParseFloat(field(cc), 64)
			// NaN compares false with everything, so test it by name.
			if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
				return Series{}, 0, fmt.Errorf("line %d, --count-col %s: %q is not a count >= 0", line(cc), src.CountCol, field(cc))
			}
			if first, dup := seen[at]; dup {
				return Series{}, 0, fmt.Errorf("line %d, --time-col %s: %s repeats line %d: a counts file has one row per interval (was the file appended twice?)", line(tc), src.TimeCol, at.Format("2006-01-02 15:04:05"), first)
			}
			seen[at] = line(tc)
			switch {
			case at.Sub(at.Truncate(step)) == 0:
				onGrid = true
			case offGridLine == 0:
				offGrid, offGridLine = at, line(tc)
			}
		}
		b.Add(at, n)
	}
	s := b.Series()
	if len(s.Days) == 0 {
		return Series{}, skipped, errors.New("no arrivals in the file")
	}
	// Counts per hour read into half-hours would leave every second
	// half-hour empty, which the model would take for closed.
	if fileStep := time.Duration(grid) * time.Second; cc >= 0 && (grid == 0 || fileStep > step) {
		if grid == 0 {
			fileStep = 24 * time.Hour
		}
		return Series{}, 0, fmt.Errorf("--interval %s is finer than the counts in the file, which are %s apart: use --interval %s or a multiple of it", FormatStep(step), FormatStep(fileStep), FormatStep(fileStep))
	}
	// Checked after the spacing above, which gives the better advice when
	// the file is coarser than --interval.
	if offGridLine > 0 && !onGrid {
		return Series{}, 0, fmt.Errorf("line %d, --time-col %s: %s is not on the --interval %s grid (intervals start at %s, %s, ...) and no row is, so each count would be put into the interval before: use a finer --interval such as %s", offGridLine, src.TimeCol, offGrid.Format("15:04:05"), FormatStep(step), "00:00", time.Time{}.Add(step).Format("15:04"), FormatStep(time.Duration(grid)*time.Second))
	}
	return s, skipped, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// detectSep picks the separator that occurs in the header line: tab, then semicolon, then comma.
func detectSep(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	switch {
	case bytes.IndexByte(head, '\t') >= 0:
		return '\t'
	case bytes.IndexByte(head, ';') >= 0 && bytes.IndexByte(head, ',') < 0:
		return ';'
	default:
		return ','
	}
}

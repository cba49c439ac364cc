package importers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ncruces/go-strftime"
)

// Named timestamp formats a mapping may use instead of a layout.
const (
	FormatRFC3339 = "rfc3339" // 2026-03-01T09:00:00+01:00, fractions allowed
	FormatUnix    = "unix"    // seconds since 1970, fractions allowed
	FormatUnixMs  = "unix_ms" // milliseconds since 1970
)

// timeParser parses one column's timestamps.
type timeParser struct {
	format string // a named format, formatStrftime, or "" when layout is a Go layout
	layout string // the Go layout, or the strftime pattern
	zoned  bool   // the strftime pattern reads an offset (%z, %:z, %Z)
	loc    *time.Location
}

// formatStrftime marks a timeParser whose layout is a strftime pattern,
// parsed with github.com/ncruces/go-strftime (strptime's rules: numbers may
// be unpadded, "3/2/2017" matches %d/%m/%Y).
const formatStrftime = "strftime"

func newTimeParser(format, zone string) (timeParser, error) {
	loc := time.UTC
	if zone != "" {
		l, err := time.LoadLocation(zone)
		if err != nil {
			return timeParser{}, fmt.Errorf("time_zone: %w", err)
		}
		loc = l
	}
	switch format {
	case "", FormatRFC3339:
		return timeParser{format: FormatRFC3339, loc: loc}, nil
	case FormatUnix, FormatUnixMs:
		return timeParser{format: format, loc: loc}, nil
	}
	// A pattern that cannot even format a known instant and read it back is a typo.
	probe := time.Date(2017, 10, 31, 22, 10, 47, 0, loc)
	if strings.Contains(format, "%") {
		goLayout, err := strftime.Layout(format)
		if err != nil {
			return timeParser{}, fmt.Errorf("format %q: %w (or write a Go layout such as 2006-01-02 15:04:05)", format, err)
		}
		p := timeParser{format: formatStrftime, layout: format, loc: loc, zoned: strings.Contains(goLayout, "-07") || strings.Contains(goLayout, "MST")}
		if _, err := p.parse(strftime.Format(format, probe)); err != nil {
			return timeParser{}, fmt.Errorf("format %q cannot read back what it writes: %w", format, err)
		}
		return p, nil
	}
	if _, err := time.ParseInLocation(format, probe.Format(format), loc); err != nil || !strings.ContainsAny(format, "0123456789") {
		return timeParser{}, fmt.Errorf("format: %q is neither a strftime pattern nor a Go layout (e.g. 2006-01-02 15:04:05)", format)
	}
	return timeParser{layout: format, loc: loc}, nil
}

// parse reads one timestamp; a value without an offset is in the parser's zone.
func (p timeParser) parse(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	switch p.format {
	case FormatRFC3339:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t, nil
		}
		// Without an offset, the mapping's time zone says where the clock was.
		return time.ParseInLocation("2006-01-02T15:04:05.999999999", v, p.loc)
	case FormatUnix, FormatUnixMs:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("not a number: %q", v)
		}
		if p.format == FormatUnixMs {
			f /= 1000
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).In(p.loc), nil
	case formatStrftime:
		t, err := strftime.Parse(p.layout, v)
		if err != nil || p.zoned {
			return t, err
		}
		// Without an offset in the pattern, the clock reading is in the mapping's zone.
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), p.loc), nil
	}
	return time.ParseInLocation(p.layout, v, p.loc)
}

package importers

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Named timestamp formats a mapping may use instead of a layout.
const (
	FormatRFC3339 = "rfc3339" // 2026-03-01T09:00:00+01:00, fractions allowed
	FormatUnix    = "unix"    // seconds since 1970, fractions allowed
	FormatUnixMs  = "unix_ms" // milliseconds since 1970
)

// strftime maps the strftime directives exports use most to Go layout elements.
var strftime = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'e': "_2", 'j': "002",
	'H': "15", 'I': "03", 'M': "04", 'S': "05", 'p': "PM", 'f': "999999999",
	'b': "Jan", 'h': "Jan", 'B': "January", 'a': "Mon", 'A': "Monday",
	'z': "-0700", 'Z': "MST", 'F': "2006-01-02", 'T': "15:04:05", '%': "%",
}

// goLayout turns a format as written in a mapping into a Go time layout: a
// strftime pattern (anything with %) is translated, anything else is taken
// to be a Go layout already.
func goLayout(format string) (string, error) {
	if !strings.Contains(format, "%") {
		return format, nil
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return "", fmt.Errorf("format %q ends with a lone %%", format)
		}
		i++
		if format[i] == ':' && i+1 < len(format) && format[i+1] == 'z' {
			b.WriteString("-07:00")
			i++
			continue
		}
		el, ok := strftime[format[i]]
		if !ok {
			return "", fmt.Errorf("format %q: %%%c is not supported (use a Go layout such as 2006-01-02 15:04:05)", format, format[i])
		}
		b.WriteString(el)
	}
	return b.String(), nil
}

// timeParser parses one column's timestamps.
type timeParser struct {
	format string // a named format, or "" when layout is used
	layout string
	loc    *time.Location
}

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
	layout, err := goLayout(format)
	if err != nil {
		return timeParser{}, fmt.Errorf("format: %w", err)
	}
	// A layout that cannot even format a known instant and read it back is a typo.
	probe := time.Date(2017, 10, 31, 22, 10, 47, 0, loc)
	if _, err := time.ParseInLocation(layout, probe.Format(layout), loc); err != nil || !strings.ContainsAny(layout, "0123456789") {
		return timeParser{}, fmt.Errorf("format: %q is neither a strftime pattern nor a Go layout (e.g. 2006-01-02 15:04:05)", format)
	}
	return timeParser{layout: layout, loc: loc}, nil
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
	}
	return time.ParseInLocation(p.layout, v, p.loc)
}

package forecast

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"
)

// ReadHolidays reads a file of known holidays (`--holidays FILE`): one
// date (YYYY-MM-DD) at the start of each line, optionally followed by a
// separator (comma, tab, semicolon or space) and a name. Blank lines, lines
// starting with '#', and a first line whose first field is "date" (a CSV
// header) are skipped; anything else that is not a date is an error naming
// its line.
func ReadHolidays(path string) ([]time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("forecast: --holidays: %w", err)
	}
	defer f.Close()
	var out []time.Time
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		field, _, _ := strings.Cut(strings.NewReplacer("\t", ",", ";", ",", " ", ",").Replace(text), ",")
		if line == 1 && strings.EqualFold(field, "date") {
			continue
		}
		d, err := time.Parse(time.DateOnly, field)
		if err != nil {
			return nil, fmt.Errorf("forecast: --holidays %s:%d: %q is not a YYYY-MM-DD date", path, line, field)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("forecast: --holidays %s: %w", path, err)
	}
	return out, nil
}

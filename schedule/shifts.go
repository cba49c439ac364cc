// Package schedule turns a staffing plan (agents needed per interval, the
// CSV of `parley forecast --staffing`) into shifts: how many agents start on
// each allowed shift so that every interval is covered at the least paid
// hours, as an integer program (docs/forecasting.md, "Shifts").
package schedule

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
)

// Shifts is a shifts.yaml: the shift types agents may be started on and the break rule.
type Shifts struct {
	// Breaks is the break rule every shift follows.
	Breaks BreakRule `yaml:"breaks"`
	// Shifts are the shift types.
	Shifts []ShiftType `yaml:"shifts"`
	// place prefixes a field error with its line in the file read
	// (LoadShifts); nil for shifts made in code.
	place func(error) error
}

// BreakRule gives every shift at least MinShift long one break of Length,
// starting After its start. Agents on break cover nothing; an unpaid break
// is not paid time.
type BreakRule struct {
	MinShift config.Duration `yaml:"min_shift"`
	After    config.Duration `yaml:"after"`
	Length   config.Duration `yaml:"length"`
	Paid     bool            `yaml:"paid"`
}

// ShiftType is one kind of shift: when it may start, how long it lasts, on which days.
type ShiftType struct {
	Name string `yaml:"name"`
	// Starts are the allowed start times, HH:MM wall clock.
	Starts []string        `yaml:"starts"`
	Length config.Duration `yaml:"length"`
	// Days are the weekdays (mon..sun) it may start on; empty means every day.
	Days []string `yaml:"days"`
}

// LoadShifts reads and validates a shifts.yaml as parley.yaml is read
// (config.DecodeStrict): unknown keys are errors with the near key, and every
// problem is reported at once, each naming its line and field, those of
// CheckGrid too when step, the plan's interval, is known (not 0).
func LoadShifts(path string, step time.Duration) (*Shifts, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("schedule: read %s: %w", path, err)
	}
	var s Shifts
	place, decoded := config.DecodeStrict(raw, &s)
	validate := func() error {
		if step == 0 {
			return s.Validate()
		}
		return errors.Join(s.Validate(), s.gridErrors(step))
	}
	if err := config.ValidateDecoded(path, place, decoded, validate); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	s.place = place
	return &s, nil
}

// Validate checks the shifts without changing them and returns every problem, each naming its field.
func (s *Shifts) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	b := s.Breaks
	if b != (BreakRule{}) {
		if b.MinShift <= 0 {
			add("breaks.min_shift", "must be > 0 (the shortest shift that gets a break)")
		}
		if b.Length <= 0 {
			add("breaks.length", "must be > 0")
		}
		if b.After <= 0 {
			add("breaks.after", "must be > 0 (the break starts this long after the shift)")
		}
		if b.MinShift > 0 && b.After+b.Length >= b.MinShift {
			add("breaks.after", "the break (%v after the start, %v long) must end before the shortest shift with a break (%v) does",
				time.Duration(b.After), time.Duration(b.Length), time.Duration(b.MinShift))
		}
	}
	if len(s.Shifts) == 0 {
		add("shifts", "list at least one shift type")
	}
	seen := map[string]bool{}
	for i, st := range s.Shifts {
		field := fmt.Sprintf("shifts[%d]", i)
		switch {
		case st.Name == "":
			add(field+".name", "must not be empty")
		case seen[st.Name]:
			add(field+".name", "%q is used twice", st.Name)
		}
		seen[st.Name] = true
		if st.Length <= 0 || st.Length > config.Duration(24*time.Hour) {
			add(field+".length", "must be in (0, 24h], got %v", time.Duration(st.Length))
		}
		if len(st.Starts) == 0 {
			add(field+".starts", "list at least one start time (HH:MM)")
		}
		for k, start := range st.Starts {
			if _, err := clock(start); err != nil {
				add(fmt.Sprintf("%s.starts[%d]", field, k), "%q is not HH:MM", start)
			}
		}
		for k, d := range st.Days {
			if !slices.Contains(config.Weekdays, d) {
				add(fmt.Sprintf("%s.days[%d]", field, k), "%q is not a weekday (want one of mon, tue, wed, thu, fri, sat, sun)%s", d, suggest.Hint(d, config.Weekdays))
			}
		}
	}
	return errors.Join(errs...)
}

// CheckGrid returns every shift length, start and break time that is not a
// whole number of the plan's intervals (step), each naming its field (and,
// for shifts read by LoadShifts, its line): Solve cannot place them.
func (s *Shifts) CheckGrid(step time.Duration) error {
	err := s.gridErrors(step)
	if err != nil && s.place != nil {
		err = s.place(err)
	}
	return err
}

// gridErrors is CheckGrid without the lines.
func (s *Shifts) gridErrors(step time.Duration) error {
	var errs []error
	for i, st := range s.Shifts {
		if time.Duration(st.Length)%step != 0 {
			errs = append(errs, fielderr.New(fmt.Sprintf("shifts[%d].length", i), "%v is not a whole number of the plan's %v intervals", time.Duration(st.Length), step))
		}
		for k, start := range st.Starts {
			if c, _ := clock(start); c%step != 0 {
				errs = append(errs, fielderr.New(fmt.Sprintf("shifts[%d].starts[%d]", i, k), "%s is not on the plan's %v grid", start, step))
			}
		}
	}
	for _, f := range []struct {
		name string
		d    config.Duration
	}{{"breaks.after", s.Breaks.After}, {"breaks.length", s.Breaks.Length}} {
		if time.Duration(f.d)%step != 0 {
			errs = append(errs, fielderr.New(f.name, "%v is not a whole number of the plan's %v intervals", time.Duration(f.d), step))
		}
	}
	return errors.Join(errs...)
}

// clock parses HH:MM into the time after midnight.
func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// startsOn reports whether the shift type may start on weekday w.
func (st ShiftType) startsOn(w time.Weekday) bool {
	if len(st.Days) == 0 {
		return true
	}
	return slices.Contains(st.Days, config.Weekdays[(int(w)+6)%7])
}

// onBreak reports whether an agent offset into a shift of length is on its break.
func (b BreakRule) onBreak(length, offset time.Duration) bool {
	return b.Length > 0 && length >= time.Duration(b.MinShift) &&
		offset >= time.Duration(b.After) && offset < time.Duration(b.After+b.Length)
}

// paidHours is what one agent on a shift of length is paid for.
func (b BreakRule) paidHours(length time.Duration) float64 {
	h := length.Hours()
	if b.Length > 0 && !b.Paid && length >= time.Duration(b.MinShift) {
		h -= time.Duration(b.Length).Hours()
	}
	return h
}

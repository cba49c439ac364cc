// Package synth simulates a customer-messaging support operation, minute by minute, and emits the conversation events it produces.
//
// It is a discrete-event simulation, not a set of independent random draws:
// customers arrive by a non-homogeneous Poisson process, talk to a bot on
// some channels, wait in queues for named agents who work shifts and hold a
// few chats at once, and react to what happens to them (they nudge, give up,
// come back, rate the service). Waits and first-response times therefore
// emerge from load against staffing. docs/generator.md describes the model.
package synth

import (
	"context"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // DefaultConfig's zone must load on machines without /usr/share/zoneinfo

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/fielderr"
)

// Config says what to simulate. Start from DefaultConfig; the same Config
// always yields the same events, byte for byte.
type Config struct {
	// Seed selects the random streams; different seeds give different data.
	Seed int64
	// Start is the first simulated day; only its calendar date in TZ is used
	// (the simulation begins at local midnight of that date).
	Start time.Time
	// Days is how many local days receive new conversations. Conversations
	// still open at the end run to completion, so a few events fall later.
	Days int
	// PerDay is the mean number of new conversations per day before weekly
	// seasonality, trend, noise and incidents. Reopens and repeat contacts
	// scheduled by the simulation come on top (a few percent).
	PerDay float64
	// TZ is where the operation lives: intraday peaks, shifts and weekends
	// follow its wall clock, and every occurred_at carries its offset.
	TZ *time.Location
	// DuplicateRate is the share of events emitted a second time, later,
	// with the same event_id (a producer retry).
	DuplicateRate float64
	// LateRate is the share of events held back and emitted out of order,
	// from seconds up to two days after they occurred (an offline phone).
	LateRate float64
	// Staffing scales the rostered headcount; 1 (or 0, meaning the default)
	// is a roster that copes off-peak and runs short at the daily peaks.
	Staffing float64
}

// DefaultConfig is the demo's operation: four weeks from Monday 9 March 2026
// in London (crossing the switch to summer time), 2,000 conversations a day.
func DefaultConfig() Config {
	tz, err := time.LoadLocation("Europe/London")
	if err != nil {
		// time/tzdata is linked in above, so this cannot happen.
		panic(fmt.Sprintf("synth: load Europe/London: %v", err))
	}
	return Config{
		Seed:          1,
		Start:         time.Date(2026, time.March, 9, 0, 0, 0, 0, tz),
		Days:          28,
		PerDay:        2000,
		TZ:            tz,
		DuplicateRate: 0.002,
		LateRate:      0.002,
		Staffing:      1,
	}
}

// Limits that keep a typo from asking for a run that never ends.
const (
	maxDays   = 3660
	maxPerDay = 1e6
)

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c Config) Validate() error {
	var errs []error
	if c.TZ == nil {
		errs = append(errs, fielderr.New("tz", "required"))
	}
	if c.Start.IsZero() {
		errs = append(errs, fielderr.New("start", "required"))
	} else if y := c.Start.Year(); y < 1971 || y > 2190 {
		errs = append(errs, fielderr.New("start", "year %d is outside 1971-2190", y))
	}
	if c.Days < 1 || c.Days > maxDays {
		errs = append(errs, fielderr.New("days", "must be 1..%d, got %d", maxDays, c.Days))
	}
	if !(c.PerDay > 0 && c.PerDay <= maxPerDay) {
		errs = append(errs, fielderr.New("per_day", "must be > 0 and <= %g, got %g", float64(maxPerDay), c.PerDay))
	}
	if !(c.DuplicateRate >= 0 && c.DuplicateRate <= 0.5) {
		errs = append(errs, fielderr.New("duplicate_rate", "must be 0..0.5, got %g", c.DuplicateRate))
	}
	if !(c.LateRate >= 0 && c.LateRate <= 0.5) {
		errs = append(errs, fielderr.New("late_rate", "must be 0..0.5, got %g", c.LateRate))
	}
	if !(c.Staffing >= 0 && c.Staffing <= 100) {
		errs = append(errs, fielderr.New("staffing", "must be 0..100 (0 means 1), got %g", c.Staffing))
	}
	return errors.Join(errs...)
}

// Stats counts what a Generate call emitted.
type Stats struct {
	// Conversations is the number of conversation_started events (duplicates not counted).
	Conversations int
	// Events is every call to emit, duplicates included.
	Events int
	// Duplicates and Late count the events re-sent and held back.
	Duplicates int
	Late       int
}

// Generate runs the simulation and calls emit for every event, roughly in
// occurred_at order (except the configured late events) and from the calling
// goroutine. Events are fresh values that emit may keep, but nested values
// (actor, message, attributes) may be shared between events and must be
// treated as read-only. An error from emit stops the run and is returned.
func Generate(ctx context.Context, cfg Config, emit func(*event.Event) error) (Stats, error) {
	if err := cfg.Validate(); err != nil {
		return Stats{}, fmt.Errorf("synth: invalid config: %w", err)
	}
	s := newSim(cfg, emit)
	if err := s.run(ctx); err != nil {
		return s.stats, err
	}
	return s.stats, nil
}

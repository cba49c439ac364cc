package config

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/parley-cx/parley/internal/fielderr"
)

// Staffing holds the workforce-planning settings of `parley forecast
// --staffing` and `parley schedule`: known holidays and, per queue and per
// channel, the handle time, concurrency and targets to staff for. Nothing
// here changes what `parley build` computes.
type Staffing struct {
	// Holidays are known holidays (local dates, YYYY-MM-DD) for the
	// forecast, besides business_hours.holidays and the queue's own: a
	// holiday is forecast as past holidays ran, and the day after one may
	// run high (docs/forecasting.md).
	Holidays []string `yaml:"holidays"`
	// Queues holds per-queue settings, by queue name.
	Queues map[string]StaffingGroup `yaml:"queues"`
	// Channels holds per-channel settings, by channel name.
	Channels map[string]StaffingGroup `yaml:"channels"`
}

// StaffingGroup is what to staff one queue or channel for. Unset fields
// fall back (queue, then channel, then the command's flags).
type StaffingGroup struct {
	// AHT is the agent working time per conversation; unset means --aht
	// (by default auto: conversations.agent_handle_s of the group).
	AHT Duration `yaml:"aht"`
	// Concurrency is how many conversations one agent handles at once.
	Concurrency int `yaml:"concurrency"`
	// Target is the service-level target: Goal answered within
	// FirstResponse. For a channel it defaults to sla.<channel>.
	Target *SLA `yaml:"target"`
	// Shrinkage is the share of paid time agents are unavailable, in [0, 1).
	Shrinkage *float64 `yaml:"shrinkage"`
	// MaxOccupancy caps agent occupancy, in (0, 1].
	MaxOccupancy *float64 `yaml:"max_occupancy"`
	// Patience is customers' mean patience; set, it staffs with Erlang A.
	Patience Duration `yaml:"patience"`
}

// HolidayDates are the known holidays of the forecast of queue ("" for all
// queues): staffing.holidays, plus the holidays of queue's schedule (or of
// business_hours). It must only be called on a validated Config.
func (c *Config) HolidayDates(queue string) []time.Time {
	var out []time.Time
	for _, list := range [][]string{c.Staffing.Holidays, c.ScheduleFor(queue).Holidays} {
		for _, h := range list {
			d, err := time.Parse(time.DateOnly, h)
			if err != nil {
				panic(fmt.Sprintf("config: HolidayDates called on unvalidated config: %v", err))
			}
			out = append(out, d)
		}
	}
	return out
}

func (s Staffing) validate() []error {
	var errs []error
	for i, h := range s.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			errs = append(errs, fielderr.New(fmt.Sprintf("staffing.holidays[%d]", i), "%q is not a YYYY-MM-DD date", h))
		}
	}
	for _, kind := range []struct {
		field  string
		groups map[string]StaffingGroup
	}{{"staffing.queues", s.Queues}, {"staffing.channels", s.Channels}} {
		for _, name := range slices.Sorted(maps.Keys(kind.groups)) {
			if kind.field == "staffing.channels" {
				if err := checkChannel(kind.field+"."+name, name, "these settings would staff nothing"); err != nil {
					errs = append(errs, err)
				}
			}
			errs = append(errs, kind.groups[name].validate(kind.field+"."+name)...)
		}
	}
	return errs
}

func (g StaffingGroup) validate(field string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fielderr.New(field+"."+key, format, args...))
	}
	if g.AHT < 0 {
		add("aht", "must be > 0 (or omitted for --aht), got %v", time.Duration(g.AHT))
	}
	if g.Concurrency < 0 {
		add("concurrency", "must be >= 1 (or omitted for --concurrency), got %d", g.Concurrency)
	}
	if t := g.Target; t != nil {
		if t.FirstResponse < 0 {
			add("target.first_response", "must be >= 0, got %v", time.Duration(t.FirstResponse))
		}
		if !(t.Goal > 0 && t.Goal < 1) {
			add("target.goal", "must be above 0 and below 1 (no finite staffing answers every contact in time), got %g", t.Goal)
		}
	}
	if s := g.Shrinkage; s != nil && !(*s >= 0 && *s < 1) {
		add("shrinkage", "must be in [0, 1), got %g", *s)
	}
	if o := g.MaxOccupancy; o != nil && !(*o > 0 && *o <= 1) {
		add("max_occupancy", "must be in (0, 1], got %g", *o)
	}
	if g.Patience < 0 {
		add("patience", "must be > 0 (or omitted for no abandonment), got %v", time.Duration(g.Patience))
	}
	return errs
}

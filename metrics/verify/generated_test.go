package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
)

// weekdays opens every weekday on the same spans.
func weekdays(spans ...string) map[string][]string {
	w := map[string][]string{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		w[d] = spans
	}
	return w
}

// generatedCases are the generator's operations and the settings their warehouses are built
// with: time zones on both sides of UTC with DST changes inside the data, business hours with
// night spans, overlapping spans and holidays, other SLA targets, reply windows and windows.
func generatedCases() []struct {
	name     string
	sim      func(*synth.Config)
	settings func(*config.Config)
} {
	return []struct {
		name     string
		sim      func(*synth.Config)
		settings func(*config.Config)
	}{
		{"london-defaults", func(c *synth.Config) {}, func(s *config.Config) { s.TimeZone = "Europe/London" }},
		{"new-york-office-hours-holiday", func(c *synth.Config) {
			c.TZ = mustZone("America/New_York")
			c.Start = time.Date(2026, 3, 6, 0, 0, 0, 0, c.TZ) // the US switch to summer time on 8 March
		}, func(s *config.Config) {
			s.TimeZone = "America/New_York"
			s.BusinessHours = config.Schedule{Weekly: weekdays("09:00-17:00"), Holidays: []string{"2026-03-09"}}
			s.Queues = map[string]config.Queue{
				"billing": {Hours: config.Schedule{TimeZone: "America/Los_Angeles", Weekly: weekdays("08:00-12:00", "13:00-18:00")}},
				"orders":  {Hours: config.Schedule{Weekly: map[string][]string{"sat": {"10:00-14:00"}, "sun": {"00:00-24:00"}}, Holidays: []string{"2026-03-08"}}},
			}
			s.SLA = map[string]config.SLA{
				"webchat":  {FirstResponse: config.Duration(2 * time.Minute), Goal: 0.9},
				"whatsapp": {FirstResponse: config.Duration(time.Hour), Goal: 0.5},
			}
		}},
		{"berlin-nights-dst", func(c *synth.Config) {
			c.TZ = mustZone("Europe/Berlin")
			c.Start = time.Date(2026, 3, 27, 0, 0, 0, 0, c.TZ) // summer time on 29 March
		}, func(s *config.Config) {
			s.TimeZone = "Europe/Berlin"
			s.Queues = map[string]config.Queue{
				"tech_support":       {Hours: config.Schedule{TimeZone: "Europe/Berlin", Weekly: weekdays("22:00-06:00")}},
				"tech_support_tier2": {Hours: config.Schedule{Weekly: map[string][]string{"sat": {"22:00-06:00"}, "sun": {"20:00-02:00"}}}},
				"accounts":           {Hours: config.Schedule{Weekly: weekdays("07:00-19:00", "18:00-23:00")}}, // overlapping spans
			}
			s.ReplyWindows = map[string]config.Duration{"whatsapp": config.Duration(time.Hour), "sms": config.Duration(30 * time.Minute), "webchat": config.Duration(5 * time.Minute)}
		}},
		{"tokyo-windows", func(c *synth.Config) {
			c.TZ = mustZone("Asia/Tokyo")
			c.DuplicateRate, c.LateRate = 0.05, 0.05
		}, func(s *config.Config) {
			s.TimeZone = "Asia/Tokyo"
			s.Windows = config.Windows{
				RepeatContact:       config.Duration(24 * time.Hour),
				EscalationEffective: config.Duration(2 * time.Hour),
				Reopen:              config.Duration(12 * time.Hour),
				IdleComplete:        config.Duration(3 * time.Hour),
			}
			s.ReplyWindows = map[string]config.Duration{"whatsapp": config.Duration(10 * time.Minute), "messenger": config.Duration(2 * time.Hour), "line": config.Duration(time.Hour)}
		}},
		{"sydney-weights-dst-end", func(c *synth.Config) {
			c.TZ = mustZone("Australia/Sydney")
			c.Start = time.Date(2026, 4, 4, 0, 0, 0, 0, c.TZ) // standard time on 5 April
		}, func(s *config.Config) {
			s.TimeZone = "Australia/Sydney"
			s.BusinessHours = config.Schedule{TimeZone: "Australia/Sydney", Weekly: map[string][]string{
				"mon": {"00:00-24:00"}, "sat": {"01:00-03:00"}, "sun": {"01:30-02:30", "23:00-01:00"},
			}, Holidays: []string{"2026-04-06"}}
			s.Friction.Weights = config.FrictionWeights{Time: 1, Impersonal: 0, Directness: 2.5, Effort: 0.3}
			s.SLA = map[string]config.SLA{"email": {FirstResponse: config.Duration(4 * time.Hour), Goal: 0.8}}
		}},
		{"rules-cost-no-intent", func(c *synth.Config) {}, func(s *config.Config) {
			// The generator labels every conversation with an intent; read the reason from an
			// attribute it never sets, so the default rules classify its texts.
			s.Dimensions[config.DimContactReason] = config.Dimension{Attribute: "reason_label"}
			s.Dimensions["language"] = config.Dimension{Attribute: "locale"}
			hour, bot, tier2 := 36.0, 0.4, 52.5
			s.Cost = config.Cost{AgentHour: &hour, BotConversation: &bot,
				Queues:   map[string]config.QueueCost{"billing_tier2": {AgentHour: &tier2}, "tech_support_tier2": {AgentHour: &tier2}},
				Channels: map[string]float64{"whatsapp": 0.0785, "sms": 0.0075}}
		}},
		{"utc-holidays-only", func(c *synth.Config) {
			c.TZ = time.UTC
			c.Staffing = 0.5 // long waits, abandonment
		}, func(s *config.Config) {
			s.BusinessHours = config.Schedule{Holidays: []string{"2026-03-10"}} // open around the clock but that day
		}},
	}
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// TestDifferentialGenerated runs the generator's simulated operation, one seed per case, through
// the build and the specification.
func TestDifferentialGenerated(t *testing.T) {
	days, perDay, seeds := 2, 60.0, 1
	if longRun {
		days, perDay, seeds = 7, 400, 3
	}
	for i, tc := range generatedCases() {
		for s := range seeds {
			seed := int64(1 + i + 100*s)
			t.Run(fmt.Sprintf("%s/seed-%d", tc.name, seed), func(t *testing.T) {
				sim := synth.DefaultConfig()
				sim.Seed, sim.Days, sim.PerDay = seed, days, perDay
				tc.sim(&sim)
				settings := config.Default()
				tc.settings(settings)
				if err := settings.Validate(); err != nil {
					t.Fatal(err)
				}
				var evs []event.Event
				if _, err := synth.Generate(context.Background(), sim, func(ev *event.Event) error {
					evs = append(evs, *ev)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				rep := requireAgreement(t, tc.name, rowsOf(t, "synth", evs), settings)
				if rep.Verified < 50 {
					t.Errorf("only %d conversations verified: the case is too small to mean much", rep.Verified)
				}
			})
		}
	}
}

package config

import (
	"strings"
	"testing"
	"time"
)

func TestStaffingSettings(t *testing.T) {
	cfg, err := Load(writeFile(t, `
business_hours:
  holidays: ["2026-12-25"]
staffing:
  holidays: ["2026-12-24"]
  queues:
    billing: {aht: 6m, concurrency: 1, target: {first_response: 20s, goal: 0.9}, shrinkage: 0.3, max_occupancy: 0.85, patience: 2m}
  channels:
    whatsapp: {aht: 4m, concurrency: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Staffing.Queues["billing"]
	if time.Duration(b.AHT) != 6*time.Minute || b.Target == nil || b.Target.Goal != 0.9 || *b.Shrinkage != 0.3 || *b.MaxOccupancy != 0.85 || time.Duration(b.Patience) != 2*time.Minute {
		t.Errorf("staffing.queues.billing = %+v", b)
	}
	if w := cfg.Staffing.Channels["whatsapp"]; w.Concurrency != 3 || w.Target != nil || w.Shrinkage != nil {
		t.Errorf("staffing.channels.whatsapp = %+v", w)
	}
	got := cfg.HolidayDates("")
	if len(got) != 2 || got[0] != time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC) || got[1] != time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC) {
		t.Errorf("HolidayDates = %v", got)
	}
	// Workforce settings never force a warehouse rebuild.
	if cfg.Fingerprint() != func() string { c := *cfg; c.Staffing = Staffing{}; return c.Fingerprint() }() {
		t.Error("staffing settings changed the build fingerprint")
	}
}

func TestStaffingSettingsErrorsNameTheirField(t *testing.T) {
	cases := []struct{ yaml, field string }{
		{`staffing: {holidays: ["24.12.2026"]}`, "staffing.holidays[0]"},
		{`staffing: {queues: {billing: {aht: -5s}}}`, "staffing.queues.billing.aht"},
		{`staffing: {queues: {billing: {concurrency: -1}}}`, "staffing.queues.billing.concurrency"},
		{`staffing: {channels: {email: {target: {first_response: 1h, goal: 1}}}}`, "staffing.channels.email.target.goal"},
		{`staffing: {channels: {email: {target: {first_response: -1h, goal: 0.8}}}}`, "staffing.channels.email.target.first_response"},
		{`staffing: {channels: {sms: {shrinkage: 1}}}`, "staffing.channels.sms.shrinkage"},
		{`staffing: {channels: {sms: {max_occupancy: 0}}}`, "staffing.channels.sms.max_occupancy"},
		{`staffing: {channels: {sms: {patience: -1m}}}`, "staffing.channels.sms.patience"},
		{`staffing: {queues: {billing: {ahtt: 5m}}}`, "ahtt"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			_, err := Load(writeFile(t, tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("Load: %v, want an error naming %s", err, tc.field)
			}
		})
	}
}

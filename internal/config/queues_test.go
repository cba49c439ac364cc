package config

import (
	"slices"
	"testing"
)

// TestQueueRefs: every section that names queues is listed, with the key
// path a warning can point at.
func TestQueueRefs(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []QueueRef
	}{
		{"none", "timezone: UTC\n", nil},
		{"every section", `
queues:
  sales: {hours: {weekly: {mon: ["09:00-17:00"]}}}
  billing: {hours: {weekly: {mon: ["08:00-18:00"]}}}
cost:
  agent_hour: 30
  queues: {vip: {agent_hour: 50}}
staffing:
  queues: {billing: {shrinkage: 0.3}}
qa:
  scorecards:
    - name: default
      categories: [{name: solution, weight: 1, scale: binary}]
    - name: billing_card
      queues: [billing, refunds]
      categories: [{name: solution, weight: 1, scale: binary}]
  auto:
    checks:
      - {name: greeting}
      - {name: spelling, queues: [ordres]}
`, []QueueRef{
			{"queues.billing", "billing"}, {"queues.sales", "sales"},
			{"cost.queues.vip", "vip"},
			{"staffing.queues.billing", "billing"},
			{"qa.scorecards[1].queues[0]", "billing"}, {"qa.scorecards[1].queues[1]", "refunds"},
			{"qa.auto.checks[1].queues[0]", "ordres"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("parley.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.QueueRefs(); !slices.Equal(got, tc.want) {
				t.Errorf("QueueRefs:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

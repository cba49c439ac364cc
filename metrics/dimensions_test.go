package metrics_test

import (
	"fmt"
	"testing"

	"github.com/marcboeker/go-duckdb/v2"

	"github.com/parley-cx/parley/internal/config"
)

// TestDimensionsByHand builds testdata/metrics/dimensions.jsonl and compares each
// conversation's dimensions, contact reason and cost with values worked out by hand from
// docs/metrics.md's rules (Dimensions, Contact reasons, Cost): attributes on the first event
// that holds them or on none, locale tags with and without a region, rules over the first
// burst (a bot reply inside it, an agent reply ending it), keywords as whole words across a
// line feed, a pattern, the attribute winning over the rules, and prices set, per queue and
// per channel.
func TestDimensionsByHand(t *testing.T) {
	settings := config.Default()
	settings.Dimensions["plan"] = config.Dimension{Attribute: "plan"}
	settings.ContactReasons = []config.ContactReason{
		{Name: "delivery", Keywords: []string{"where is my order", "parcel"}},
		{Name: "refund", Keywords: []string{"money back"}, Patterns: []string{`(?i)\brma-\d+`}},
	}
	hour, tier2, bot := 36.0, 52.5, 0.40
	settings.Cost = config.Cost{AgentHour: &hour, BotConversation: &bot,
		Queues: map[string]config.QueueCost{"billing_tier2": {AgentHour: &tier2}}, Channels: map[string]float64{"whatsapp": 0.0785, "sms": 0.01}}
	db := build(t, readFixture(t, "dimensions.jsonl"), settings)

	want := map[string]struct {
		reason, market, tier any
		dims                 string
		cost                 any
	}{
		// The start's intent is empty and its locale "en" has no region: the message decides
		// the reason and tier, but not the market. Agent time 4 min at 36/h + WhatsApp's fee.
		"d-label": {"refund", nil, "gold", "map[contact_reason:refund tier:gold]", 240.0/3600*36 + 0.0785},
		// No intent: the first burst is "Hi", the bot's reply, "Where is my ORDER?? Or my
		// money-back" (the agent's reply ends it); both rules match, delivery comes first.
		// Agent time 10:01 → 10:05 = 240 s, and the bot replied first: bot-handled.
		"d-rules": {"delivery", "RS", nil, "map[market:RS]", 240.0/3600*36 + 0.40},
		// "MONEY\nback" is the keyword's two words in a row; the pattern would match too.
		"d-money": {"refund", "419", nil, "map[market:419]", 300.0/3600*36 + 0.01},
		// "parcels" is not the word "parcel"; no human replied and no bot took part: cost 0.
		"d-plural": {"other", nil, nil, "map[plan:pro]", 0.0},
		// The bot contained it in billing_tier2: no agent time, the bot's price.
		"d-bot": {"other", nil, nil, "map[]", 0.40},
	}
	rows := queryRows(t, db, `SELECT conversation_id, contact_reason, market, tier, dimensions, cost FROM conversations ORDER BY 1`)
	if len(rows) != len(want) {
		t.Fatalf("%d conversations, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		id := r["conversation_id"].(string)
		w := want[id]
		dims := map[string]string{}
		for k, v := range r["dimensions"].(duckdb.Map) {
			dims[k.(string)] = v.(string)
		}
		got := fmt.Sprintf("%v|%v|%v|%v", r["contact_reason"], r["market"], r["tier"], dims)
		if exp := fmt.Sprintf("%v|%v|%v|%v", w.reason, w.market, w.tier, w.dims); got != exp {
			t.Errorf("%s: reason, market, tier, dimensions = %s, want %s", id, got, exp)
		}
		c, ok := r["cost"].(float64)
		if !ok || c-w.cost.(float64) > 1e-9 || w.cost.(float64)-c > 1e-9 {
			t.Errorf("%s: cost = %v, want %v", id, r["cost"], w.cost)
		}
	}
	// Without prices, no conversation has a cost; without rules, the unlabelled ones are other.
	plain := config.Default()
	plain.ContactReasons = nil
	db = build(t, readFixture(t, "dimensions.jsonl"), plain)
	for _, r := range queryRows(t, db, `SELECT conversation_id, contact_reason, cost FROM conversations ORDER BY 1`) {
		if r["cost"] != nil {
			t.Errorf("%s: cost %v without prices, want NULL", r["conversation_id"], r["cost"])
		}
		if want := map[string]string{"d-label": "refund"}[r["conversation_id"].(string)]; r["contact_reason"] != want && !(want == "" && r["contact_reason"] == "other") {
			t.Errorf("%s: contact reason %v without rules", r["conversation_id"], r["contact_reason"])
		}
	}
}

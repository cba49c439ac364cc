package metrics_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/marcboeker/go-duckdb/v2"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
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
	// The map's entries are in name order (236 sorts them), whatever order the attributes came in.
	for _, r := range queryRows(t, db, `SELECT conversation_id, map_keys(dimensions)::VARCHAR AS got, list_sort(map_keys(dimensions))::VARCHAR AS sorted FROM conversations`) {
		if r["got"] != r["sorted"] {
			t.Errorf("%s: dimensions keys %v, want them in name order %v", r["conversation_id"], r["got"], r["sorted"])
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

// TestDimensionRollupsByHand builds the same fixture and checks the build's views over the
// dimensions against answers worked out by hand: dimension_daily (one group per conversation
// here; the cost sums of docs/metrics.md, "dimension_daily"), opening_terms (the first burst's
// words, stop words, short words and numbers left out) and customer_returns (a customer back
// within 30 days, customers not back once 30 days have passed, not known yet otherwise, an event
// dated past the build ignored).
func TestDimensionRollupsByHand(t *testing.T) {
	settings := config.Default()
	settings.ContactReasons = []config.ContactReason{
		{Name: "delivery", Keywords: []string{"where is my order", "parcel"}},
		{Name: "refund", Keywords: []string{"money back"}, Patterns: []string{`(?i)\brma-\d+`}},
	}
	hour, tier2, bot := 36.0, 52.5, 0.40
	settings.Cost = config.Cost{AgentHour: &hour, BotConversation: &bot,
		Queues: map[string]config.QueueCost{"billing_tier2": {AgentHour: &tier2}}, Channels: map[string]float64{"whatsapp": 0.0785, "sms": 0.01}}
	evs := readFixture(t, "dimensions.jsonl")
	// u1 comes back on 08-20 (d-again); d-late on 09-10 is the last event not after the build,
	// 30 days and more after the 08-03 conversations ended; d-future, dated 2199, is after it.
	for _, line := range []string{
		`{"event_id": "d-again-1", "conversation_id": "d-again", "type": "message", "occurred_at": "2026-08-20T10:00:00Z", "channel": "webchat", "actor": {"role": "customer", "id": "u1"}, "message": {"text": "again"}}`,
		`{"event_id": "d-late-1", "conversation_id": "d-late", "type": "message", "occurred_at": "2026-09-10T10:00:00Z", "channel": "webchat", "actor": {"role": "customer", "id": "u6"}, "message": {"text": "late"}}`,
		`{"event_id": "d-future-1", "conversation_id": "d-future", "type": "message", "occurred_at": "2199-01-01T10:00:00Z", "channel": "webchat", "actor": {"role": "customer", "id": "u7"}, "message": {"text": "future"}}`,
	} {
		ev, err := event.Decode([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	db := build(t, evs, settings)

	// Costs as in TestDimensionsByHand: d-label 2.4785, d-rules 2.8, d-money 3.01 (resolved),
	// d-plural 0 (no human, no bot), d-bot 0.40 (resolved by the bot); the three new ones 0.
	got := queryRows(t, db, `SELECT concat_ws('|', local_date, channel, coalesce(queue, '-'), contact_reason, coalesce(market, '-'), coalesce(tier, '-'),
	        conversations, resolved, bot_handled, costed, costed_resolved, round(cost_sum::DOUBLE, 6), human_costed, round(human_cost_sum::DOUBLE, 6)) AS r
	    FROM dimension_daily ORDER BY r`)
	var lines []string
	for _, r := range got {
		lines = append(lines, r["r"].(string))
	}
	want := []string{
		"2026-08-03|email|-|other|-|-|1|0|0|1|0|0.0|0|0.0",
		"2026-08-03|sms|billing|refund|419|-|1|1|0|1|1|3.01|1|3.01",
		"2026-08-03|webchat|billing_tier2|other|-|-|1|1|1|1|1|0.4|0|0.0",
		"2026-08-03|webchat|orders|delivery|RS|-|1|0|1|1|0|2.8|1|2.8",
		"2026-08-03|whatsapp|orders|refund|-|gold|1|0|0|1|0|2.4785|1|2.4785",
		"2026-08-20|webchat|-|other|-|-|1|0|0|1|0|0.0|0|0.0",
		"2026-09-10|webchat|-|other|-|-|1|0|0|1|0|0.0|0|0.0",
		"2199-01-01|webchat|-|other|-|-|1|0|0|1|0|0.0|0|0.0",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("dimension_daily:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	// d-rules' first burst is "Hi" and "Where is my ORDER?? Or my money-back" (the bot's reply
	// inside it); "refund please" comes after the agent's reply. d-bot's "hello" and d-again's
	// "again" are stop words.
	terms := map[string]string{}
	for _, r := range queryRows(t, db, `SELECT conversation_id, string_agg(term, ' ' ORDER BY term) AS terms FROM opening_terms GROUP BY 1`) {
		terms[r["conversation_id"].(string)] = r["terms"].(string)
	}
	wantTerms := map[string]string{"d-label": "order", "d-rules": "money order", "d-money": "money rma want", "d-plural": "both late parcels two",
		"d-late": "late", "d-future": "future"}
	if fmt.Sprint(terms) != fmt.Sprint(wantTerms) {
		t.Errorf("opening_terms %v, want %v", terms, wantTerms)
	}

	returns := map[string]string{}
	for _, r := range queryRows(t, db, `SELECT conversation_id, concat_ws('|', coalesce(CAST(next_started_at AS VARCHAR), '-'), coalesce(CAST(returned_30d AS VARCHAR), 'unknown')) AS r FROM customer_returns`) {
		returns[r["conversation_id"].(string)] = r["r"].(string)
	}
	wantReturns := map[string]string{
		"d-label": "2026-08-20 10:00:00|true", "d-rules": "-|false", "d-money": "-|false", "d-plural": "-|false", "d-bot": "-|false",
		"d-again": "-|unknown", "d-late": "-|unknown", "d-future": "-|unknown",
	}
	if fmt.Sprint(returns) != fmt.Sprint(wantReturns) {
		t.Errorf("customer_returns %v, want %v", returns, wantReturns)
	}
}

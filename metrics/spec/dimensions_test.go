package spec_test

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
)

// attrs sets the attributes of the conversation's event number n (from 1).
func (c *conv) attrs(n int, a map[string]string) *conv {
	c.rows[n-1].Attributes = a
	return c
}

// TestDimensionExamples runs the worked examples of docs/metrics.md's Dimensions, Contact
// reasons and Cost through the specification, and the edges of each rule: events with and
// without the attributes, locale tags with and without a region, keywords as whole words.
func TestDimensionExamples(t *testing.T) {
	rules := config.Default()
	rules.ContactReasons = []config.ContactReason{
		{Name: "delivery", Keywords: []string{"where is my order", "parcel"}},
		{Name: "refund", Keywords: []string{"money back"}, Patterns: []string{`(?i)\brefund`}},
	}
	onlyRefund := config.Default()
	onlyRefund.ContactReasons = rules.ContactReasons[1:]
	noRules := config.Default()
	noRules.ContactReasons = nil
	opening := func(channel string) *conv {
		return newConv(t, "c", channel).customer("09:00:00", "Hi").bot("09:00:05").
			customer("09:01:00", "Where is my ORDER?? Or my money-back").agent("09:05:00", "ana").customer("09:06:00", "refund please")
	}

	hour, tier2, bot, whatsapp := 36.0, 52.5, 0.40, 0.0785
	prices := config.Default()
	prices.Cost = config.Cost{AgentHour: &hour, BotConversation: &bot,
		Queues: map[string]config.QueueCost{"billing_tier2": {AgentHour: &tier2}}, Channels: map[string]float64{"whatsapp": whatsapp}}
	noBotPrice := config.Default()
	noBotPrice.Cost = config.Cost{AgentHour: &hour}

	for _, tc := range []struct {
		name string
		run  func(t *testing.T) map[string]any
		want map[string]any
	}{
		{"dimensions: the first event that holds the attribute decides", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat").start("09:00:00").customer("09:00:01", "hi").agent("09:01:00", "ana")
			c.attrs(1, map[string]string{"locale": "en", "intent": ""}).attrs(2, map[string]string{"locale": "de-DE", "intent": "refund", "customer_tier": "gold"})
			cv := c.compute(nil, "").Conversation
			return map[string]any{"market": str(cv.Market), "reason": cv.ContactReason, "tier": str(cv.Tier), "dimensions": cv.Dimensions}
		}, map[string]any{"market": nil, "reason": "refund", "tier": "gold", "dimensions": "map[contact_reason:refund tier:gold]"}},

		{"dimensions: no attributes at all", func(t *testing.T) map[string]any {
			cv := newConv(t, "c", "webchat").customer("09:00:00", "hello").compute(noRules, "").Conversation
			return map[string]any{"market": str(cv.Market), "reason": cv.ContactReason, "tier": str(cv.Tier), "dimensions": cv.Dimensions}
		}, map[string]any{"market": nil, "reason": "other", "tier": nil, "dimensions": "map[]"}},

		{"dimensions: another name, and one turned off", func(t *testing.T) map[string]any {
			s := config.Default()
			s.Dimensions["plan"] = config.Dimension{Attribute: "plan"}
			s.Dimensions[config.DimTier] = config.Dimension{}
			c := newConv(t, "c", "webchat").start("09:00:00").attrs(1, map[string]string{"plan": "pro", "customer_tier": "gold"})
			cv := c.compute(s, "").Conversation
			return map[string]any{"tier": str(cv.Tier), "dimensions": cv.Dimensions}
		}, map[string]any{"tier": nil, "dimensions": "map[plan:pro]"}},

		{"contact reasons: the first rule that matches the first messages", func(t *testing.T) map[string]any {
			return map[string]any{"both rules": opening("webchat").compute(rules, "").Conversation.ContactReason,
				"refund only": opening("webchat").compute(onlyRefund, "").Conversation.ContactReason,
				"no rules":    opening("webchat").compute(noRules, "").Conversation.ContactReason}
		}, map[string]any{"both rules": "delivery", "refund only": "refund", "no rules": "other"}},

		{"contact reasons: a message after the first human reply is not read", func(t *testing.T) map[string]any {
			s := config.Default()
			s.ContactReasons = []config.ContactReason{{Name: "please", Keywords: []string{"please"}}}
			return map[string]any{"reason": opening("webchat").compute(s, "").Conversation.ContactReason}
		}, map[string]any{"reason": "other"}},

		{"contact reasons: keywords are whole words", func(t *testing.T) map[string]any {
			out := map[string]any{}
			for _, text := range []string{"two parcels", "a Parcel!", "moneyback", "MONEY\nback"} {
				out[text] = newConv(t, "c", "webchat").customer("09:00:00", text).compute(rules, "").Conversation.ContactReason
			}
			return out
		}, map[string]any{"two parcels": "other", "a Parcel!": "delivery", "moneyback": "other", "MONEY\nback": "refund"}},

		{"contact reasons: the attribute wins over the rules", func(t *testing.T) map[string]any {
			c := opening("webchat")
			c.attrs(1, map[string]string{"intent": "order_status"})
			return map[string]any{"reason": c.compute(rules, "").Conversation.ContactReason}
		}, map[string]any{"reason": "order_status"}},

		{"contact reasons: an agent's opener, then the customer", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "sms").agent("09:00:00", "ana").customer("09:10:00", "my parcel?").agent("09:11:00", "ana")
			return map[string]any{"reason": c.compute(rules, "").Conversation.ContactReason}
		}, map[string]any{"reason": "delivery"}},

		{"cost: the docs' three conversations", func(t *testing.T) map[string]any {
			handedOff := newConv(t, "c", "whatsapp").customer("09:00:00", "hi").bot("09:00:02").
				route("09:01:00", event.Escalated, event.RoleBot, event.RoleAgent, "billing_tier2").
				agent("09:06:00", "ana").customer("09:07:00", "ok").agent("09:11:00", "ana")
			hc := handedOff.compute(prices, "").Conversation
			contained := newConv(t, "d", "webchat").customer("09:00:00", "hi").bot("09:00:02").status("09:01:00", event.Resolved, event.RoleBot)
			return map[string]any{"handle": hc.AgentHandleS, "handed off": f(hc.Cost),
				"contained":               f(contained.compute(prices, "").Conversation.Cost),
				"contained, no bot price": f(contained.compute(noBotPrice, "").Conversation.Cost),
				"no prices":               f(contained.compute(nil, "").Conversation.Cost)}
		}, map[string]any{"handle": 540.0, "handed off": 540.0/3600*52.5 + 0.40 + 0.0785, "contained": 0.40,
			"contained, no bot price": nil, "no prices": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.run(t), tc.want) })
	}
}

// TestMarketRegion: the locale tags of docs/metrics.md's Dimensions, each read as a region.
func TestMarketRegion(t *testing.T) {
	for tag, want := range map[string]any{
		"de-DE": "DE", "en_gb.UTF-8": "GB", "zh-Hant-TW": "TW", "es-419": "419", "de-DE-1996": "DE", "EN-us": "US",
		"sr_Latn_RS@latin": "RS", "en": nil, "x": nil, "12-DE": nil, "de.DE": nil, "de--DE": nil, "de-Latn": nil, "fr-4190": nil, "ÄÖ-DE": nil,
	} {
		c := newConv(t, "c", "webchat").start("09:00:00").attrs(1, map[string]string{"locale": tag})
		if got := str(c.compute(nil, "").Conversation.Market); got != want {
			t.Errorf("market of locale %q = %v, want %v", tag, got, want)
		}
	}
}

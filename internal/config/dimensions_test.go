package config

import (
	"slices"
	"strings"
	"testing"
)

// TestDimensionsAndRulesLoad: the defaults, how a file changes them, and
// that every mistake is refused naming its field.
func TestDimensionsAndRulesLoad(t *testing.T) {
	cfg, err := Load(writeFile(t, `
dimensions:
  market: {attribute: country}
  plan: {attribute: plan_name}
contact_reasons:
  - {name: shipping, keywords: [parcel, "where is my order"]}
  - {name: billing, patterns: ['(?i)invoice\s*#?\d+']}
cost:
  currency: EUR
  agent_hour: 38.5
  queues: {tier2: {agent_hour: 52}}
  channels: {whatsapp: 0.07}
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Dimensions[DimMarket]; got != (Dimension{Attribute: "country"}) {
		t.Errorf("market = %+v, want the file's attribute with the value as it is", got)
	}
	if got := cfg.Dimensions[DimContactReason]; got.Attribute != "intent" {
		t.Errorf("contact_reason = %+v, want the default kept", got)
	}
	if got := cfg.Dimensions["plan"]; got.Attribute != "plan_name" {
		t.Errorf("plan = %+v", got)
	}
	if len(cfg.ContactReasons) != 2 || cfg.ContactReasons[0].Name != "shipping" {
		t.Errorf("contact_reasons = %+v, want the file's two rules instead of the defaults", cfg.ContactReasons)
	}
	if h := cfg.Cost.AgentHourFor("tier2"); h == nil || *h != 52 {
		t.Errorf("agent hour of tier2 = %v, want 52", h)
	}
	if h := cfg.Cost.AgentHourFor("billing"); h == nil || *h != 38.5 {
		t.Errorf("agent hour of billing = %v, want the default 38.5", h)
	}
	if !cfg.Cost.Set() || Default().Cost.Set() {
		t.Errorf("cost set: file %v, defaults %v; want true, false", cfg.Cost.Set(), Default().Cost.Set())
	}

	none, err := Load(writeFile(t, "contact_reasons: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(none.ContactReasons) != 0 {
		t.Errorf("contact_reasons: [] left %d rules, want none", len(none.ContactReasons))
	}
	kept, err := Load(writeFile(t, "contact_reasons:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(kept.ContactReasons) != len(DefaultContactReasons()) {
		t.Errorf("contact_reasons with no value left %d rules, want the %d defaults", len(kept.ContactReasons), len(DefaultContactReasons()))
	}
	off, err := Load(writeFile(t, "dimensions:\n  market: {attribute: \"\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if off.Dimensions[DimMarket].Attribute != "" || off.Dimensions[DimTier].Attribute != "customer_tier" {
		t.Errorf("dimensions after turning market off: %+v", off.Dimensions)
	}
}

func TestDimensionsAndRulesRefused(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"dimension name", "dimensions:\n  Market: {attribute: locale}\n", "dimensions.Market: the name must be"},
		{"dimension value", "dimensions:\n  market: {attribute: locale, value: country}\n", `dimensions.market.value: "country" is not`},
		{"attribute spaces", "dimensions:\n  market: {attribute: ' locale'}\n", "dimensions.market.attribute:"},
		{"rule without words", "contact_reasons:\n  - {name: x}\n", "contact_reasons[0]: needs at least one keyword or pattern"},
		{"rule name", "contact_reasons:\n  - {name: '', keywords: [a]}\n", "contact_reasons[0].name: must not be empty"},
		{"rule twice", "contact_reasons:\n  - {name: a, keywords: [x]}\n  - {name: a, keywords: [y]}\n", `contact_reasons[1].name: "a" is used by an earlier rule`},
		{"keyword of punctuation", "contact_reasons:\n  - {name: a, keywords: ['?!']}\n", `contact_reasons[0].keywords[0]: "?!" holds no letter or digit`},
		{"bad pattern", "contact_reasons:\n  - {name: a, patterns: ['(unclosed']}\n", `contact_reasons[0].patterns[0]: "(unclosed" is not a regular expression`},
		{"negative price", "cost:\n  agent_hour: -1\n", "cost.agent_hour: must be a finite amount >= 0, got -1"},
		{"queue without a price", "cost:\n  queues: {tier2: {}}\n", "cost.queues.tier2.agent_hour: required"},
		{"channel fee NaN", "cost:\n  channels: {whatsapp: .nan}\n", "cost.channels.whatsapp: must be a finite amount"},
		{"currency", "cost:\n  currency: euros and cents\n", "cost.currency:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeFile(t, c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestDimensionsShapeTheBuild: dimensions, rules and prices change what a
// build computes, so they are in the fingerprint and a change says so.
func TestDimensionsShapeTheBuild(t *testing.T) {
	base := Default()
	price := 40.0
	changes := map[string]func(*Config){
		"dimensions":      func(c *Config) { c.Dimensions[DimMarket] = Dimension{Attribute: "country"} },
		"contact_reasons": func(c *Config) { c.ContactReasons = c.ContactReasons[1:] },
		"cost":            func(c *Config) { c.Cost.AgentHour = &price },
	}
	for name, change := range changes {
		c := Default()
		change(c)
		if c.Fingerprint() == base.Fingerprint() {
			t.Errorf("%s did not change the fingerprint", name)
		}
		got, err := c.ChangesFrom(base.SemanticYAML())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || !strings.HasPrefix(got[0].Setting, name) || got[0].Effect() == "the metrics are computed differently" {
			t.Errorf("%s: changes %v, want one naming it with its effect", name, got)
		}
	}
	// A changed rule is named by its place, not by the whole list.
	c := Default()
	c.ContactReasons[2].Keywords = []string{"refund"}
	got, err := c.ChangesFrom(base.SemanticYAML())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Setting != "contact_reasons[2].keywords" || got[0].New != "[refund]" {
		t.Errorf("changes %v, want contact_reasons[2].keywords only", got)
	}
}

func TestKeywordWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"money back", []string{"money", "back"}},
		{"Wi-Fi", []string{"Wi", "Fi"}},
		{"hasn't arrived", []string{"hasn", "t", "arrived"}},
		{"Rückerstattung", []string{"Rückerstattung"}},
		{"２FA", []string{"２FA"}},
		{"?!", nil},
	} {
		if got := KeywordWords(c.in); !slices.Equal(got, c.want) {
			t.Errorf("KeywordWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCostChannelRefused: a fee for a channel no event carries (a misspelling) is a
// validation error naming the near miss; it was a warning, easy to miss, while the fee meant
// charged nothing.
func TestCostChannelRefused(t *testing.T) {
	for _, tt := range []struct {
		channel, want, unwanted string
	}{
		{"whatsap", `cost.channels.whatsap: no event has channel "whatsap", so this fee would charge nothing; did you mean whatsapp?`, ""},
		// An empty name is near every short name; a list of them all is no suggestion.
		{"", `cost.channels.: no event has channel "", so this fee would charge nothing; the channels:`, "did you mean"},
	} {
		c := Default()
		c.Cost.Channels = map[string]float64{tt.channel: 0.07}
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) || tt.unwanted != "" && strings.Contains(err.Error(), tt.unwanted) {
			t.Errorf("%q: Validate: %v, want the channel refused: %q", tt.channel, err, tt.want)
		}
	}
}

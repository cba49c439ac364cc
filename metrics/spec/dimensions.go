package spec

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/parley-cx/parley/internal/config"
)

// dimensions fills contact_reason, market, tier and the dimensions map.
//
// docs/metrics.md, Dimensions: "A dimension's value is its attribute's value on the
// conversation's first event (by seq) whose attributes hold that key with a non-empty value;
// with value: region, the region of that value read as a locale tag, and no value when it has
// none, even if a later event's tag has one." "contact_reason, market and tier are columns of
// their own (NULL without a value, except contact_reason, see Contact reasons); every dimension
// that has a value, whatever its name, is an entry of the map dimensions, which is empty when
// none has." A dimension whose attribute is empty is off.
func dimensions(r *ConversationRow, evs []Event, s *config.Config) {
	r.Dimensions = map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Dimensions)) {
		d := s.Dimensions[name]
		if d.Attribute == "" {
			continue
		}
		raw, ok := firstAttribute(evs, d.Attribute)
		if !ok {
			continue
		}
		v := raw
		if d.Value == config.ValueRegion {
			if v, ok = localeRegion(raw); !ok {
				continue
			}
		}
		r.Dimensions[name] = v
	}
	r.Market = mapValue(r.Dimensions, config.DimMarket)
	r.Tier = mapValue(r.Dimensions, config.DimTier)
	r.ContactReason = contactReason(r.Dimensions, evs, s.ContactReasons)
}

// firstAttribute is the value of key on the first event whose attributes hold it with a
// non-empty value.
func firstAttribute(evs []Event, key string) (string, bool) {
	for _, e := range evs {
		if v := e.Attributes[key]; v != "" {
			return v, true
		}
	}
	return "", false
}

func mapValue(m map[string]string, key string) *string {
	if v, ok := m[key]; ok {
		return &v
	}
	return nil
}

// localeRegion: "the region of a locale tag: its subtags are separated by - or _; after the
// language (2 to 8 ASCII letters) and an optional script (4 ASCII letters) comes the region,
// two ASCII letters (given upper-cased) or three ASCII digits, which must end the tag or be
// followed by -, _, . or @. de-DE → DE, en_gb.UTF-8 → GB, zh-Hant-TW → TW, es-419 → 419,
// de-DE-1996 → DE; en, x and 12-DE have none."
func localeRegion(tag string) (string, bool) {
	lang, rest, ok := cutSubtag(tag)
	if !ok || len(lang) < 2 || len(lang) > 8 || !allASCII(lang, isASCIILetter) {
		return "", false
	}
	next, after, ok := cutSubtag(rest)
	if ok && len(next) == 4 && allASCII(next, isASCIILetter) {
		next, _, ok = cutSubtag(after)
	}
	if !ok {
		return "", false
	}
	switch {
	case len(next) == 2 && allASCII(next, isASCIILetter):
		return strings.ToUpper(next), true
	case len(next) == 3 && allASCII(next, func(b byte) bool { return b >= '0' && b <= '9' }):
		return next, true
	}
	return "", false
}

// cutSubtag splits s at its first subtag: the subtag, and what follows its separator. The
// language starts the tag; every later subtag follows a - or _. A subtag ends at -, _, ., @ or
// the end; ok is false when s is empty.
func cutSubtag(s string) (subtag, rest string, ok bool) {
	if s == "" {
		return "", "", false
	}
	i := strings.IndexAny(s, "-_.@")
	if i < 0 {
		return s, "", true
	}
	if s[i] == '.' || s[i] == '@' {
		// A codeset or modifier: no subtag follows it.
		return s[:i], "", true
	}
	return s[:i], s[i+1:], true
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func allASCII(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// contactReason: docs/metrics.md, Contact reasons: "contact_reason is the value of the
// contact_reason dimension when the conversation has one. Otherwise the rules of
// contact_reasons are tried in order on the customer's first messages, and the first that
// matches gives its name; when none matches, or there are no rules, it is other."
func contactReason(dims map[string]string, evs []Event, rules []config.ContactReason) string {
	if v, ok := dims[config.DimContactReason]; ok {
		return v
	}
	if len(rules) == 0 {
		return config.ContactReasonOther
	}
	text, ok := firstMessages(evs)
	if !ok {
		return config.ContactReasonOther
	}
	words := textWords(text)
	for _, rule := range rules {
		if ruleMatches(rule, text, words) {
			return rule.Name
		}
	}
	return config.ContactReasonOther
}

// firstMessages: "The customer's first messages are the customer messages of the
// conversation's first burst that holds a customer message (see Burst: everything the
// customer wrote until the first human reply or status event after their first message), their
// texts joined in order by a line feed; a message without text counts as empty." ok is false
// when the customer never wrote: there is nothing to match.
func firstMessages(evs []Event) (string, bool) {
	bs := bursts(evs)
	if len(bs) == 0 {
		return "", false
	}
	texts := make([]string, len(bs[0].messages))
	for i, idx := range bs[0].messages {
		if t := evs[idx].MessageText; t != nil {
			texts[i] = *t
		}
	}
	return strings.Join(texts, "\n"), true
}

// ruleMatches: "A rule matches when any of its keywords or patterns does."
func ruleMatches(rule config.ContactReason, text string, words []string) bool {
	for _, k := range rule.Keywords {
		if keywordMatches(textWords(k), words) {
			return true
		}
	}
	for _, p := range rule.Patterns {
		// "a pattern is a regular expression (RE2 syntax) that matches anywhere in the text,
		// case-sensitive unless it says (?i)". Validated when the settings were loaded.
		if regexp.MustCompile(p).MatchString(text) {
			return true
		}
	}
	return false
}

// keywordMatches: "a keyword is split into its words, the runs of Unicode letters (\p{L}) and
// decimal digits (\p{Nd}); it matches when the text's words hold those words one after the
// other, each compared case-insensitively as Unicode simple case folding does".
func keywordMatches(keyword, text []string) bool {
	if len(keyword) == 0 {
		return false
	}
	for start := 0; start+len(keyword) <= len(text); start++ {
		all := true
		for i, w := range keyword {
			if !strings.EqualFold(text[start+i], w) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// textWords is the runs of Unicode letters and decimal digits of s, in order.
func textWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Nd, r) })
}

// cost: docs/metrics.md, Cost: "cost = agent_handle_s / 3600 × the agent hour of the
// conversation's last queue (cost.queues.<queue>.agent_hour, else cost.agent_hour) + the cost of
// a bot conversation (cost.bot_conversation) if it is bot_handled + the fee of its channel
// (cost.channels.<channel>, none if not listed). NULL when no price is set at all; NULL when the
// conversation needs a price that is not set: agent time (agent_handle_s > 0) without an agent
// hour, or a bot-handled conversation without cost.bot_conversation." The terms are added in
// that order.
func cost(r ConversationRow, c config.Cost) *float64 {
	if !c.Set() {
		return nil
	}
	agent := 0.0
	if r.AgentHandleS > 0 {
		queue := ""
		if r.LastQueue != nil {
			queue = *r.LastQueue
		}
		rate := c.AgentHourFor(queue)
		if rate == nil {
			return nil
		}
		agent = r.AgentHandleS / 3600 * *rate
	}
	bot := 0.0
	if r.BotHandled {
		if c.BotConversation == nil {
			return nil
		}
		bot = *c.BotConversation
	}
	fee := 0.0
	if r.Channel != nil {
		fee = c.Channels[*r.Channel]
	}
	return ptr(agent + bot + fee)
}

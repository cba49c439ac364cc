package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dimension says which event attribute becomes a conversation column: the
// value of Attribute on the conversation's first event that carries it
// (docs/metrics.md, "Dimensions"), as it is or, with Value "region", the
// region of a locale tag (de-DE → DE).
type Dimension struct {
	// Attribute is the key in the events' attributes; empty turns the
	// dimension off (its column is NULL).
	Attribute string `yaml:"attribute"`
	// Value is how the attribute's value is read: "" as it is,
	// ValueRegion for the region subtag of a locale.
	Value string `yaml:"value"`
}

// ValueRegion reads a locale tag's region: "de-DE" → "DE", "es-419" → "419".
const ValueRegion = "region"

// The dimensions with columns of their own in `conversations`; any other
// name is an entry of the conversations.dimensions map.
const (
	DimContactReason = "contact_reason"
	DimMarket        = "market"
	DimTier          = "tier"
)

// ContactReasonOther is the contact reason of a conversation with no
// reason attribute that no rule matches.
const ContactReasonOther = "other"

// ContactReason is one rule of contact_reasons: a conversation without a
// contact_reason attribute gets the Name of the first rule whose keywords
// or patterns match the customer's first messages.
type ContactReason struct {
	Name string `yaml:"name"`
	// Keywords match whole words, case-insensitively: "money back" matches
	// "Money-back?" but not "moneyback" (docs/metrics.md, "Contact reasons").
	Keywords []string `yaml:"keywords"`
	// Patterns are regular expressions (RE2 syntax, as DuckDB and Go read
	// them), matched anywhere in the text; case-sensitive unless (?i).
	Patterns []string `yaml:"patterns"`
}

// DefaultDimensions are the dimensions a parley.yaml without `dimensions` gets.
func DefaultDimensions() map[string]Dimension {
	return map[string]Dimension{
		DimContactReason: {Attribute: "intent"},
		DimMarket:        {Attribute: "locale", Value: ValueRegion},
		DimTier:          {Attribute: "customer_tier"},
	}
}

// DefaultContactReasons are common reasons customers write to support, in
// English, for data without an intent label (TWCS, CSV exports); the share
// of the real Twitter threads they classify is in docs/real-data.md.
// The order matters: the first match wins, so narrower reasons come first
// (a cancelled flight is a travel disruption; "charge" and "return" are left
// out, as a battery charge and a return trip are not billing and refunds).
func DefaultContactReasons() []ContactReason {
	return []ContactReason{
		{Name: "account_access", Keywords: []string{"password", "log in", "login", "logged out", "sign in", "signin", "locked out", "account locked", "hacked", "two factor", "2fa", "verification code", "username", "my account", "deactivated", "reactivate"}},
		{Name: "travel_disruption", Keywords: []string{"flight", "flights", "delayed", "delay", "delays", "cancelled flight", "gate", "boarding", "luggage", "baggage", "bags", "layover", "connection missed", "missed my connection", "rebook", "rebooked", "airport", "seat", "seats"}},
		{Name: "cancellation", Keywords: []string{"cancel", "cancelled", "canceled", "cancelling", "canceling", "cancellation", "unsubscribe", "close my account"}},
		{Name: "refund", Keywords: []string{"refund", "refunded", "refunding", "refunds", "money back", "reimburse", "reimbursed", "reimbursement", "compensation", "return label", "send it back"}},
		{Name: "billing", Keywords: []string{"bill", "billed", "billing", "charged", "overcharged", "double charged", "invoice", "payment", "payments", "paid", "credit card", "debit card", "fee", "fees", "pricing", "price"}},
		{Name: "delivery", Keywords: []string{"delivery", "deliver", "delivered", "delivering", "package", "parcel", "shipping", "shipment", "shipped", "tracking", "tracking number", "in transit", "courier", "not arrived", "never arrived", "hasn't arrived", "where is my order"}},
		{Name: "connectivity", Keywords: []string{"internet", "wifi", "wi-fi", "signal", "network", "outage", "no service", "connection", "disconnected", "disconnecting", "cable", "router", "modem", "lte", "4g", "5g", "coverage"}},
		{Name: "technical_issue", Keywords: []string{"app", "bug", "bugs", "crash", "crashes", "crashing", "crashed", "freeze", "freezes", "freezing", "frozen", "error", "glitch", "not working", "doesn't work", "won't load", "won't turn on", "broken", "fix", "fixed", "issue", "issues", "problem", "problems", "update", "updated", "install", "download", "restart", "reset", "battery", "charger", "screen"},
			Patterns: []string{`(?i)\bios ?\d+`}},
		{Name: "order_issue", Keywords: []string{"order", "ordered", "orders", "wrong order", "missing", "reorder", "out of stock", "store", "restaurant"}},
		{Name: "complaint", Keywords: []string{"rude", "terrible", "worst", "awful", "horrible", "disappointed", "disappointing", "unacceptable", "ridiculous", "disgusting", "complaint", "complain", "frustrated", "frustrating", "useless", "customer service", "on hold"}},
		{Name: "praise", Keywords: []string{"thank", "thanks", "thank you", "love", "great", "amazing", "awesome", "excellent", "best", "shout out", "appreciate"}},
	}
}

// dimensionNameRE is what a dimension's name may look like: it becomes a
// column or a key of the conversations.dimensions map, and a filter name.
var dimensionNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

func validateDimensions(dims map[string]Dimension) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(dims)) {
		d := dims[name]
		f := "dimensions." + name
		if !dimensionNameRE.MatchString(name) {
			errs = append(errs, fmt.Errorf("%s: the name must be 1-63 lower-case letters, digits or '_', starting with a letter", f))
		}
		if d.Attribute != strings.TrimSpace(d.Attribute) || strings.ContainsFunc(d.Attribute, unicode.IsControl) {
			errs = append(errs, fmt.Errorf("%s.attribute: %q has leading or trailing spaces or control characters", f, d.Attribute))
		}
		if d.Value != "" && d.Value != ValueRegion {
			errs = append(errs, fmt.Errorf("%s.value: %q is not a way to read the attribute (want %q, or nothing for the value as it is)", f, d.Value, ValueRegion))
		}
	}
	return errs
}

// maxReasonName bounds a contact reason's name: it is shown on every page.
const maxReasonName = 64

func validateContactReasons(rules []ContactReason) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	seen := map[string]bool{}
	for i, r := range rules {
		f := fmt.Sprintf("contact_reasons[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			add(f+".name", "must not be empty")
		case r.Name != strings.TrimSpace(r.Name) || strings.ContainsFunc(r.Name, unicode.IsControl) || utf8.RuneCountInString(r.Name) > maxReasonName:
			add(f+".name", "%q must be at most %d characters, without control characters or leading or trailing spaces", r.Name, maxReasonName)
		case seen[r.Name]:
			add(f+".name", "%q is used by an earlier rule (a reason's keywords and patterns belong in one rule)", r.Name)
		}
		seen[r.Name] = true
		if len(r.Keywords) == 0 && len(r.Patterns) == 0 {
			add(f, "needs at least one keyword or pattern")
		}
		for j, k := range r.Keywords {
			if len(KeywordWords(k)) == 0 {
				add(fmt.Sprintf("%s.keywords[%d]", f, j), "%q holds no letter or digit, so it can match nothing", k)
			}
		}
		for j, p := range r.Patterns {
			if _, err := regexp.Compile(p); err != nil {
				add(fmt.Sprintf("%s.patterns[%d]", f, j), "%q is not a regular expression: %v", p, err)
			}
		}
	}
	return errs
}

// KeywordWords splits a keyword into its words, the runs of Unicode
// letters and decimal digits, which is how keywords match
// (docs/metrics.md, "Contact reasons").
func KeywordWords(keyword string) []string {
	return strings.FieldsFunc(keyword, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Nd, r) })
}

package config

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/fielderr"
)

// AutoQA configures the automatic QA checks (`qa.auto` in parley.yaml):
// explainable checks `parley build` runs on every conversation into the
// warehouse's auto_qa table (internal/autoqa; docs/qa.md, "Automatic
// checks"). Unlike scorecards they shape a warehouse table, so they count in
// Fingerprint: changing them rebuilds the warehouse.
type AutoQA struct {
	// Disabled turns the checks off: auto_qa stays empty.
	Disabled bool `yaml:"disabled"`
	// DefaultLanguage is the language (ISO 639-1, "en") whose phrases,
	// dictionaries and lexicon a conversation is read with besides its own
	// (the language of its locale attribute), and alone when it has none.
	// Empty means "en".
	DefaultLanguage string `yaml:"default_language"`
	// DictionaryPaths are the folders searched for Hunspell dictionaries
	// (NAME.aff and NAME.dic); empty means $DICPATH, /usr/share/hunspell and
	// /usr/local/share/hunspell.
	DictionaryPaths []string `yaml:"dictionary_paths"`
	// Checks are the checks to run, in order; empty means DefaultAutoChecks.
	Checks []AutoCheck `yaml:"checks"`
}

// AutoCheck is one configured check. Options a check's type does not read
// are refused; options left empty take the type's defaults (docs/qa.md).
type AutoCheck struct {
	// Name identifies the check in auto_qa.check and `--strata auto_fail:NAME`.
	Name string `yaml:"name" json:"name"`
	// Type is the implementation (AutoCheckTypes); empty means Name.
	Type string `yaml:"type" json:"type"`
	// Category is the scorecard category the check is compared with in
	// auto_qa_agreement; empty for none.
	Category string `yaml:"category" json:"category"`
	// Roles are whose messages a check of replies reads: AutoRoleAgent
	// (human replies), AutoRoleAutomated (automated agent messages),
	// AutoRoleBot. Empty means agent.
	Roles []string `yaml:"roles" json:"roles"`
	// Queues and Channels limit the conversations the check applies to, by
	// last_queue and channel as scorecards do; the others get "na".
	Queues   []string `yaml:"queues" json:"queues"`
	Channels []string `yaml:"channels" json:"channels"`
	// Phrases, by language: what passes a greeting, closing or empathy check.
	Phrases map[string][]string `yaml:"phrases" json:"phrases"`
	// Triggers, by language: the customer's words that call for empathy.
	Triggers map[string][]string `yaml:"triggers" json:"triggers"`
	// Patterns, by language: regular expressions (Go syntax, matched on the
	// lower-cased message) of an agent asking for sensitive data.
	Patterns map[string][]string `yaml:"patterns" json:"patterns"`
	// Detectors are the redaction detectors (internal/redact) whose finds in
	// an agent's own message fail sensitive_data: "card", "iban".
	Detectors []string `yaml:"detectors" json:"detectors"`
	// Dictionaries, by language: Hunspell dictionary names ("en_US").
	Dictionaries map[string][]string `yaml:"dictionaries" json:"dictionaries"`
	// Ignore lists words the spelling check never counts as misspelt.
	Ignore []string `yaml:"ignore" json:"ignore"`
	// MaxShare is the share of misspelt words above which spelling fails.
	MaxShare float64 `yaml:"max_share" json:"max_share"`
	// MinWords is how many words the spelling check needs; fewer is "na".
	MinWords int `yaml:"min_words" json:"min_words"`
	// Messages is how many of the customer's last messages end_sentiment reads.
	Messages int `yaml:"messages" json:"messages"`
	// Threshold: end_sentiment fails at or below this lexicon score.
	Threshold *float64 `yaml:"threshold" json:"threshold"`
}

// Roles whose messages a check of replies reads.
const (
	AutoRoleAgent     = "agent"     // human replies: public, not automated
	AutoRoleAutomated = "automated" // automated public agent messages (templates, auto-replies)
	AutoRoleBot       = "bot"       // public bot messages
)

// AutoRoles lists every role, in the order errors name them.
var AutoRoles = []string{AutoRoleAgent, AutoRoleAutomated, AutoRoleBot}

// AutoCheckTypes maps each check type to the options it reads (besides
// name, type, category, queues and channels). "roles" marks the checks of
// replies. Adding a type is a file in internal/autoqa and a line here.
var AutoCheckTypes = map[string][]string{
	"greeting":         {"roles", "phrases"},
	"closing":          {"roles", "phrases"},
	"empathy":          {"roles", "phrases", "triggers"},
	"sensitive_data":   {"roles", "patterns", "detectors"},
	"spelling":         {"roles", "dictionaries", "ignore", "max_share", "min_words"},
	"end_sentiment":    {"messages", "threshold"},
	"frt_sla":          nil,
	"nudge":            nil,
	"transfer_loop":    nil,
	"unanswered_burst": nil,
}

// AutoDetectors are the redaction detectors sensitive_data may use.
var AutoDetectors = []string{"card", "iban"}

// DefaultAutoChecks are the checks run when qa.auto lists none: one of each
// type, those with a counterpart in the default scorecard mapped to it.
func DefaultAutoChecks() []AutoCheck {
	return []AutoCheck{
		{Name: "greeting", Category: "greeting"},
		{Name: "closing", Category: "closing"},
		{Name: "empathy", Category: "tone"},
		{Name: "sensitive_data", Category: "process"},
		{Name: "spelling"},
		{Name: "end_sentiment"},
		{Name: "frt_sla"},
		{Name: "nudge"},
		{Name: "transfer_loop"},
		{Name: "unanswered_burst"},
	}
}

// List is the checks in effect: none when disabled, those of parley.yaml,
// or DefaultAutoChecks; each with its Type filled in.
func (a AutoQA) List() []AutoCheck {
	if a.Disabled {
		return nil
	}
	checks := a.Checks
	if len(checks) == 0 {
		checks = DefaultAutoChecks()
	}
	out := make([]AutoCheck, len(checks))
	for i, c := range checks {
		if c.Type == "" {
			c.Type = c.Name
		}
		out[i] = c
	}
	return out
}

// Language is DefaultLanguage, or "en".
func (a AutoQA) Language() string {
	if a.DefaultLanguage == "" {
		return "en"
	}
	return a.DefaultLanguage
}

// languageRE is an ISO 639 language code: the key of phrase lists and
// dictionaries, and what a conversation's locale ("de-DE") starts with.
var languageRE = regexp.MustCompile(`^[a-z]{2,3}$`)

// dictionaryRE is a dictionary's name: a file name without its extension.
var dictionaryRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]*$`)

func (a AutoQA) validate() []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	if a.DefaultLanguage != "" && !languageRE.MatchString(a.DefaultLanguage) {
		add("qa.auto.default_language", "%q must be a lower-case ISO 639 language code such as \"en\"", a.DefaultLanguage)
	}
	for i, p := range a.DictionaryPaths {
		if strings.TrimSpace(p) == "" {
			add(fmt.Sprintf("qa.auto.dictionary_paths[%d]", i), "must not be empty")
		}
	}
	seen := map[string]bool{}
	for i, c := range a.Checks {
		f := fmt.Sprintf("qa.auto.checks[%d]", i)
		switch {
		case !nameRE.MatchString(c.Name):
			add(f+".name", "%q must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit", c.Name)
		case seen[c.Name]:
			add(f+".name", "%q is used by an earlier check", c.Name)
		}
		seen[c.Name] = true
		typ := c.Type
		if typ == "" {
			typ = c.Name
		}
		opts, ok := AutoCheckTypes[typ]
		if !ok {
			field, what := f+".type", "type"
			if c.Type == "" {
				field, what = f+".name", "name (and no type)"
			}
			add(field, "%s %q is not a check type; the types are %s", what, typ, strings.Join(slices.Sorted(maps.Keys(AutoCheckTypes)), ", "))
			continue
		}
		if c.Category != "" && !nameRE.MatchString(c.Category) {
			add(f+".category", "%q must be a category name (1-64 letters, digits, '_', '.' or '-')", c.Category)
		}
		for j, v := range c.Queues {
			if strings.TrimSpace(v) == "" {
				add(fmt.Sprintf("%s.queues[%d]", f, j), "must not be empty")
			}
		}
		for j, v := range c.Channels {
			if strings.TrimSpace(v) == "" {
				add(fmt.Sprintf("%s.channels[%d]", f, j), "must not be empty")
			} else if err := checkChannel(fmt.Sprintf("%s.channels[%d]", f, j), v, "this check would never apply to it"); err != nil {
				errs = append(errs, err)
			}
		}
		errs = append(errs, c.validateOptions(f, typ, opts)...)
	}
	return errs
}

// validateOptions refuses the options type typ does not read and checks
// the values of those it does.
func (c AutoCheck) validateOptions(f, typ string, opts []string) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(f+"."+field, format, args...))
	}
	set := map[string]bool{
		"roles": len(c.Roles) > 0, "phrases": len(c.Phrases) > 0, "triggers": len(c.Triggers) > 0,
		"patterns": len(c.Patterns) > 0, "detectors": len(c.Detectors) > 0, "dictionaries": len(c.Dictionaries) > 0,
		"ignore": len(c.Ignore) > 0, "max_share": c.MaxShare != 0, "min_words": c.MinWords != 0,
		"messages": c.Messages != 0, "threshold": c.Threshold != nil,
	}
	for _, opt := range slices.Sorted(maps.Keys(set)) {
		if set[opt] && !slices.Contains(opts, opt) {
			add(opt, "is not an option of a %s check (its options: %s)", typ, orNone(opts))
		}
	}
	for j, r := range c.Roles {
		if !slices.Contains(AutoRoles, r) {
			add(fmt.Sprintf("roles[%d]", j), "%q must be one of %s", r, strings.Join(AutoRoles, ", "))
		}
	}
	for _, m := range []struct {
		name  string
		lists map[string][]string
	}{{"phrases", c.Phrases}, {"triggers", c.Triggers}, {"patterns", c.Patterns}, {"dictionaries", c.Dictionaries}} {
		for _, lang := range slices.Sorted(maps.Keys(m.lists)) {
			lf := m.name + "." + lang
			if !languageRE.MatchString(lang) {
				add(lf, "%q is not a lower-case ISO 639 language code such as \"en\"", lang)
			}
			if len(m.lists[lang]) == 0 {
				add(lf, "must list at least one entry")
			}
			for j, v := range m.lists[lang] {
				ef := fmt.Sprintf("%s[%d]", lf, j)
				switch {
				case strings.TrimSpace(v) == "":
					add(ef, "must not be empty")
				case m.name == "patterns":
					if _, err := regexp.Compile(v); err != nil {
						add(ef, "%q is not a regular expression: %v", v, err)
					}
				case m.name == "dictionaries":
					if !dictionaryRE.MatchString(v) {
						add(ef, "%q must be a dictionary name such as en_US (NAME.aff and NAME.dic in a dictionary path)", v)
					}
				}
			}
		}
	}
	for j, d := range c.Detectors {
		if !slices.Contains(AutoDetectors, d) {
			add(fmt.Sprintf("detectors[%d]", j), "%q must be one of %s", d, strings.Join(AutoDetectors, ", "))
		}
	}
	for j, w := range c.Ignore {
		if strings.TrimSpace(w) == "" || strings.ContainsAny(w, " \t\n") {
			add(fmt.Sprintf("ignore[%d]", j), "%q must be one word", w)
		}
	}
	if c.MaxShare != 0 && !(c.MaxShare > 0 && c.MaxShare < 1) {
		add("max_share", "must be a share between 0 and 1 (exclusive), got %g", c.MaxShare)
	}
	if c.MinWords < 0 {
		add("min_words", "must be >= 1, got %d", c.MinWords)
	}
	if c.Messages < 0 {
		add("messages", "must be >= 1, got %d", c.Messages)
	}
	if c.Threshold != nil && (math.IsNaN(*c.Threshold) || math.IsInf(*c.Threshold, 0)) {
		add("threshold", "must be a finite number, got %g", *c.Threshold)
	}
	return errs
}

func orNone(opts []string) string {
	if len(opts) == 0 {
		return "none"
	}
	return strings.Join(opts, ", ")
}

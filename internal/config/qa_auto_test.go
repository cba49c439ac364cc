package config

import (
	"strings"
	"testing"
)

func TestQAAutoValidation(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error; none means valid
	}{
		{name: "defaults when absent", yaml: "timezone: UTC\n"},
		{name: "valid", yaml: `
qa:
  auto:
    default_language: de
    dictionary_paths: [/opt/dicts]
    checks:
      - {name: greeting, category: greeting, roles: [agent, bot], phrases: {en: [hi, hello], de: [hallo]}}
      - {name: house_closing, type: closing, channels: [webchat], phrases: {en: ["anything else"]}}
      - {name: empathy, triggers: {en: ["broken"]}, phrases: {en: ["sorry", "apologi*"]}}
      - {name: sensitive_data, category: process, patterns: {en: ['full card number']}, detectors: [card]}
      - {name: spelling, dictionaries: {en: [en_US], de: [de_DE]}, ignore: [Parley], max_share: 0.05, min_words: 5}
      - {name: end_sentiment, messages: 3, threshold: -4}
      - {name: frt_sla}
`},
		{name: "every error at once", yaml: `
qa:
  auto:
    default_language: EN
    dictionary_paths: [""]
    checks:
      - {name: "bad name!", type: greeting}
      - {name: greeting, category: "bad cat!", roles: [customer], queues: [""], phrases: {english: [hi], en: [], fr: [""]}}
      - {name: greeting}
      - {name: tone}
      - {name: x, type: sentiment}
      - {name: frt, type: frt_sla, phrases: {en: [hi]}, roles: [agent]}
      - {name: sensitive_data, patterns: {en: ["(unclosed"]}, detectors: [ssn]}
      - {name: spelling, dictionaries: {en: ["../etc/passwd"]}, ignore: ["two words"], max_share: 1.5, min_words: -1}
      - {name: end_sentiment, messages: -2, threshold: .nan}
`, want: []string{
			`qa.auto.default_language: "EN" must be a lower-case ISO 639 language code`,
			`qa.auto.dictionary_paths[0]: must not be empty`,
			`qa.auto.checks[0].name: "bad name!" must be 1-64 letters`,
			`qa.auto.checks[1].category: "bad cat!" must be a category name`,
			`qa.auto.checks[1].roles[0]: "customer" must be one of agent, automated, bot`,
			`qa.auto.checks[1].queues[0]: must not be empty`,
			`qa.auto.checks[1].phrases.english: "english" is not a lower-case ISO 639 language code`,
			`qa.auto.checks[1].phrases.en: must list at least one entry`,
			`qa.auto.checks[1].phrases.fr[0]: must not be empty`,
			`qa.auto.checks[2].name: "greeting" is used by an earlier check`,
			`qa.auto.checks[3].name: name (and no type) "tone" is not a check type; the types are closing, empathy, end_sentiment`,
			`qa.auto.checks[4].type: type "sentiment" is not a check type`,
			`qa.auto.checks[5].phrases: is not an option of a frt_sla check (its options: none)`,
			`qa.auto.checks[5].roles: is not an option of a frt_sla check`,
			`qa.auto.checks[6].patterns.en[0]: "(unclosed" is not a regular expression`,
			`qa.auto.checks[6].detectors[0]: "ssn" must be one of card, iban`,
			`qa.auto.checks[7].dictionaries.en[0]: "../etc/passwd" must be a dictionary name`,
			`qa.auto.checks[7].ignore[0]: "two words" must be one word`,
			`qa.auto.checks[7].max_share: must be a share between 0 and 1 (exclusive), got 1.5`,
			`qa.auto.checks[7].min_words: must be >= 1, got -1`,
			`qa.auto.checks[8].messages: must be >= 1, got -2`,
			`qa.auto.checks[8].threshold: must be a finite number, got NaN`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeFile(t, tc.yaml))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if n := len(cfg.QA.Auto.List()); n == 0 {
					t.Error("no checks in effect")
				}
				return
			}
			if err == nil {
				t.Fatal("loaded; want errors")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// qa.auto shapes the auto_qa table: changing it must rebuild the
// warehouse (another fingerprint), and say what changed.
func TestFingerprintCountsQAAuto(t *testing.T) {
	a, b := Default(), Default()
	b.QA.Auto.Checks = []AutoCheck{{Name: "greeting", Phrases: map[string][]string{"en": {"hiya"}}}}
	if a.Fingerprint() == b.Fingerprint() {
		t.Fatal("qa.auto did not change the build fingerprint")
	}
	changes, err := b.ChangesFrom(a.SemanticYAML())
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Setting != "qa.auto.checks" || !strings.Contains(changes[0].Effect(), "auto_qa") {
		t.Errorf("changes %v, want qa.auto.checks with its effect on auto_qa", changes)
	}
	c := Default()
	c.QA.Auto.Disabled = true
	if c.Fingerprint() == a.Fingerprint() {
		t.Error("turning the checks off did not change the fingerprint")
	}
}

func TestAutoList(t *testing.T) {
	got := AutoQA{Checks: []AutoCheck{{Name: "house", Type: "greeting"}, {Name: "closing"}}}.List()
	if got[0].Type != "greeting" || got[1].Type != "closing" {
		t.Errorf("types %q, %q", got[0].Type, got[1].Type)
	}
	if n := len((AutoQA{}).List()); n != len(DefaultAutoChecks()) {
		t.Errorf("%d default checks", n)
	}
	if (AutoQA{}).Language() != "en" || (AutoQA{DefaultLanguage: "fr"}).Language() != "fr" {
		t.Error("default language")
	}
}

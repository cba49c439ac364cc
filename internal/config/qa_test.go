package config

import (
	"strings"
	"testing"
)

func TestQAScorecardsValidation(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error; none means valid
	}{
		{name: "default when absent", yaml: "timezone: UTC\n"},
		{name: "valid", yaml: `
qa:
  scorecards:
    - name: billing
      queues: [billing]
      categories:
        - {name: accuracy, weight: 2, scale: 1-5, critical: true}
        - {name: greeting, weight: 0.5, scale: binary, allow_na: true}
`},
		{name: "every field error at once", yaml: `
qa:
  scorecards:
    - name: "bad name!"
      queues: [""]
      channels: [" "]
      categories:
        - {name: accuracy, weight: 0, scale: 1-10}
        - {name: accuracy, weight: -1, scale: binary}
        - {name: "", weight: .nan, scale: ""}
    - name: empty
      categories: []
    - name: empty
      categories: [{name: a, weight: 1, scale: 1-3}]
`, want: []string{
			`qa.scorecards[0].name: "bad name!" must be`,
			`qa.scorecards[0].queues[0]: must not be empty`,
			`qa.scorecards[0].channels[0]: must not be empty`,
			`qa.scorecards[0].categories[0].weight: must be a finite number > 0, got 0`,
			`qa.scorecards[0].categories[0].scale: "1-10" must be one of binary, 1-3, 1-4, 1-5`,
			`qa.scorecards[0].categories[1].name: "accuracy" is used by an earlier category`,
			`qa.scorecards[0].categories[1].weight: must be a finite number > 0, got -1`,
			`qa.scorecards[0].categories[2].name: "" must be`,
			`qa.scorecards[0].categories[2].weight: must be a finite number > 0, got NaN`,
			`qa.scorecards[0].categories[2].scale: "" must be one of`,
			`qa.scorecards[1].categories: at least one category is required`,
			`qa.scorecards[2].name: "empty" is used by an earlier scorecard`,
		}},
		{name: "unknown key", yaml: "qa:\n  scorecards:\n    - name: x\n      categoris: []\n", want: []string{"categoris: unknown key in qa.scorecards[0]; did you mean categories?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(writeFile(t, tt.yaml))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if len(cfg.QA.List()) == 0 {
					t.Fatal("no scorecard in effect")
				}
				return
			}
			if err == nil {
				t.Fatalf("Load accepted it, want errors %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q; got:\n%v", w, err)
				}
			}
		})
	}
}

func TestDefaultScorecardIsValid(t *testing.T) {
	cfg := Default()
	cfg.QA.Scorecards = []Scorecard{DefaultScorecard()}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d := Default().QA.List()
	if len(d) != 1 || d[0].Name != "default" || d[0].Version() != DefaultScorecard().Version() {
		t.Fatalf("the scorecard in effect without qa.scorecards is %+v, want the default", d)
	}
	var critical int
	for _, c := range d[0].Categories {
		if c.Critical {
			critical++
		}
	}
	if critical != 1 {
		t.Errorf("default scorecard has %d critical categories, want 1 (process)", critical)
	}
}

func TestScorecardFor(t *testing.T) {
	q := QA{Scorecards: []Scorecard{
		{Name: "billing-chat", Queues: []string{"billing"}, Channels: []string{"webchat"}},
		{Name: "billing", Queues: []string{"billing"}},
		{Name: "rest"},
	}}
	tests := []struct{ queue, channel, want string }{
		{"billing", "webchat", "billing-chat"},
		{"billing", "email", "billing"},
		{"tech", "webchat", "rest"},
	}
	for _, tt := range tests {
		if got := q.ScorecardFor(tt.queue, tt.channel); got == nil || got.Name != tt.want {
			t.Errorf("ScorecardFor(%q, %q) = %v, want %s", tt.queue, tt.channel, got, tt.want)
		}
	}
	only := QA{Scorecards: []Scorecard{{Name: "billing", Queues: []string{"billing"}}}}
	if got := only.ScorecardFor("tech", "sms"); got != nil {
		t.Errorf("ScorecardFor(tech) = %s, want none", got.Name)
	}
}

// The version is a hash of the whole definition: any change to what a
// score means changes it, the order of queues does not.
func TestScorecardVersion(t *testing.T) {
	base := DefaultScorecard()
	base.Queues = []string{"a", "b"}
	v := base.Version()
	if len(v) != 12 {
		t.Fatalf("version %q, want 12 hex digits", v)
	}
	same := base
	same.Queues = []string{"b", "a"}
	if same.Version() != v {
		t.Errorf("reordering queues changed the version")
	}
	changes := map[string]func(s *Scorecard){
		"weight":   func(s *Scorecard) { s.Categories[0].Weight = 5 },
		"scale":    func(s *Scorecard) { s.Categories[0].Scale = Scale1to5 },
		"critical": func(s *Scorecard) { s.Categories[0].Critical = true },
		"allow_na": func(s *Scorecard) { s.Categories[0].AllowNA = false },
		"name":     func(s *Scorecard) { s.Name = "other" },
		"category": func(s *Scorecard) { s.Categories = s.Categories[1:] },
		"queues":   func(s *Scorecard) { s.Queues = []string{"a"} },
	}
	for name, change := range changes {
		c := base
		c.Categories = append([]Category(nil), base.Categories...)
		change(&c)
		if c.Version() == v {
			t.Errorf("changing the %s kept the version %s", name, v)
		}
	}
}

// Scorecards shape review files, never the build: changing them must not
// force a full rebuild.
func TestFingerprintIgnoresQA(t *testing.T) {
	a, b := Default(), Default()
	b.QA.Scorecards = []Scorecard{{Name: "x", Categories: []Category{{Name: "y", Weight: 1, Scale: ScaleBinary}}}}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("scorecards changed the build fingerprint")
	}
}

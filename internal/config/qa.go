package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/fielderr"
)

// QA holds the quality-management settings: the scorecards reviewers
// score conversations with (`parley qa sample` puts them in the packet,
// `parley qa import` checks scores against them).
type QA struct {
	// Scorecards, in the order they are matched against a conversation
	// (ScorecardFor). Empty means the one DefaultScorecard.
	Scorecards []Scorecard `yaml:"scorecards"`
	// Auto configures the automatic checks of every conversation (qa_auto.go).
	Auto AutoQA `yaml:"auto"`
}

// Scorecard is a rubric: the categories a reviewer rates.
type Scorecard struct {
	// Name identifies the scorecard in score files and the warehouse.
	Name string `yaml:"name" json:"name"`
	// Queues and Channels, when set, limit the conversations it applies to
	// (by conversations.last_queue and channel); empty means any.
	Queues   []string `yaml:"queues" json:"queues"`
	Channels []string `yaml:"channels" json:"channels"`
	// Categories are rated one by one; the review score is their weighted mean.
	Categories []Category `yaml:"categories" json:"categories"`
}

// Category is one rated aspect of a conversation.
type Category struct {
	Name string `yaml:"name" json:"name"`
	// Description tells the reviewer what the category means (optional).
	Description string `yaml:"description" json:"description"`
	// Weight in the review score, > 0.
	Weight float64 `yaml:"weight" json:"weight"`
	// Scale is ScaleBinary or one of "1-3", "1-4", "1-5".
	Scale string `yaml:"scale" json:"scale"`
	// Critical: the lowest rating of the scale (a failed critical
	// category) makes the whole review score 0 ("auto-fail").
	Critical bool `yaml:"critical" json:"critical"`
	// AllowNA lets a reviewer mark the category not applicable; it then
	// counts in neither the numerator nor the denominator of the score.
	AllowNA bool `yaml:"allow_na" json:"allow_na"`
}

// Scales a category may use.
const (
	ScaleBinary = "binary" // 0 (no, failed) or 1 (yes)
	Scale1to3   = "1-3"
	Scale1to4   = "1-4"
	Scale1to5   = "1-5"
)

// Scales lists every scale, in the order docs and errors name them.
var Scales = []string{ScaleBinary, Scale1to3, Scale1to4, Scale1to5}

// ScaleRange is the lowest and highest rating of a scale; ok is false for
// a scale that is not one of Scales.
func ScaleRange(scale string) (lo, hi int, ok bool) {
	switch scale {
	case ScaleBinary:
		return 0, 1, true
	case Scale1to3:
		return 1, 3, true
	case Scale1to4:
		return 1, 4, true
	case Scale1to5:
		return 1, 5, true
	}
	return 0, 0, false
}

// DefaultScorecard is the scorecard used when parley.yaml lists none: six
// categories most support teams rate, process and compliance critical.
func DefaultScorecard() Scorecard {
	return Scorecard{
		Name: "default",
		Categories: []Category{
			{Name: "greeting", Description: "Greets the customer and sets expectations", Weight: 1, Scale: Scale1to3, AllowNA: true},
			{Name: "understanding", Description: "Finds the real problem, asks the right questions", Weight: 2, Scale: Scale1to5},
			{Name: "solution", Description: "Solves it correctly and completely, or sets a clear next step", Weight: 3, Scale: Scale1to5},
			{Name: "tone", Description: "Clear, empathetic, on-brand", Weight: 2, Scale: Scale1to5},
			{Name: "process", Description: "Follows policy and compliance (identity checks, data handling, no false promises); a fail makes the review 0", Weight: 1, Scale: ScaleBinary, Critical: true},
			{Name: "closing", Description: "Confirms the issue is solved and closes well (N/A when the customer left)", Weight: 1, Scale: Scale1to3, AllowNA: true},
		},
	}
}

// List is the scorecards in effect: those of parley.yaml, or the default.
func (q QA) List() []Scorecard {
	if len(q.Scorecards) == 0 {
		return []Scorecard{DefaultScorecard()}
	}
	return q.Scorecards
}

// ScorecardFor is the first scorecard in effect that applies to a
// conversation whose last queue and channel are these, or nil if none does.
func (q QA) ScorecardFor(queue, channel string) *Scorecard {
	for _, s := range q.List() {
		if (len(s.Queues) == 0 || slices.Contains(s.Queues, queue)) &&
			(len(s.Channels) == 0 || slices.Contains(s.Channels, channel)) {
			return &s
		}
	}
	return nil
}

// Version identifies the scorecard's definition: the first 12 hex digits
// of the SHA-256 of its canonical JSON (queues and channels sorted). Every
// review stores the version it was scored with, so changing a scorecard
// never silently re-scores old reviews.
func (s Scorecard) Version() string {
	c := s
	c.Queues, c.Channels = slices.Sorted(slices.Values(s.Queues)), slices.Sorted(slices.Values(s.Channels))
	raw, err := json.Marshal(c)
	if err != nil {
		// Strings, numbers and booleans always marshal; NaN weights are refused by Validate.
		panic(fmt.Sprintf("config: scorecard %q: marshal for version: %v", s.Name, err))
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:12]
}

// Category returns the category named name, or nil.
func (s Scorecard) Category(name string) *Category {
	for i := range s.Categories {
		if s.Categories[i].Name == name {
			return &s.Categories[i]
		}
	}
	return nil
}

// nameRE is what scorecard and category names may look like: they travel
// through score files, spreadsheets and SQL as plain identifiers.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (q QA) validate() []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	seen := map[string]bool{}
	for i, s := range q.Scorecards {
		f := fmt.Sprintf("qa.scorecards[%d]", i)
		switch {
		case !nameRE.MatchString(s.Name):
			add(f+".name", "%q must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit", s.Name)
		case seen[s.Name]:
			add(f+".name", "%q is used by an earlier scorecard", s.Name)
		}
		seen[s.Name] = true
		for j, v := range s.Queues {
			if strings.TrimSpace(v) == "" {
				add(fmt.Sprintf("%s.queues[%d]", f, j), "must not be empty")
			}
		}
		for j, v := range s.Channels {
			if strings.TrimSpace(v) == "" {
				add(fmt.Sprintf("%s.channels[%d]", f, j), "must not be empty")
			} else if err := checkChannel(fmt.Sprintf("%s.channels[%d]", f, j), v, "this scorecard would never apply to it"); err != nil {
				errs = append(errs, err)
			}
		}
		if len(s.Categories) == 0 {
			add(f+".categories", "at least one category is required")
		}
		cats := map[string]bool{}
		for j, c := range s.Categories {
			cf := fmt.Sprintf("%s.categories[%d]", f, j)
			switch {
			case !nameRE.MatchString(c.Name):
				add(cf+".name", "%q must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit", c.Name)
			case cats[c.Name]:
				add(cf+".name", "%q is used by an earlier category of this scorecard", c.Name)
			}
			cats[c.Name] = true
			if !(c.Weight > 0) || math.IsInf(c.Weight, 1) { // NaN fails every comparison
				add(cf+".weight", "must be a finite number > 0, got %g", c.Weight)
			}
			if _, _, ok := ScaleRange(c.Scale); !ok {
				add(cf+".scale", "%q must be one of %s", c.Scale, strings.Join(Scales, ", "))
			}
		}
	}
	return append(errs, q.Auto.validate()...)
}

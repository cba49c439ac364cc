package qa

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
)

// Review is one line of a scores file: what the review form of a packet's
// transcript page downloads ("Download scores" on the packet's index), and
// what `parley qa import` reads. The JSON keys are a public format
// (docs/qa.md).
type Review struct {
	// ReviewID is made by the page when the reviewer starts the review
	// (spreadsheet reviews get one from run, conversation and reviewer).
	// Every later version of the review carries the same id.
	ReviewID       string `json:"review_id"`
	Run            string `json:"run"`
	ConversationID string `json:"conversation_id"`
	// AgentID is the reviewed agent, as the packet attributed the conversation.
	AgentID          string `json:"agent_id"`
	ReviewerID       string `json:"reviewer_id"`
	Calibration      bool   `json:"calibration"`
	Scorecard        string `json:"scorecard"`
	ScorecardVersion string `json:"scorecard_version"`
	// ReviewedAt is when the reviewer last changed the review, RFC 3339:
	// of two versions of a review, the later one is final.
	ReviewedAt string   `json:"reviewed_at"`
	Ratings    []Rating `json:"ratings"`
	Comment    string   `json:"comment"`
}

// Rating is one category of a Review: a whole number on the category's
// scale, or NA (not applicable, with Rating null) where the scorecard allows it.
type Rating struct {
	Category string       `json:"category"`
	Rating   *json.Number `json:"rating"`
	NA       bool         `json:"na"`
	Comment  string       `json:"comment"`
}

// Problem is one thing wrong with a scores file, naming where and which field.
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	where := p.File
	if p.Line > 0 {
		where += " line " + strconv.Itoa(p.Line)
	}
	if p.Field != "" {
		return where + ": " + p.Field + ": " + p.Msg
	}
	return where + ": " + p.Msg
}

// ScoresError lists every problem found in the scores files of one
// import. An import with problems writes nothing.
type ScoresError struct {
	Problems []Problem
}

// maxProblems is how many problems a ScoresError spells out; the rest are counted.
const maxProblems = 50

func (e *ScoresError) Error() string {
	var b strings.Builder
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "qa: %d %s in the scores; nothing was imported:", len(e.Problems), noun)
	for i, p := range e.Problems {
		if i == maxProblems {
			fmt.Fprintf(&b, "\n  and %d more", len(e.Problems)-maxProblems)
			break
		}
		b.WriteString("\n  " + p.Error())
	}
	return b.String()
}

// idRE is what review ids may look like: the page makes "rv-" and 16 hex
// digits, spreadsheets "sheet-" and 16; other tools may choose their own.
var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`)

// definition is a scorecard version as import checks reviews against it.
type definition struct {
	name, version string
	categories    []lake.ReviewRating // Rating, NA and Comment unused
}

// scorecards are the scorecard versions reviews may be scored with: those
// of parley.yaml now, and those of reviews already in the lake (so a
// scorecard changed since still accepts the reviews made with it).
type scorecards map[[2]string]definition

func newScorecards(list []config.Scorecard, stored []lake.ReviewRow) scorecards {
	s := scorecards{}
	for _, sc := range list {
		d := definition{name: sc.Name, version: sc.Version()}
		for _, c := range sc.Categories {
			lo, hi, _ := config.ScaleRange(c.Scale)
			d.categories = append(d.categories, lake.ReviewRating{
				Category: c.Name, ScaleMin: int32(lo), ScaleMax: int32(hi),
				Weight: c.Weight, Critical: c.Critical, AllowNA: c.AllowNA,
			})
		}
		s[[2]string{d.name, d.version}] = d
	}
	for _, r := range stored {
		key := [2]string{r.Scorecard, r.ScorecardVersion}
		if _, ok := s[key]; ok || r.Kind != lake.ReviewKindReview {
			continue
		}
		// A stored version rated every category of its scorecard.
		d := definition{name: r.Scorecard, version: r.ScorecardVersion}
		for _, c := range r.Ratings {
			c.Rating, c.NA, c.Comment = nil, false, ""
			d.categories = append(d.categories, c)
		}
		s[key] = d
	}
	return s
}

func (s scorecards) names() []string {
	var out []string
	for k := range s {
		if !slices.Contains(out, k[0]) {
			out = append(out, k[0])
		}
	}
	slices.Sort(out)
	return out
}

// where locates a review's fields in its file, for problems: a JSON line
// is one line with keys like ratings[2].rating; a spreadsheet review spans
// rows, one per category, with plain column names.
type where struct {
	source string
	line   int
	// ratingLines, for spreadsheets, is the line of each rating.
	ratingLines []int
}

func (w where) rating(i int, field string) (int, string) {
	if w.ratingLines == nil {
		return w.line, fmt.Sprintf("ratings[%d].%s", i, field)
	}
	return w.ratingLines[i], field
}

// check validates r against its scorecard version and returns the row it
// is stored as, which is only meaningful without problems.
func (s scorecards) check(r Review, w where) (lake.ReviewRow, []Problem) {
	source, line := w.source, w.line
	var probs []Problem
	bad := func(field, format string, args ...any) {
		probs = append(probs, Problem{File: source, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	badRating := func(i int, field, format string, args ...any) {
		l, f := w.rating(i, field)
		probs = append(probs, Problem{File: source, Line: l, Field: f, Msg: fmt.Sprintf(format, args...)})
	}
	if !idRE.MatchString(r.ReviewID) {
		bad("review_id", "%q must be 1-128 letters, digits, '_', '.', ':' or '-'", r.ReviewID)
	}
	if strings.TrimSpace(r.ReviewerID) == "" {
		bad("reviewer_id", "required: who scored the review")
	}
	if strings.TrimSpace(r.ConversationID) == "" {
		bad("conversation_id", "required")
	}
	at, err := time.Parse(time.RFC3339Nano, r.ReviewedAt)
	if err != nil {
		bad("reviewed_at", "%q is not an RFC 3339 time like 2026-03-21T09:30:00Z", r.ReviewedAt)
	}
	row := lake.ReviewRow{
		Kind: lake.ReviewKindReview, ReviewID: r.ReviewID, At: at.UTC().Truncate(time.Microsecond),
		Run: r.Run, ConversationID: r.ConversationID, AgentID: r.AgentID, ReviewerID: r.ReviewerID,
		Scorecard: r.Scorecard, ScorecardVersion: r.ScorecardVersion, Calibration: r.Calibration,
		Comment: r.Comment, Source: source, Line: int64(line),
	}
	def, ok := s[[2]string{r.Scorecard, r.ScorecardVersion}]
	switch {
	case ok:
	case !slices.Contains(s.names(), r.Scorecard):
		bad("scorecard", "%q is not a scorecard of parley.yaml nor of a review in the lake (known: %s)", r.Scorecard, strings.Join(s.names(), ", "))
		return row, probs
	default:
		bad("scorecard_version", "%q is not a version of scorecard %q in parley.yaml nor in the lake: the scorecard changed since the packet was made; "+
			"import with the parley.yaml the packet was made with", r.ScorecardVersion, r.Scorecard)
		return row, probs
	}
	rated := map[string]bool{}
	for i, rt := range r.Ratings {
		c := def.category(rt.Category)
		switch {
		case c == nil:
			badRating(i, "category", "%q is not a category of scorecard %q (%s)", rt.Category, def.name, strings.Join(def.categoryNames(), ", "))
			continue
		case rated[rt.Category]:
			badRating(i, "category", "%q is rated twice", rt.Category)
			continue
		}
		rated[rt.Category] = true
		out := *c
		out.Comment = rt.Comment
		switch {
		case rt.NA && rt.Rating != nil:
			badRating(i, "rating", "%s given with N/A; give one or the other", rt.Rating)
		case rt.NA && !c.AllowNA:
			badRating(i, "na", "category %q does not allow N/A; rate it on the scale %s", c.Category, scaleText(c))
		case rt.NA:
			out.NA = true
		case rt.Rating == nil:
			badRating(i, "rating", "category %q has no rating (rate it on the scale %s%s)", c.Category, scaleText(c), naHint(c.AllowNA))
		default:
			// A spreadsheet cell may hold any text; "5.0" is the whole number 5.
			v, err := strconv.ParseFloat(rt.Rating.String(), 64)
			switch {
			case err != nil:
				badRating(i, "rating", "%q is not a number; rate category %q on the scale %s", rt.Rating, c.Category, scaleText(c))
				continue
			case v != math.Trunc(v):
				badRating(i, "rating", "%s is not a whole number; category %q is rated in whole numbers on the scale %s", rt.Rating, c.Category, scaleText(c))
				continue
			case v < float64(c.ScaleMin) || v > float64(c.ScaleMax):
				badRating(i, "rating", "%s is outside the scale %s of category %q", rt.Rating, scaleText(c), c.Category)
				continue
			}
			n := int32(v)
			out.Rating = &n
		}
		row.Ratings = append(row.Ratings, out)
	}
	missing := "ratings"
	if w.ratingLines != nil {
		missing = "category"
	}
	for _, c := range def.categories {
		if !rated[c.Category] {
			bad(missing, "category %q has no rating (rate it on the scale %s%s)", c.Category, scaleText(&c), naHint(c.AllowNA))
		}
	}
	return row, probs
}

// scaleText names a category's scale in messages as parley.yaml and the
// scores template name it: "1-5", or "binary" with the ratings it takes,
// which its name does not say.
func scaleText(c *lake.ReviewRating) string {
	if lo, hi, _ := config.ScaleRange(config.ScaleBinary); int32(lo) == c.ScaleMin && int32(hi) == c.ScaleMax {
		return fmt.Sprintf("%s (%d or %d)", config.ScaleBinary, lo, hi)
	}
	return fmt.Sprintf("%d-%d", c.ScaleMin, c.ScaleMax) // the other scales' names
}

func naHint(allowNA bool) string {
	if allowNA {
		return ", or mark it N/A"
	}
	return ""
}

func (d definition) category(name string) *lake.ReviewRating {
	for i := range d.categories {
		if d.categories[i].Category == name {
			return &d.categories[i]
		}
	}
	return nil
}

func (d definition) categoryNames() []string {
	out := make([]string, len(d.categories))
	for i, c := range d.categories {
		out[i] = c.Category
	}
	return out
}

// parseJSONL reads a scores file of JSON lines and checks every line.
// Blank lines are skipped; unknown keys are problems (a typo must not drop
// a rating silently).
func (s scorecards) parseJSONL(r io.Reader, source string) ([]lake.ReviewRow, []Problem) {
	var rows []lake.ReviewRow
	var probs []Problem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var rv Review
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rv); err != nil {
			probs = append(probs, Problem{File: source, Line: line, Msg: "not a review (one JSON object per line): " + jsonProblem(err)})
			continue
		}
		if dec.More() {
			probs = append(probs, Problem{File: source, Line: line, Msg: "more than one JSON value on the line"})
			continue
		}
		row, p := s.check(rv, where{source: source, line: line})
		probs = append(probs, p...)
		if len(p) == 0 {
			rows = append(rows, row)
		}
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, Problem{File: source, Msg: "read: " + err.Error()})
	}
	return rows, probs
}

// jsonProblem says what encoding/json found, naming the key when it can.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: a JSON %s where %s belongs", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// content is what makes two versions of a review the same version: all
// but where they were read from and when parley wrote them.
func content(r lake.ReviewRow) string {
	r.RecordedAt, r.Source, r.Line = time.Time{}, "", 0
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("qa: marshal review row: %v", err)) // strings, numbers, times and booleans
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// scored is content without the time: a version scored exactly like the
// latest one is not a new version.
func scored(r lake.ReviewRow) string {
	r.At = time.Time{}
	return content(r)
}

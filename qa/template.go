package qa

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/lake"
)

// TemplateName is the spreadsheet route's file in a packet folder: one row
// per conversation × category (× reviewer, for calibration conversations),
// to be filled in and read back by `parley qa import`.
const TemplateName = "scores-template.csv"

// templateHeader is the template's header, a public format (docs/qa.md).
// Reviewers fill reviewer_id (when not assigned), rating, comment and
// review_comment; the other columns say what is being rated.
var templateHeader = []string{
	"run", "n", "conversation_id", "agent_id", "reviewer_id", "calibration",
	"scorecard", "scorecard_version", "category", "scale", "allow_na",
	"rating", "comment", "review_comment",
}

// templateRequired are the columns import needs; the others are there to
// help the reviewer, and may be deleted.
var templateRequired = []string{"run", "conversation_id", "agent_id", "reviewer_id", "calibration",
	"scorecard", "scorecard_version", "category", "rating", "comment", "review_comment"}

// encodeTemplate renders the template for the packet's rows. A row gets
// one block of categories per reviewer who scores it: its assigned
// reviewer, every reviewer for a calibration conversation, or one block
// with reviewer_id left for the reviewer to fill. Rows no scorecard applies
// to are left out.
func encodeTemplate(rows []manifestRow, cards []*config.Scorecard, reviewers []string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(templateHeader); err != nil {
		return nil, fmt.Errorf("qa: scores template: %w", err)
	}
	text := csvsafe.Escape
	for i, r := range rows {
		sc := cards[i]
		if sc == nil {
			continue
		}
		who := []string{r.Reviewer}
		if r.Calibration {
			who = reviewers
		}
		for _, rv := range who {
			for _, c := range sc.Categories {
				err := w.Write([]string{
					text(r.Run), strconv.Itoa(r.N), text(r.ConversationID), text(r.Agent), text(rv),
					strconv.FormatBool(r.Calibration), text(sc.Name), text(sc.Version()), text(c.Name),
					text(c.Scale), strconv.FormatBool(c.AllowNA), "", "", "",
				})
				if err != nil {
					return nil, fmt.Errorf("qa: scores template: %w", err)
				}
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("qa: scores template: %w", err)
	}
	return buf.Bytes(), nil
}

// sheetReviewID is the review id of a spreadsheet review: every version of
// one reviewer's review of one conversation in one run shares it.
func sheetReviewID(run, conversationID, reviewer string) string {
	sum := sha256.Sum256([]byte(run + "\x00" + conversationID + "\x00" + reviewer))
	return "sheet-" + hex.EncodeToString(sum[:8])
}

// parseCSV reads a filled-in scores template, with or without a UTF-8 byte
// order mark, its cells separated as its header says (templateComma). Rows are grouped into
// reviews by run, conversation and reviewer; a group with no rating and no
// comment is a review not made yet and is skipped. Every cell is read
// through csvsafe.Unescape, as the template wrote it. reviewedAt dates the
// reviews (the file's modification time: when the sheet was last saved).
// unfilled counts the reviews skipped as not made yet.
func (s scorecards) parseCSV(r io.Reader, source string, reviewedAt time.Time) (rows []lake.ReviewRow, unfilled int, probs []Problem) {
	br := bufio.NewReader(r)
	// Excel's "CSV UTF-8" starts the file with a byte order mark, as the
	// event importers accept it.
	if bom, _ := br.Peek(len(utf8BOM)); string(bom) == utf8BOM {
		if _, err := br.Discard(len(utf8BOM)); err != nil {
			return nil, 0, []Problem{{File: source, Line: 1, Msg: "read: " + err.Error()}}
		}
	}
	first, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, []Problem{{File: source, Line: 1, Msg: "read: " + err.Error()}}
	}
	cr := csv.NewReader(io.MultiReader(strings.NewReader(first), br))
	cr.Comma = templateComma(first)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, []Problem{{File: source, Line: 1, Msg: "not a CSV file: " + err.Error()}}
	}
	col := map[string]int{}
	for i, h := range head {
		col[columnName(h)] = i
	}
	for _, name := range templateRequired {
		if _, ok := col[name]; !ok {
			probs = append(probs, Problem{File: source, Line: 1, Field: name, Msg: "column missing (is it a scores template from parley qa sample?)"})
		}
	}
	if len(probs) > 0 {
		return nil, 0, probs
	}
	type group struct {
		key   [3]string
		first int
		cells []map[string]string
		lines []int
	}
	var order []*group
	groups := map[[3]string]*group{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			probs = append(probs, Problem{File: source, Line: line, Msg: "not CSV: " + err.Error()})
			break
		}
		cell := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(csvsafe.Unescape(rec[i]))
			}
			return ""
		}
		cells := map[string]string{}
		for _, name := range templateRequired {
			cells[name] = cell(name)
		}
		key := [3]string{cells["run"], cells["conversation_id"], cells["reviewer_id"]}
		g := groups[key]
		if g == nil {
			g = &group{key: key, first: line}
			groups[key] = g
			order = append(order, g)
		}
		g.cells = append(g.cells, cells)
		g.lines = append(g.lines, line)
	}
	for _, g := range order {
		filled := false
		for _, c := range g.cells {
			filled = filled || c["rating"] != "" || c["comment"] != "" || c["review_comment"] != ""
		}
		if !filled {
			unfilled++
			continue
		}
		rv, p := sheetReview(g.cells, g.lines, source, reviewedAt)
		if len(p) > 0 {
			probs = append(probs, p...)
			continue
		}
		row, p := s.check(rv, where{source: source, line: g.first, ratingLines: g.lines})
		probs = append(probs, p...)
		if len(p) == 0 {
			rows = append(rows, row)
		}
	}
	return rows, unfilled, probs
}

// utf8BOM is the byte order mark spreadsheets start a "CSV UTF-8" file with.
const utf8BOM = "\ufeff"

// templateComma is the cell separator of a scores template whose header
// line is header: a comma, or the semicolon or tab a spreadsheet saves CSV
// with where the comma is the decimal mark (Excel in most European
// locales), when the line holds the template's columns separated by it. No
// column name holds either, so the header tells the separator unambiguously.
func templateComma(header string) rune {
	for _, sep := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(strings.NewReader(header))
		cr.Comma = sep
		names, err := cr.Read()
		if err != nil {
			continue
		}
		for i, n := range names {
			names[i] = columnName(n)
		}
		if !slices.ContainsFunc(templateRequired, func(c string) bool { return !slices.Contains(names, c) }) {
			return sep
		}
	}
	return ','
}

// columnName is a template header cell as the column's name.
func columnName(cell string) string {
	return strings.TrimSpace(csvsafe.Unescape(cell))
}

// sheetReview assembles the rows of one reviewer's review of one
// conversation. The columns that describe the review must agree on every row.
func sheetReview(cells []map[string]string, lines []int, source string, reviewedAt time.Time) (Review, []Problem) {
	first := cells[0]
	rv := Review{
		Run: first["run"], ConversationID: first["conversation_id"], AgentID: first["agent_id"],
		ReviewerID: first["reviewer_id"], Scorecard: first["scorecard"], ScorecardVersion: first["scorecard_version"],
		ReviewedAt: reviewedAt.UTC().Format(time.RFC3339Nano),
	}
	rv.ReviewID = sheetReviewID(rv.Run, rv.ConversationID, rv.ReviewerID)
	var probs []Problem
	cal, err := strconv.ParseBool(first["calibration"])
	if err != nil {
		probs = append(probs, Problem{File: source, Line: lines[0], Field: "calibration", Msg: fmt.Sprintf("%q is not true or false", first["calibration"])})
	}
	rv.Calibration = cal
	var comments []string
	for i, c := range cells {
		for _, name := range []string{"agent_id", "calibration", "scorecard", "scorecard_version"} {
			if c[name] != first[name] {
				probs = append(probs, Problem{File: source, Line: lines[i], Field: name,
					Msg: fmt.Sprintf("%q differs from %q on line %d of the same review", c[name], first[name], lines[0])})
			}
		}
		if rc := c["review_comment"]; rc != "" && !slices.Contains(comments, rc) {
			comments = append(comments, rc)
		}
		rt := Rating{Category: c["category"], Comment: c["comment"]}
		switch v := strings.ToLower(c["rating"]); v {
		case "":
		case "na", "n/a":
			rt.NA = true
		default:
			n := json.Number(c["rating"])
			rt.Rating = &n
		}
		rv.Ratings = append(rv.Ratings, rt)
	}
	if len(comments) > 1 {
		probs = append(probs, Problem{File: source, Line: lines[0], Field: "review_comment",
			Msg: fmt.Sprintf("the review's rows hold %d different comments; write it on one row (or the same text on each)", len(comments))})
	}
	if len(comments) == 1 {
		rv.Comment = comments[0]
	}
	return rv, probs
}

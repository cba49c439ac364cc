package qa

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
)

// testCard is the scorecard of the import tests: a 1-5 category, a 1-3 one
// that allows N/A, and a critical yes/no one that does not.
var testCard = config.Scorecard{Name: "support", Categories: []config.Category{
	{Name: "solution", Weight: 3, Scale: config.Scale1to5},
	{Name: "tone", Weight: 1, Scale: config.Scale1to3, AllowNA: true},
	{Name: "process", Weight: 1, Scale: config.ScaleBinary, Critical: true},
}}

func testSettings() *config.Config {
	s := config.Default()
	s.QA.Scorecards = []config.Scorecard{testCard}
	return s
}

// line is one scores-file review as the page writes it; edit changes it.
func scoreLine(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	m := map[string]any{
		"review_id": "rv-0123456789abcdef", "run": "2026-03-20-7", "conversation_id": "c-1", "agent_id": "ana",
		"reviewer_id": "bob", "calibration": false, "scorecard": "support", "scorecard_version": testCard.Version(),
		"reviewed_at": "2026-03-21T09:30:00.123Z",
		"ratings": []any{
			map[string]any{"category": "solution", "rating": 4, "na": false, "comment": "good fix"},
			map[string]any{"category": "tone", "rating": nil, "na": true, "comment": ""},
			map[string]any{"category": "process", "rating": 1, "na": false, "comment": ""},
		},
		"comment": "fine",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rating returns the i-th rating of a scores-file review, to edit.
func rating(m map[string]any, i int) map[string]any {
	return m["ratings"].([]any)[i].(map[string]any)
}

func writeFile(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func newLake(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "lake")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func importFiles(t *testing.T, root string, files ...string) (ImportResult, error) {
	t.Helper()
	return Import(context.Background(), ImportConfig{Lake: root, Files: files, Settings: testSettings(), Now: fixtureNow})
}

func storedRows(t *testing.T, root string) []lake.ReviewRow {
	t.Helper()
	rows, err := lake.ReadReviews(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestImportRejectsBadFiles: every kind of bad review is refused with a
// problem naming its file, line and field, and nothing of any file of the
// import reaches the lake.
func TestImportRejectsBadFiles(t *testing.T) {
	good := scoreLine(t, nil)
	tests := []struct {
		name  string
		file  string // file name; .csv is a spreadsheet
		lines []string
		want  Problem // File, Line, Field and a part of Msg
	}{
		{"unknown scorecard", "s.jsonl", []string{good, scoreLine(t, func(m map[string]any) { m["scorecard"] = "sales" })},
			Problem{"s.jsonl", 2, "scorecard", `"sales" is not a scorecard`}},
		{"unknown scorecard version", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { m["scorecard_version"] = "000000000000" })},
			Problem{"s.jsonl", 1, "scorecard_version", "the scorecard changed since the packet was made"}},
		{"unknown category", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 1)["category"] = "empathy" })},
			Problem{"s.jsonl", 1, "ratings[1].category", `"empathy" is not a category of scorecard "support"`}},
		{"rating above the scale", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 6 })},
			Problem{"s.jsonl", 1, "ratings[0].rating", "6 is outside the scale 1-5"}},
		{"rating below the scale", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 0 })},
			Problem{"s.jsonl", 1, "ratings[0].rating", "0 is outside the scale 1-5"}},
		{"binary rated 2", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 2)["rating"] = 2 })},
			Problem{"s.jsonl", 1, "ratings[2].rating", `2 is outside the scale binary (0 or 1) of category "process"`}},
		{"fractional rating", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 2.5 })},
			Problem{"s.jsonl", 1, "ratings[0].rating", `2.5 is not a whole number; category "solution" is rated in whole numbers on the scale 1-5`}},
		{"N/A not allowed", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 2)["rating"], rating(m, 2)["na"] = nil, true })},
			Problem{"s.jsonl", 1, "ratings[2].na", `category "process" does not allow N/A`}},
		{"N/A and a rating", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 1)["rating"] = 2 })},
			Problem{"s.jsonl", 1, "ratings[1].rating", "given with N/A"}},
		{"missing reviewer", "s.jsonl", []string{good, good, scoreLine(t, func(m map[string]any) { m["reviewer_id"] = " " })},
			Problem{"s.jsonl", 3, "reviewer_id", "required"}},
		{"category not rated", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = nil })},
			Problem{"s.jsonl", 1, "ratings[0].rating", `category "solution" has no rating`}},
		{"category missing", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { m["ratings"] = m["ratings"].([]any)[:2] })},
			Problem{"s.jsonl", 1, "ratings", `category "process" has no rating`}},
		{"category twice", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { rating(m, 1)["category"] = "solution" })},
			Problem{"s.jsonl", 1, "ratings[1].category", "rated twice"}},
		{"unknown key", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { m["ratng"] = 3 })},
			Problem{"s.jsonl", 1, "", "unknown field"}},
		{"not JSON", "s.jsonl", []string{good, "{not json"},
			Problem{"s.jsonl", 2, "", "not a review"}},
		{"bad time", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { m["reviewed_at"] = "yesterday" })},
			Problem{"s.jsonl", 1, "reviewed_at", "not an RFC 3339 time"}},
		{"bad review id", "s.jsonl", []string{scoreLine(t, func(m map[string]any) { m["review_id"] = "../x" })},
			Problem{"s.jsonl", 1, "review_id", "must be 1-128"}},
		{"one id, two conversations", "s.jsonl", []string{good, scoreLine(t, func(m map[string]any) {
			m["conversation_id"], m["reviewed_at"] = "c-2", "2026-03-22T00:00:00Z"
		})}, Problem{"s.jsonl", 2, "conversation_id", `is of conversation "c-1" in line 1 of s.jsonl`}},
		{"one version, two scorings", "s.jsonl", []string{good, scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 5 })},
			Problem{"s.jsonl", 2, "reviewed_at", "has another version with the same reviewed_at"}},
		{"spreadsheet: rating above the scale", "t.csv", sheet(t, "bob", "7", "NA", "1"),
			Problem{"t.csv", 2, "rating", "7 is outside the scale 1-5"}},
		{"spreadsheet: N/A not allowed", "t.csv", sheet(t, "bob", "3", "2", "n/a"),
			Problem{"t.csv", 4, "na", `category "process" does not allow N/A; rate it on the scale binary (0 or 1)`}},
		{"spreadsheet: fractional rating", "t.csv", sheet(t, "bob", "4.5", "2", "1"),
			Problem{"t.csv", 2, "rating", "4.5 is not a whole number"}},
		{"spreadsheet: decimal comma", "t.csv", sheet(t, "bob", `"4,5"`, "2", "1"),
			Problem{"t.csv", 2, "rating", `"4,5" is not a number; rate category "solution" on the scale 1-5`}},
		{"spreadsheet: missing reviewer", "t.csv", sheet(t, "", "3", "2", "1"),
			Problem{"t.csv", 2, "reviewer_id", "required"}},
		{"spreadsheet: category not rated", "t.csv", sheet(t, "bob", "3", "", "1"),
			Problem{"t.csv", 3, "rating", `category "tone" has no rating`}},
		{"spreadsheet: not a template", "t.csv", []string{"a,b", "1,2"},
			Problem{"t.csv", 1, "run", "column missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			root := newLake(t)
			// A good file first: the bad one must stop it too.
			first := writeFile(t, dir, "first.jsonl", scoreLine(t, func(m map[string]any) { m["review_id"] = "rv-first" }))
			bad := writeFile(t, dir, tt.file, tt.lines...)
			before := dataFiles(t, root)
			_, err := importFiles(t, root, first, bad)
			var se *ScoresError
			if !errors.As(err, &se) {
				t.Fatalf("import: %v, want a ScoresError", err)
			}
			found := false
			for _, p := range se.Problems {
				found = found || (p.File == tt.want.File && p.Line == tt.want.Line && p.Field == tt.want.Field && strings.Contains(p.Msg, tt.want.Msg))
			}
			if !found {
				t.Errorf("problems %v\nwant one like %v", se.Problems, tt.want)
			}
			if !strings.Contains(err.Error(), "nothing was imported") {
				t.Errorf("error %q does not say nothing was imported", err)
			}
			if after := dataFiles(t, root); !maps.Equal(after, before) {
				t.Errorf("a refused import changed the lake: %v", slices.Collect(maps.Keys(after)))
			}
		})
	}
}

// TestRatingProblemsNameScalesAsTheTemplate: a rating off its scale is
// refused with the scale named as the scores template's scale column names
// it (the template once said "binary" where the error said "0-1").
func TestRatingProblemsNameScalesAsTheTemplate(t *testing.T) {
	tmpl, err := encodeTemplate([]manifestRow{{Run: "2026-03-20-7", N: 1, ConversationID: "c-1", Agent: "ana", Reviewer: "bob"}},
		[]*config.Scorecard{&testCard}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(tmpl)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if len(rows) != 1+len(testCard.Categories) {
		t.Fatalf("template rows %v, want one per category", rows)
	}
	want := map[int]string{} // line → the message's scale
	for i, r := range rows[1:] {
		r[col["rating"]] = "9" // off every scale
		want[i+2] = fmt.Sprintf("9 is outside the scale %s", r[col["scale"]])
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	_, err = importFiles(t, newLake(t), writeFile(t, t.TempDir(), "t.csv", strings.TrimSuffix(buf.String(), "\n")))
	var se *ScoresError
	if !errors.As(err, &se) || len(se.Problems) != len(want) {
		t.Fatalf("import: %v, want a problem per category", err)
	}
	for _, p := range se.Problems {
		if !strings.HasPrefix(p.Msg, want[p.Line]) {
			t.Errorf("line %d: %q, want it to start %q", p.Line, p.Msg, want[p.Line])
		}
	}
}

// TestWholeRatingWrittenAsDecimal: "5.0" in a spreadsheet is the whole
// number 5, on the scale.
func TestWholeRatingWrittenAsDecimal(t *testing.T) {
	root := newLake(t)
	if _, err := importFiles(t, root, writeFile(t, t.TempDir(), "t.csv", sheet(t, "bob", "5.0", "NA", "1")...)); err != nil {
		t.Fatal(err)
	}
	rows := storedRows(t, root)
	if len(rows) != 1 || rows[0].Ratings[0].Category != "solution" || rows[0].Ratings[0].Rating == nil || *rows[0].Ratings[0].Rating != 5 {
		t.Errorf("stored %+v, want solution rated 5", rows)
	}
}

// dataFiles is snapshotDir without the lake's lock files, which every
// command creates, whether it writes anything or not.
func dataFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	files := snapshotDir(t, root)
	maps.DeleteFunc(files, func(path, _ string) bool { return strings.HasSuffix(path, ".lock") })
	return files
}

// sheet is a filled-in scores template of one review of testCard by
// reviewer, with the three ratings as typed.
func sheet(t *testing.T, reviewer, solution, tone, process string) []string {
	t.Helper()
	head := strings.Join(templateHeader, ",")
	row := func(cat, scale, allowNA, rating string) string {
		return strings.Join([]string{"2026-03-20-7", "1", "c-1", "ana", reviewer, "false", "support", testCard.Version(), cat, scale, allowNA, rating, "", ""}, ",")
	}
	return []string{head, row("solution", "1-5", "false", solution), row("tone", "1-3", "true", tone), row("process", "binary", "false", process)}
}

// TestImportIdempotentAndVersions: importing the same file twice changes
// nothing; a later download that holds the same reviews plus a changed
// one stores only the changed version; a version already stored is
// skipped even when its file differs (an erase cleared its comments).
func TestImportIdempotentAndVersions(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	second := func(m map[string]any) { m["review_id"], m["conversation_id"] = "rv-2", "c-2" }
	a := writeFile(t, dir, "a.jsonl", scoreLine(t, nil), scoreLine(t, second))
	res, err := importFiles(t, root, a)
	if err != nil || res.Read != 2 || res.Stored != 2 || res.File == "" {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	if !strings.HasPrefix(res.File, lake.ReviewPartitionDir(root, fixtureNow)) {
		t.Errorf("written to %s, want the partition of %s", res.File, fixtureNow.Format(time.DateOnly))
	}
	before := snapshotDir(t, root)
	res, err = importFiles(t, root, a)
	if err != nil || res.Stored != 0 || res.Known != 2 || res.File != "" {
		t.Errorf("second import of the same file: %+v, %v; want nothing stored", res, err)
	}
	if !maps.Equal(snapshotDir(t, root), before) {
		t.Error("importing the same file twice changed the lake")
	}

	// The next download: rv-0… unchanged but saved again later (same scores),
	// rv-2 rescored.
	b := writeFile(t, dir, "b.jsonl",
		scoreLine(t, func(m map[string]any) { m["reviewed_at"] = "2026-03-22T10:00:00Z" }),
		scoreLine(t, func(m map[string]any) {
			second(m)
			m["reviewed_at"] = "2026-03-22T11:00:00Z"
			rating(m, 0)["rating"] = 2
		}))
	res, err = importFiles(t, root, b)
	if err != nil || res.Stored != 1 || res.Unchanged != 1 {
		t.Errorf("import of a later download: %+v, %v; want 1 stored, 1 unchanged", res, err)
	}
	rows := storedRows(t, root)
	if len(rows) != 3 {
		t.Fatalf("%d rows stored, want 3 (two reviews, one of them in two versions)", len(rows))
	}
	for _, r := range rows {
		if r.ReviewID == "rv-2" && r.At.Equal(time.Date(2026, 3, 22, 11, 0, 0, 0, time.UTC)) && *r.Ratings[0].Rating != 2 {
			t.Errorf("rv-2's second version has solution %d, want 2", *r.Ratings[0].Rating)
		}
		if r.Ratings[2].Weight != 1 || !r.Ratings[2].Critical || r.Ratings[0].ScaleMax != 5 || !r.Ratings[1].NA || r.Ratings[1].Rating != nil {
			t.Errorf("ratings do not carry their definition: %+v", r.Ratings)
		}
	}
	// The same version with its comment cleared (as erase leaves it) is not a new one.
	c := writeFile(t, dir, "c.jsonl", scoreLine(t, func(m map[string]any) { m["comment"] = "changed since" }))
	if res, err := importFiles(t, root, c); err != nil || res.Known != 1 || res.Stored != 0 {
		t.Errorf("import of a stored version with another comment: %+v, %v; want it known", res, err)
	}
}

// TestImportSpreadsheet reads a filled-in template: reviews grouped by
// reviewer, untouched blocks skipped, cells read back from their
// spreadsheet-safe form, the review dated by the file's modification time.
func TestImportSpreadsheet(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	lines := sheet(t, "bob", "5", "NA", "0")
	lines[1] = strings.Replace(lines[1], ",5,,", `,5,'=not a formula,'-great`, 1)
	untouched := sheet(t, "carol", "", "", "")
	path := writeFile(t, dir, "scores.csv", append(lines, untouched[1:]...)...)
	saved := time.Date(2026, 3, 23, 14, 5, 6, 0, time.UTC)
	if err := os.Chtimes(path, saved, saved); err != nil {
		t.Fatal(err)
	}
	res, err := importFiles(t, root, path)
	if err != nil || res.Stored != 1 {
		t.Fatalf("import: %+v, %v; want carol's empty block skipped, bob's review stored", res, err)
	}
	r := storedRows(t, root)[0]
	if r.ReviewID != sheetReviewID("2026-03-20-7", "c-1", "bob") || r.ReviewerID != "bob" || !r.At.Equal(saved) {
		t.Errorf("review %s by %s at %s, want the sheet's id, bob, %s", r.ReviewID, r.ReviewerID, r.At, saved)
	}
	if r.Ratings[0].Comment != "=not a formula" || r.Comment != "-great" || *r.Ratings[2].Rating != 0 || !r.Ratings[1].NA {
		t.Errorf("ratings %+v, comment %q", r.Ratings, r.Comment)
	}
}

// TestImportSpreadsheetSaves: a template saved by a spreadsheet with a UTF-8
// byte order mark (Excel's "CSV UTF-8"), or with semicolons or tabs between
// cells (Excel where the comma is the decimal mark), imports as the comma
// file does; both used to be refused with "column missing" on every column.
func TestImportSpreadsheetSaves(t *testing.T) {
	// A comment holding every separator, so each save quotes it its own way.
	lines := sheet(t, "bob", "5", "NA", "0")
	lines[1] = strings.Replace(lines[1], ",5,,", `,5,"fixed it; quickly, well",`, 1)
	var records [][]string
	for _, l := range lines {
		rec, err := csv.NewReader(strings.NewReader(l)).Read()
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, rec)
	}
	save := func(bom string, comma rune) []byte {
		var buf bytes.Buffer
		buf.WriteString(bom)
		w := csv.NewWriter(&buf)
		w.Comma = comma
		if err := w.WriteAll(records); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	stored := func(data []byte) ([]lake.ReviewRow, error) {
		path := filepath.Join(t.TempDir(), "scores.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		saved := time.Date(2026, 3, 23, 14, 5, 6, 0, time.UTC)
		if err := os.Chtimes(path, saved, saved); err != nil {
			t.Fatal(err)
		}
		root := newLake(t)
		if _, err := importFiles(t, root, path); err != nil {
			return nil, err
		}
		rows := storedRows(t, root)
		for i := range rows {
			rows[i].Source, rows[i].RecordedAt = "", time.Time{}
		}
		return rows, nil
	}
	want, err := stored(save("", ','))
	if err != nil || len(want) != 1 || want[0].Ratings[0].Comment != "fixed it; quickly, well" {
		t.Fatalf("the comma file: %+v, %v", want, err)
	}
	for _, tt := range []struct {
		name  string
		bom   string
		comma rune
	}{
		{"byte order mark", "\ufeff", ','},
		{"semicolons", "", ';'},
		{"byte order mark and semicolons", "\ufeff", ';'},
		{"tabs", "", '\t'},
	} {
		got, err := stored(save(tt.bom, tt.comma))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: stored %+v, want %+v as from the comma file", tt.name, got, want)
		}
	}
}

// TestImportNoReviews: scores files that hold no review at all (an empty
// file, a template nobody filled in) are an error wrapping ErrNoReviews
// that names each file and its unfilled reviews, and nothing is written
// (it said "0 reviews read" and succeeded); such a file among others that
// hold reviews is skipped, and a template's unfilled reviews are counted.
func TestImportNoReviews(t *testing.T) {
	dir := t.TempDir()
	untouched := sheet(t, "carol", "", "", "")
	template := writeFile(t, dir, "scores-template.csv", append(untouched, sheet(t, "dan", "", "", "")[1:]...)...)
	emptyCSV := filepath.Join(dir, "empty.csv")
	emptyJSONL := filepath.Join(dir, "empty.jsonl")
	for _, p := range []string{emptyCSV, emptyJSONL} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	headerOnly := writeFile(t, dir, "header.csv", untouched[0])
	good := writeFile(t, dir, "good.jsonl", scoreLine(t, nil))
	tests := []struct {
		name     string
		files    []string
		want     []string // "" : imported; else the error says these
		unfilled int
	}{
		{"untouched template", []string{template}, []string{"scores-template.csv holds no review: none of its 2 reviews", "rating"}, 2},
		{"empty jsonl", []string{emptyJSONL}, []string{"empty.jsonl holds no review"}, 0},
		{"empty csv", []string{emptyCSV}, []string{"empty.csv holds no review"}, 0},
		{"template header only", []string{headerOnly}, []string{"header.csv holds no review"}, 0},
		{"two empty files", []string{emptyJSONL, template}, []string{"empty.jsonl holds no review; scores-template.csv holds no review"}, 2},
		{"with a file of reviews", []string{good, template}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newLake(t)
			before := dataFiles(t, root)
			res, err := importFiles(t, root, tt.files...)
			if res.Unfilled != tt.unfilled {
				t.Errorf("Unfilled = %d, want %d", res.Unfilled, tt.unfilled)
			}
			if tt.want == nil {
				if err != nil || res.Stored != 1 {
					t.Errorf("import: %+v, %v; want the review stored, the template skipped", res, err)
				}
				return
			}
			if !errors.Is(err, ErrNoReviews) {
				t.Fatalf("import: %+v, %v; want ErrNoReviews", res, err)
			}
			for _, w := range append(tt.want, "nothing was imported") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if after := dataFiles(t, root); !maps.Equal(after, before) {
				t.Errorf("an import of no reviews changed the lake: %v", slices.Collect(maps.Keys(after)))
			}
		})
	}
}

// TestScoresErrorCount: the problem count agrees with its noun.
func TestScoresErrorCount(t *testing.T) {
	for n, want := range map[int]string{1: "qa: 1 problem in the scores;", 2: "qa: 2 problems in the scores;"} {
		e := &ScoresError{Problems: make([]Problem, n)}
		if got := e.Error(); !strings.HasPrefix(got, want) {
			t.Errorf("%d problems: %q, want it to start %q", n, got, want)
		}
	}
}

// TestDisputes: a dispute needs a stored review and no open dispute; a
// resolution needs an open dispute; an accepted one needs the rescored
// review, which becomes the latest version.
func TestDisputes(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	if _, err := importFiles(t, root, writeFile(t, dir, "a.jsonl", scoreLine(t, nil))); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := "rv-0123456789abcdef"
	disputedAt := fixtureNow.Add(48 * time.Hour)
	dispute := func(review string) error {
		_, err := Dispute(ctx, DisputeConfig{Lake: root, Review: review, By: "ana", Reason: "tone was N/A", Now: disputedAt})
		return err
	}
	resolve := func(accept bool, rescore string, now time.Time) error {
		_, err := ResolveDispute(ctx, ResolveConfig{Lake: root, Review: id, Accept: accept, Rescore: rescore, By: "lead", Settings: testSettings(), Now: now})
		return err
	}
	wantErr := func(label string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", label, err, want)
		}
	}
	// "in the lake at PATH": a lake folder named lake read "is not in the lake lake".
	wantErr("dispute of an unknown review", dispute("rv-nope"), "is not in the lake at "+root)
	if _, err := ResolveDispute(ctx, ResolveConfig{Lake: root, Review: "rv-nope", By: "lead", Settings: testSettings(), Now: fixtureNow}); err == nil || !strings.Contains(err.Error(), "is not in the lake at "+root) {
		t.Errorf("resolve of an unknown review: %v, want it to name the lake at %s", err, root)
	}
	wantErr("resolve without a dispute", resolve(false, "", fixtureNow), "has no open dispute")
	if err := dispute(id); err != nil {
		t.Fatal(err)
	}
	wantErr("second dispute", dispute(id), "already disputed")
	wantErr("accept without a rescore", resolve(true, "", fixtureNow), "rescore: an accepted dispute changes the review")
	wantErr("reject with a rescore", resolve(false, "x.jsonl", fixtureNow), "rescore: a rejected dispute leaves the review as it is")
	other := writeFile(t, dir, "other.jsonl", scoreLine(t, func(m map[string]any) { m["review_id"] = "rv-other" }))
	wantErr("rescore of another review", resolve(true, other, fixtureNow.Add(72*time.Hour)), "holds 0 reviews with id")
	bad := writeFile(t, dir, "bad.jsonl", scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 9 }))
	var se *ScoresError
	if err := resolve(true, bad, fixtureNow.Add(72*time.Hour)); !errors.As(err, &se) {
		t.Errorf("a rescore out of scale: %v, want a ScoresError", err)
	}
	rescore := writeFile(t, dir, "rescore.jsonl", scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 5 }))
	resolvedAt := fixtureNow.Add(72 * time.Hour)
	if err := resolve(true, rescore, resolvedAt); err != nil {
		t.Fatal(err)
	}
	wantErr("resolve twice", resolve(false, "", resolvedAt.Add(time.Hour)), "has no open dispute")

	var kinds []string
	var final lake.ReviewRow
	for _, r := range storedRows(t, root) {
		kinds = append(kinds, r.Kind)
		if r.Kind == lake.ReviewKindReview && r.At.After(final.At) {
			final = r
		}
		if r.Kind == lake.ReviewKindDispute && (r.By != "ana" || r.Reason != "tone was N/A" || r.ConversationID != "c-1" || r.AgentID != "ana") {
			t.Errorf("dispute row %+v", r)
		}
		if r.Kind == lake.ReviewKindResolution && (r.Decision != lake.DecisionAccept || r.By != "lead") {
			t.Errorf("resolution row %+v", r)
		}
	}
	slices.Sort(kinds)
	if want := []string{"dispute", "resolution", "review", "review"}; !slices.Equal(kinds, want) {
		t.Errorf("rows %v, want %v", kinds, want)
	}
	if !final.At.Equal(resolvedAt) || *final.Ratings[0].Rating != 5 {
		t.Errorf("final version at %s with solution %d, want the rescore dated at the resolution %s", final.At, *final.Ratings[0].Rating, resolvedAt)
	}
	// A second round, rejected.
	disputedAt = resolvedAt.Add(48 * time.Hour)
	if err := dispute(id); err != nil {
		t.Fatalf("a new dispute after a resolution: %v", err)
	}
	if err := resolve(false, "", resolvedAt.Add(96*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// TestImportMarksLedger: with a ledger, the rows of the imported reviews'
// conversations become reviewed, with their count of reviews.
func TestImportMarksLedger(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	ledgerPath := filepath.Join(dir, "ledger.csv")
	// A ledger written before reviews existed: six columns.
	old := "run,sampled_at,conversation_id,agent_id,reason,seed\n" +
		"2026-03-20-7,2026-03-20T08:00:00Z,c-1,ana,random,7\n" +
		"2026-03-20-7,2026-03-20T08:00:00Z,c-2,ana,random,7\n"
	if err := os.WriteFile(ledgerPath, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, dir, "a.jsonl", scoreLine(t, nil),
		scoreLine(t, func(m map[string]any) { m["review_id"], m["reviewer_id"] = "rv-carol", "carol" }))
	res, err := Import(context.Background(), ImportConfig{Lake: root, Files: []string{file}, Settings: testSettings(), Ledger: ledgerPath, Now: fixtureNow})
	if err != nil || res.LedgerRows != 1 {
		t.Fatalf("import: %+v, %v; want 1 ledger row reviewed", res, err)
	}
	rows := readLedgerRows(t, ledgerPath) // checks the header: all eleven columns now
	if got := rows[0][8:]; !slices.Equal(got, []string{"reviewed", "2", "2026-03-21T09:30:00Z"}) {
		t.Errorf("c-1: %v, want reviewed by 2 reviews", got)
	}
	if got := rows[1][8:]; !slices.Equal(got, []string{"sampled", "0", ""}) {
		t.Errorf("c-2: %v, want sampled only", got)
	}
}

// TestImportLedgerMustMatch: a ledger that sampled none of the reviews'
// conversations in their runs (another packet folder's, or the ledger of
// another lake's packets) is an error naming the ledger field, and nothing
// is written; it used to store every review and mark "0 rows reviewed".
// Reviews some of which the ledger sampled are stored, with a warning
// naming how many it did not.
func TestImportLedgerMustMatch(t *testing.T) {
	dir := t.TempDir()
	head := "run,sampled_at,conversation_id,agent_id,reason,seed\n"
	file := writeFile(t, dir, "a.jsonl", scoreLine(t, nil),
		scoreLine(t, func(m map[string]any) { m["review_id"], m["conversation_id"] = "rv-2", "c-2" }))
	for _, tt := range []struct {
		name, ledger, want string
	}{
		{"another run", head + "2026-03-21-7,2026-03-21T08:00:00Z,c-1,ana,random,7\n", "2026-03-20-7 (not in the ledger)"},
		{"the run's other conversations", head + "2026-03-20-7,2026-03-20T08:00:00Z,c-9,ana,random,7\n", "(their runs: 2026-03-20-7)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := newLake(t)
			path := filepath.Join(t.TempDir(), "ledger.csv")
			if err := os.WriteFile(path, []byte(tt.ledger), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Import(context.Background(), ImportConfig{Lake: root, Files: []string{file}, Settings: testSettings(), Ledger: path, Now: fixtureNow})
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != "ledger" || !strings.Contains(err.Error(), "sampled none of the conversations of the 2 reviews") ||
				!strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Errorf("import: %v; want a ledger field error saying it sampled none of them, %q, and that nothing was imported", err, tt.want)
			}
			if rows := storedRows(t, root); len(rows) != 0 {
				t.Errorf("%d reviews stored, want none", len(rows))
			}
			if b, err := os.ReadFile(path); err != nil || string(b) != tt.ledger {
				t.Errorf("the ledger now holds %q (%v)", b, err)
			}
		})
	}

	root := newLake(t)
	path := writeFile(t, dir, "ledger.csv", strings.TrimSuffix(head, "\n"), "2026-03-20-7,2026-03-20T08:00:00Z,c-1,ana,random,7")
	var logged bytes.Buffer
	res, err := Import(context.Background(), ImportConfig{Lake: root, Files: []string{file}, Settings: testSettings(), Ledger: path, Now: fixtureNow,
		Log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil || res.Stored != 2 || res.LedgerRows != 1 {
		t.Fatalf("import with one of two conversations in the ledger: %+v, %v; want both stored, one row reviewed", res, err)
	}
	if !strings.Contains(logged.String(), "level=WARN") || !strings.Contains(logged.String(), "reviews=1 of=2") || !strings.Contains(logged.String(), `first="a.jsonl line 2"`) {
		t.Errorf("log %q, want a warning that 1 of 2 reviews is not in the ledger, naming its line", logged.String())
	}
}

// TestImportBadLedgerWritesNothing: a --ledger that is missing, not a
// file or not a ledger is an error naming the ledger field, found before
// anything is written (the review was stored, and then the ledger failed).
func TestImportBadLedgerWritesNothing(t *testing.T) {
	dir := t.TempDir()
	notLedger := writeFile(t, dir, "notes.csv", "a,b", "1,2")
	tests := []struct {
		name, ledger, want string
	}{
		{"missing", filepath.Join(dir, "nonexistent.csv"), "nonexistent.csv does not exist"},
		{"a folder", dir, "is a folder: give the ledger file in it"},
		{"not a ledger", notLedger, "is it a Parley ledger?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newLake(t)
			file := writeFile(t, t.TempDir(), "a.jsonl", scoreLine(t, nil))
			_, err := Import(context.Background(), ImportConfig{Lake: root, Files: []string{file}, Settings: testSettings(), Ledger: tt.ledger, Now: fixtureNow})
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != "ledger" || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Errorf("import with --ledger %s: %v; want a ledger field error saying %q and that nothing was imported", tt.ledger, err, tt.want)
			}
			if rows := storedRows(t, root); len(rows) != 0 {
				t.Errorf("%d reviews stored although the ledger is unusable, want none", len(rows))
			}
		})
	}
	if b, err := os.ReadFile(notLedger); err != nil || string(b) != "a,b\n1,2\n" {
		t.Errorf("the file that is not a ledger now holds %q (%v)", b, err)
	}
}

// TestImportAfterErase: once parley erase --conversations has replaced a
// review's conversation id by its digest and cleared its comments,
// importing the old scores file again is no conflict and brings nothing back.
func TestImportAfterErase(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	file := writeFile(t, dir, "a.jsonl", scoreLine(t, nil))
	res, err := importFiles(t, root, file)
	if err != nil {
		t.Fatal(err)
	}
	// What the erase leaves, in place of the file the import wrote.
	rows := storedRows(t, root)
	rows[0].ConversationID, rows[0].Comment, rows[0].Ratings[0].Comment = lake.ErasedConversationID("c-1"), "", ""
	if err := os.Remove(res.File); err != nil {
		t.Fatal(err)
	}
	if err := lake.PublishParquet(root, filepath.Dir(res.File), "erased.parquet", rows); err != nil {
		t.Fatal(err)
	}
	before := dataFiles(t, root)
	res, err = importFiles(t, root, file)
	if err != nil || res.Known != 1 || res.Stored != 0 {
		t.Errorf("import after the erase: %+v, %v; want the review known, nothing stored", res, err)
	}
	if !maps.Equal(dataFiles(t, root), before) {
		t.Error("the import changed the lake")
	}
}

// TestVersionsAfterErase: erase records on a review's rows the start of the conversation it
// removes and, for a review whose file named no agent, the conversation's most active agent,
// which qa_reviews then date and attribute it by. A review version stored after the erase keeps
// them, though the reviewer's file holds neither: a new version imported, a new review of the
// same conversation (its start), and a dispute accepted with a rescore, which is also no longer
// refused for naming the conversation the review names by digest. (They lacked the date, so
// qa_reviews moved the review to the day it was scored, and the agent; the rescore was refused.)
func TestVersionsAfterErase(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	noAgent := func(m map[string]any) { m["agent_id"] = "" }
	second := func(m map[string]any) { noAgent(m); m["review_id"], m["reviewer_id"] = "rv-second", "dan" }
	res, err := importFiles(t, root, writeFile(t, dir, "a.jsonl", scoreLine(t, noAgent), scoreLine(t, second)))
	if err != nil {
		t.Fatal(err)
	}
	// What erase --conversations leaves, in place of the file the import wrote.
	start := time.Date(2026, 3, 3, 8, 15, 0, 0, time.UTC)
	rows := storedRows(t, root)
	for i := range rows {
		rows[i].ConversationID, rows[i].Comment, rows[i].Ratings[0].Comment = lake.ErasedConversationID("c-1"), "", ""
		rows[i].ConversationStartedAt, rows[i].AgentID = start, "ana"
	}
	if err := os.Remove(res.File); err != nil {
		t.Fatal(err)
	}
	if err := lake.PublishParquet(root, filepath.Dir(res.File), "erased.parquet", rows); err != nil {
		t.Fatal(err)
	}

	edited := scoreLine(t, func(m map[string]any) {
		second(m)
		m["reviewed_at"] = "2026-03-22T10:00:00Z"
		rating(m, 0)["rating"] = 3
	})
	another := scoreLine(t, func(m map[string]any) {
		m["review_id"], m["reviewer_id"], m["agent_id"] = "rv-another", "carol", "bo"
	})
	if res, err := importFiles(t, root, writeFile(t, dir, "b.jsonl", edited, another)); err != nil || res.Stored != 2 {
		t.Fatalf("import after the erase: %+v, %v; want both stored", res, err)
	}
	ctx := context.Background()
	id := "rv-0123456789abcdef"
	if _, err := Dispute(ctx, DisputeConfig{Lake: root, Review: id, By: "ana", Reason: "unfair", Now: fixtureNow.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	rescore := writeFile(t, dir, "rescore.jsonl", scoreLine(t, func(m map[string]any) { noAgent(m); rating(m, 0)["rating"] = 5 }))
	if _, err := ResolveDispute(ctx, ResolveConfig{Lake: root, Review: id, Accept: true, Rescore: rescore, By: "lead", Settings: testSettings(), Now: fixtureNow.Add(72 * time.Hour)}); err != nil {
		t.Fatalf("rescore of a review of an erased conversation: %v", err)
	}

	for _, r := range storedRows(t, root) {
		if !r.ConversationStartedAt.Equal(start) {
			t.Errorf("%s %s (at %s) records the conversation's start %v, want the erase's %v", r.Kind, r.ReviewID, r.At, r.ConversationStartedAt, start)
		}
		want := map[string]string{id: "ana", "rv-second": "ana", "rv-another": "bo"}[r.ReviewID]
		if r.AgentID != want {
			t.Errorf("%s %s (at %s) names the agent %q, want %q", r.Kind, r.ReviewID, r.At, r.AgentID, want)
		}
	}
}

// TestAcceptedRescoreIsFinal: a review dated after the resolution (a
// reviewer's clock ahead) must not outrank the rescore an accepted dispute
// records: the rescore is dated after the version it corrects.
func TestAcceptedRescoreIsFinal(t *testing.T) {
	dir := t.TempDir()
	root := newLake(t)
	ahead := "2026-04-01T00:00:00Z" // after the dispute and resolution below
	if _, err := importFiles(t, root, writeFile(t, dir, "a.jsonl", scoreLine(t, func(m map[string]any) { m["reviewed_at"] = ahead }))); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := "rv-0123456789abcdef"
	if _, err := Dispute(ctx, DisputeConfig{Lake: root, Review: id, By: "ana", Reason: "unfair", Now: fixtureNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	rescore := writeFile(t, dir, "rescore.jsonl", scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 5 }))
	if _, err := ResolveDispute(ctx, ResolveConfig{Lake: root, Review: id, Accept: true, Rescore: rescore, By: "lead", Settings: testSettings(), Now: fixtureNow.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var final lake.ReviewRow
	for _, r := range storedRows(t, root) {
		if r.Kind == lake.ReviewKindReview && r.At.After(final.At) {
			final = r
		}
	}
	if *final.Ratings[0].Rating != 5 {
		t.Errorf("final version (at %s) rates %d, want the accepted rescore's 5", final.At, *final.Ratings[0].Rating)
	}
}

// TestImportInputs: scores given as data (what parley serve receives from
// the form) are checked and stored exactly as a file's are: the same
// review from a file and then as data is known, a bad one is refused with
// the input's name and nothing stored, and a rescore as data resolves a
// dispute as a rescore file does.
func TestImportInputs(t *testing.T) {
	ctx := context.Background()
	root := newLake(t)
	line := scoreLine(t, nil)
	in := func(data string) []Input { return []Input{{Name: "web:bob", Data: []byte(data)}} }
	res, err := Import(ctx, ImportConfig{Lake: root, Inputs: in(line), Settings: testSettings(), Now: fixtureNow})
	if err != nil || res.Stored != 1 {
		t.Fatalf("import of data: %+v, %v", res, err)
	}
	if rows := storedRows(t, root); len(rows) != 1 || rows[0].Source != "web:bob" {
		t.Errorf("stored %+v, want one row from web:bob", rows)
	}
	res, err = importFiles(t, root, writeFile(t, t.TempDir(), "a.jsonl", line))
	if err != nil || res.Known != 1 || res.Stored != 0 {
		t.Errorf("the same review from a file: %+v, %v; want it known", res, err)
	}
	bad := scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 9 })
	_, err = Import(ctx, ImportConfig{Lake: root, Inputs: in(bad), Settings: testSettings(), Now: fixtureNow})
	var se *ScoresError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "web:bob line 1: ratings[0].rating") {
		t.Errorf("bad data: %v, want a problem naming web:bob and the rating", err)
	}
	if rows := storedRows(t, root); len(rows) != 1 {
		t.Errorf("%d rows after a refused import, want 1", len(rows))
	}
	if _, err := Dispute(ctx, DisputeConfig{Lake: root, Review: "rv-0123456789abcdef", By: "ana", Reason: "unfair", Now: fixtureNow}); err != nil {
		t.Fatal(err)
	}
	rescore := scoreLine(t, func(m map[string]any) { rating(m, 0)["rating"] = 5 })
	if _, err := ResolveDispute(ctx, ResolveConfig{Lake: root, Review: "rv-0123456789abcdef", Accept: true,
		RescoreInput: &Input{Name: "web:lead", Data: []byte(rescore)}, By: "lead", Settings: testSettings(), Now: fixtureNow.Add(time.Hour)}); err != nil {
		t.Fatalf("resolve with a rescore as data: %v", err)
	}
	// The final version is the latest: the rescore, dated after the version it corrects.
	var final lake.ReviewRow
	for _, r := range storedRows(t, root) {
		if r.Kind == lake.ReviewKindReview && r.At.After(final.At) {
			final = r
		}
	}
	if final.Source != "web:lead" || *final.Ratings[0].Rating != 5 {
		t.Errorf("final version from %s rates %d: the rescore given as data was not stored as the final version", final.Source, *final.Ratings[0].Rating)
	}
}

// TestReimportAfterAcceptedDispute: once a dispute of a review has been
// accepted with a rescore, the reviewer's sheet saved again (to rate one
// more conversation) must not bring the disputed score back: its unchanged
// rows match the version first imported, not the rescore, and, dated by
// the file's new modification time, were stored as a version newer than
// the rescore (score 0 again, status still dispute_accepted). An edit of
// the resolved review in the sheet is refused, nothing of the import
// stored; without an accepted dispute the sheet's latest save still wins,
// even when it puts back an earlier scoring.
func TestReimportAfterAcceptedDispute(t *testing.T) {
	ctx := context.Background()
	bobID := sheetReviewID("2026-03-20-7", "c-1", "bob")
	// save writes the sheet's reviews (each three lines of sheet's, after its header) saved at.
	save := func(t *testing.T, path string, at time.Time, reviews ...[]string) {
		t.Helper()
		lines := []string{reviews[0][0]}
		for _, r := range reviews {
			lines = append(lines, r[1:]...)
		}
		writeFile(t, filepath.Dir(path), filepath.Base(path), lines...)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	final := func(t *testing.T, root, id string) lake.ReviewRow {
		t.Helper()
		var f lake.ReviewRow
		for _, r := range storedRows(t, root) {
			if r.Kind == lake.ReviewKindReview && r.ReviewID == id && r.At.After(f.At) {
				f = r
			}
		}
		return f
	}
	saved := func(h int) time.Time { return fixtureNow.Add(time.Duration(h) * time.Hour) }

	t.Run("accepted rescore stays final", func(t *testing.T) {
		dir, root := t.TempDir(), newLake(t)
		path := filepath.Join(dir, "scores.csv")
		save(t, path, saved(1), sheet(t, "bob", "1", "NA", "0")) // process 0: a critical fail
		if res, err := importFiles(t, root, path); err != nil || res.Stored != 1 {
			t.Fatalf("first import: %+v, %v", res, err)
		}
		if _, err := Dispute(ctx, DisputeConfig{Lake: root, Review: bobID, By: "ana", Reason: "process was followed", Now: saved(2)}); err != nil {
			t.Fatal(err)
		}
		fixed := filepath.Join(dir, "fixed.csv")
		save(t, fixed, saved(3), sheet(t, "bob", "5", "NA", "1"))
		if _, err := ResolveDispute(ctx, ResolveConfig{Lake: root, Review: bobID, Accept: true, Rescore: fixed, By: "lead", Settings: testSettings(), Now: saved(3)}); err != nil {
			t.Fatal(err)
		}

		// The reviewer rates one more conversation in the same sheet and saves it.
		save(t, path, saved(4), sheet(t, "bob", "1", "NA", "0"), sheet(t, "carol", "4", "2", "1"))
		res, err := importFiles(t, root, path)
		if err != nil || res.Read != 2 || res.Stored != 1 || res.Unchanged != 1 {
			t.Fatalf("import of the sheet saved again: %+v, %v; want carol's review stored and bob's unchanged", res, err)
		}
		if f := final(t, root, bobID); *f.Ratings[2].Rating != 1 || !f.At.Equal(saved(3)) {
			t.Errorf("bob's final version at %s rates process %d: want the accepted rescore (1, at %s)", f.At, *f.Ratings[2].Rating, saved(3))
		}

		// The reviewer edits the resolved review in the sheet: refused, with the reason and the way.
		before := dataFiles(t, root)
		save(t, path, saved(5), sheet(t, "bob", "2", "NA", "0"), sheet(t, "carol", "3", "2", "1"))
		_, err = importFiles(t, root, path)
		var se *ScoresError
		if !errors.As(err, &se) || len(se.Problems) != 1 || !strings.Contains(err.Error(), "scores.csv line 2: review "+bobID) ||
			!strings.Contains(err.Error(), "its dispute was accepted") || !strings.Contains(err.Error(), "dispute it again") {
			t.Errorf("import of an edit of the rescored review: %v; want one problem naming it, its accepted dispute and how to change it", err)
		}
		if !maps.Equal(dataFiles(t, root), before) {
			t.Error("a refused import changed the lake (carol's edit must wait too)")
		}
		if f := final(t, root, bobID); *f.Ratings[2].Rating != 1 {
			t.Errorf("bob's final version rates process %d after a refused edit, want the rescore's 1", *f.Ratings[2].Rating)
		}
	})

	t.Run("without an accepted dispute the latest save wins", func(t *testing.T) {
		dir, root := t.TempDir(), newLake(t)
		path := filepath.Join(dir, "scores.csv")
		for i, process := range []string{"0", "1", "0"} { // the last save puts the first scoring back
			save(t, path, saved(1+i), sheet(t, "bob", "3", "NA", process))
			if res, err := importFiles(t, root, path); err != nil || res.Stored != 1 {
				t.Fatalf("save %d (process %s): %+v, %v; want a new version", i+1, process, res, err)
			}
		}
		if f := final(t, root, bobID); *f.Ratings[2].Rating != 0 || !f.At.Equal(saved(3)) {
			t.Errorf("final version at %s rates process %d, want the last save's 0 at %s", f.At, *f.Ratings[2].Rating, saved(3))
		}
	})
}

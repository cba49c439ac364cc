package qa

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// TestSampleReviewersAndCalibration: with reviewers, every conversation
// gets one, never its own agent, as evenly as the exclusions allow; the
// calibration conversations come on top, for every reviewer, from
// complete conversations of agents who are not reviewers; the manifest,
// ledger and scores template say who scores what, and the same seed gives
// the same assignment.
func TestSampleReviewersAndCalibration(t *testing.T) {
	db := newWarehouse(t, varied(90))
	reviewers := []string{"ana", "bo", "zed"}
	cfg := Config{DB: db, Size: 20, Reviewers: reviewers, Calibration: 4, Seed: 3, Settings: testSettings()}
	res, rows := runSample(t, cfg)
	var regular, calib []manifestRow
	for _, r := range rows {
		if r.Calibration {
			calib = append(calib, r)
		} else {
			regular = append(regular, r)
		}
	}
	if len(regular) != 20 || len(calib) != 4 || len(res.Sampled) != 24 {
		t.Fatalf("%d regular and %d calibration rows, want 20 and 4", len(regular), len(calib))
	}
	if !reflect.DeepEqual(rows[len(rows)-4:], calib) {
		t.Errorf("calibration rows are not last")
	}
	load := map[string]int{}
	for _, r := range regular {
		if r.Reviewer == "" || r.Reviewer == r.Agent || !slices.Contains(reviewers, r.Reviewer) {
			t.Errorf("conversation %s of %q assigned to %q", r.ConversationID, r.Agent, r.Reviewer)
		}
		load[r.Reviewer]++
	}
	counts := []int{load["ana"], load["bo"], load["zed"]}
	if slices.Max(counts)-slices.Min(counts) > 1 {
		t.Errorf("assignment %v is not balanced", load)
	}
	for _, r := range calib {
		if r.Reviewer != "" || r.Reason != ReasonCalibration || r.Agent != "cy" || slices.Contains(ids(regular), r.ConversationID) {
			t.Errorf("calibration row %+v: want no reviewer, reason calibration, a non-reviewer's (cy) conversation not sampled otherwise", r)
		}
	}
	for _, c := range varied(90) {
		for _, r := range calib {
			if c.id == r.ConversationID && !c.complete {
				t.Errorf("calibration conversation %s is not complete", c.id)
			}
		}
	}
	for _, r := range readLedgerRows(t, res.Ledger) {
		i := slices.IndexFunc(rows, func(m manifestRow) bool { return m.ConversationID == r[colConversation] })
		if r[colReviewer] != rows[i].Reviewer || r[colCalibration] != map[bool]string{true: "true", false: "false"}[rows[i].Calibration] || r[colStatus] != StatusSampled {
			t.Errorf("ledger row %v, manifest row reviewer %q calibration %v", r, rows[i].Reviewer, rows[i].Calibration)
		}
	}

	// The template: one block of the three categories per regular row,
	// one per reviewer for each calibration row.
	f, err := os.Open(filepath.Join(res.Dir, TemplateName))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], templateHeader) {
		t.Fatalf("template header %v", recs[0])
	}
	if got, want := len(recs)-1, 3*(20+4*3); got != want {
		t.Errorf("template has %d rows, want %d", got, want)
	}
	perCal := map[string][]string{}
	for _, rec := range recs[1:] {
		if rec[5] == "true" && rec[8] == "solution" {
			perCal[rec[2]] = append(perCal[rec[2]], rec[4])
		}
	}
	for _, r := range calib {
		if got := perCal[r.ConversationID]; !slices.Equal(got, reviewers) {
			t.Errorf("calibration %s has blocks for %v, want every reviewer", r.ConversationID, got)
		}
	}

	_, again := runSample(t, cfg)
	if !reflect.DeepEqual(again, rows) {
		t.Error("the same seed gave another sample or assignment")
	}

	cfg.Reviewers, cfg.Calibration = []string{"ana"}, 0
	cfg.Out = t.TempDir()
	if _, err := Sample(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "who is the only reviewer") {
		t.Errorf("ana alone reviewing a sample with her own conversations: %v, want an error", err)
	}
}

// formData reads the JSON data block of a packet page.
var formData = regexp.MustCompile(`<script type="application/json" id="qa-data">([^<]*)</script>`)

// TestFormScorecardPerQueue: each transcript page carries the scorecard
// that applies to its conversation, first match in parley.yaml's order;
// a conversation no scorecard applies to says so and has no form.
func TestFormScorecardPerQueue(t *testing.T) {
	db := newWarehouse(t, []fconv{
		{id: "b1", agent: "ana", day: 10, complete: true, queue: "billing"},
		{id: "t1", agent: "ana", day: 10, complete: true, queue: "tech"},
		{id: "s1", agent: "ana", day: 10, complete: true, queue: "sales"},
	})
	billing := config.Scorecard{Name: "billing", Queues: []string{"billing"}, Categories: []config.Category{{Name: "accuracy", Weight: 1, Scale: config.Scale1to4}}}
	tech := testCard
	tech.Queues = []string{"tech"}
	settings := config.Default()
	settings.QA.Scorecards = []config.Scorecard{billing, tech}
	res, rows := runSample(t, Config{DB: db, Size: 3, Settings: settings})
	for _, r := range rows {
		page, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(r.Page)))
		if err != nil {
			t.Fatal(err)
		}
		m := formData.FindSubmatch(page)
		if r.ConversationID == "s1" {
			if m != nil || !strings.Contains(string(page), "No scorecard in parley.yaml applies to this conversation (queue <bdi>sales</bdi>") {
				t.Errorf("s1: a form, or no note saying no scorecard applies")
			}
			continue
		}
		var data struct {
			Page, Run, ConversationID string
			Scorecard                 struct {
				Name, Version string
				Categories    []struct{ Name string }
			}
		}
		if m == nil || json.Unmarshal(m[1], &data) != nil {
			t.Fatalf("%s: no form data", r.ConversationID)
		}
		want := map[string]config.Scorecard{"b1": billing, "t1": tech}[r.ConversationID]
		if data.Scorecard.Name != want.Name || data.Scorecard.Version != want.Version() || len(data.Scorecard.Categories) != len(want.Categories) {
			t.Errorf("%s: form for %+v, want scorecard %s %s", r.ConversationID, data.Scorecard, want.Name, want.Version())
		}
	}
}

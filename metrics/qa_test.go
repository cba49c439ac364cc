package metrics_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/marcboeker/go-duckdb/v2"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// writeReviews publishes rows as one file of the lake's reviews dataset,
// as parley qa import, dispute and resolve do.
func writeReviews(t testing.TB, root, name string, recorded time.Time, rows []lake.ReviewRow) {
	t.Helper()
	for i := range rows {
		rows[i].RecordedAt = recorded
		if rows[i].Source == "" {
			rows[i].Source, rows[i].Line = name+".jsonl", int64(i+1)
		}
	}
	if err := lake.PublishParquet(root, lake.ReviewPartitionDir(root, recorded), name+lake.ParquetExt, rows); err != nil {
		t.Fatal(err)
	}
}

// rate is a rating of category on the scale lo..hi with weight w; v < 0 marks it N/A.
func rate(category string, v, lo, hi int, w float64, critical bool) lake.ReviewRating {
	r := lake.ReviewRating{Category: category, ScaleMin: int32(lo), ScaleMax: int32(hi), Weight: w, Critical: critical, AllowNA: true}
	if v < 0 {
		r.NA = true
		return r
	}
	n := int32(v)
	r.Rating = &n
	return r
}

// review is one review version.
func review(id, conv, agent, reviewer string, at time.Time, ratings ...lake.ReviewRating) lake.ReviewRow {
	return lake.ReviewRow{
		Kind: lake.ReviewKindReview, ReviewID: id, At: at, Run: "2026-05-01-7", ConversationID: conv,
		AgentID: agent, ReviewerID: reviewer, Scorecard: "default", ScorecardVersion: "v1", Ratings: ratings,
	}
}

// syntheticReviews scores conversations of evs as a QA team would: plain
// reviews, a review rescored in a later version, a disputed one, a
// critical fail, two calibration conversations scored by three reviewers,
// and a review of a conversation no event names.
func syntheticReviews(evs []event.Event, at time.Time) []lake.ReviewRow {
	var convs []string
	for _, ev := range evs {
		if !slices.Contains(convs, ev.ConversationID) {
			convs = append(convs, ev.ConversationID)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func() string { return convs[rng.IntN(len(convs))] }
	card := func(a, b, c int) []lake.ReviewRating {
		return []lake.ReviewRating{rate("solution", a, 1, 5, 3, false), rate("tone", b, 1, 3, 1, false), rate("process", c, 0, 1, 1, true)}
	}
	var rows []lake.ReviewRow
	for i := range 12 {
		r := review(fmt.Sprintf("rv-%02d", i), pick(), fmt.Sprintf("agent-%d", i%3), "alice", at.Add(time.Duration(i)*time.Hour),
			card(1+rng.IntN(5), -1+rng.IntN(4), rng.IntN(2))...)
		rows = append(rows, r)
	}
	later := rows[0]
	later.At, later.Ratings = later.At.Add(24*time.Hour), card(5, 3, 1)
	rows = append(rows, later)
	rows = append(rows, review("rv-ghost", "no-such-conversation", "agent-9", "bob", at, card(4, 2, 1)...))
	for item := range 2 {
		conv := pick()
		for j, who := range []string{"alice", "bob", "carol"} {
			r := review(fmt.Sprintf("rv-cal-%d-%s", item, who), conv, "agent-1", who, at, card(2+j+item, 1+j%3, 1)...)
			r.Calibration = true
			rows = append(rows, r)
		}
	}
	return rows
}

// dispute files and resolves a dispute of review id: accepted with a
// rescored version, or rejected; or left open.
func dispute(id, conv string, at time.Time, decision string, rescore *lake.ReviewRow) []lake.ReviewRow {
	rows := []lake.ReviewRow{{Kind: lake.ReviewKindDispute, ReviewID: id, At: at, ConversationID: conv, By: "agent-0", Reason: "the customer left"}}
	if decision == "" {
		return rows
	}
	rows = append(rows, lake.ReviewRow{Kind: lake.ReviewKindResolution, ReviewID: id, At: at.Add(time.Hour), ConversationID: conv, By: "lead", Decision: decision})
	if rescore != nil {
		r := *rescore
		r.At = at.Add(time.Hour)
		rows = append(rows, r)
	}
	return rows
}

// TestIncrementalPicksUpNewReviews: reviews, disputes and an erase of
// review comments that arrive with no new events file reach the QA tables
// through an incremental build, which then equals a full one.
func TestIncrementalPicksUpNewReviews(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	evs := syntheticEvents(2_000)
	writeBatch(t, root, "first", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), evs)
	writeBatch(t, root, "again", time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC), conflictingCopies(evs))
	writeGap(t, root, lake.OffsetGap{Topic: "events", Partition: 3, From: 1000, To: 1249, DetectedAt: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)})
	settings := config.Default()
	incr := filepath.Join(dir, "incremental.duckdb")
	fullBuild(t, root, incr, settings)

	at := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	reviews := syntheticReviews(evs, at)
	writeReviews(t, root, "import-1", at, reviews)
	stats := incrementalBuild(t, root, incr, settings)
	if stats.NewFiles != 0 || !stats.ReviewsChanged || stats.UpToDate() || stats.ReviewFiles != 1 || stats.Affected != 0 {
		t.Errorf("stats %+v: want no new files, the reviews changed, none recomputed", stats)
	}
	writeReviews(t, root, "dispute-1", at.Add(48*time.Hour), dispute(reviews[1].ReviewID, reviews[1].ConversationID, at.Add(48*time.Hour), lake.DecisionAccept, &reviews[2]))
	incrementalBuild(t, root, incr, settings)
	full := filepath.Join(dir, "full.duckdb")
	fullBuild(t, root, full, settings)
	assertSameWarehouse(t, incr, full)

	stats, err := parleybuild.Run(context.Background(), parleybuild.Config{Lake: root, DB: incr, Settings: settings})
	if err != nil || !stats.UpToDate() {
		t.Errorf("a build with nothing new: %+v, %v; want up to date", stats, err)
	}
}

// TestQAReviews checks every column of qa_reviews, qa_ratings and
// qa_agent_weekly on a hand-made set of reviews, against values worked
// out by hand below.
func TestQAReviews(t *testing.T) {
	evs := readFixture(t, "basic.jsonl")
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, evs)
	var conv string
	for _, ev := range evs {
		if ev.ConversationID != "c-bot-contained" {
			conv = ev.ConversationID
			break
		}
	}
	mon := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	card := func(solution, tone, process, closing int) []lake.ReviewRating {
		return []lake.ReviewRating{
			rate("solution", solution, 1, 5, 3, false),
			rate("tone", tone, 1, 3, 1, false),
			rate("process", process, 0, 1, 1, true),
			rate("closing", closing, 1, 4, 2, false),
		}
	}
	rows := []lake.ReviewRow{
		// (3·(4-1)/4 + 1·(3-1)/2 + 1·1 + 2·(2-1)/3) / 7 × 100 = (2.25 + 1 + 1 + 2/3) / 7 × 100 = 70.238095…
		review("r1", conv, "ana", "bob", mon, card(4, 3, 1, 2)...),
		// superseded below
		review("r2", conv, "ana", "bob", mon, card(1, 1, 1, 1)...),
		// the final version of r2: tone N/A, (3·1 + 1 + 2·1) / 6 × 100 = 100
		review("r2", conv, "ana", "bob", mon.Add(time.Hour), card(5, -1, 1, 4)...),
		// process failed: 0 whatever the rest
		review("r3", conv, "ana", "carol", mon.Add(2*time.Hour), card(5, 3, 0, 4)...),
		// every category N/A: no score
		review("r4", conv, "ben", "carol", mon.Add(24*time.Hour), card(-1, -1, -1, -1)...),
		// a conversation the warehouse does not hold, reviewed on Sunday 2026-03-15 (UTC, the
		// org time zone): its local_date, ISO week 2026-W11. (0 + 0 + 1 + 0) / 7 × 100
		review("r5", "gone", "ben", "carol", time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC), card(1, 1, 1, 1)...),
		// The worked example of docs/qa.md ("Review score"), on the default scorecard:
		// (1·1.0 + 2·1.0 + 3·0.5 + 2·0.75 + 1·1) / 9 × 100 = 77.78. No agent named, and the
		// conversation unknown: no agent at all, so it is in no agent's figures.
		review("r6", "docs-example", "", "dana", mon,
			rate("greeting", 3, 1, 3, 1, false), rate("understanding", 5, 1, 5, 2, false), rate("solution", 3, 1, 5, 3, false),
			rate("tone", 4, 1, 5, 2, false), rate("process", 1, 0, 1, 1, true), rate("closing", -1, 1, 3, 1, false)),
	}
	// A review of a conversation parley erase --conversations erased: reviewed on Monday
	// 2026-03-16 (W12), it keeps the date of the conversation's start that erase recorded,
	// Tuesday 2026-03-03 (W10). (0 + 0 + 1 + 0) / 7 × 100, for agent cleo.
	erased := review("r7", lake.ErasedConversationID("c-erased"), "cleo", "carol", time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC), card(1, 1, 1, 1)...)
	erased.ConversationStartedAt = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	rows = append(rows, erased)
	rows[0].Comment = "well done"
	writeReviews(t, root, "import-1", mon.Add(72*time.Hour), rows)
	// r1 disputed and rejected; r3 disputed and accepted with a rescore
	// (process passed, solution 3, tone 2, closing 4: (1.5 + 0.5 + 1 + 2) / 7 × 100 = 71.428571…);
	// r4 disputed, still open.
	rescored := review("r3", conv, "ana", "carol", time.Time{}, card(3, 2, 1, 4)...)
	var disputes []lake.ReviewRow
	disputes = append(disputes, dispute("r1", conv, mon.Add(96*time.Hour), lake.DecisionReject, nil)...)
	disputes = append(disputes, dispute("r3", conv, mon.Add(96*time.Hour), lake.DecisionAccept, &rescored)...)
	disputes = append(disputes, dispute("r4", conv, mon.Add(96*time.Hour), "", nil)...)
	writeReviews(t, root, "dispute-1", mon.Add(96*time.Hour), disputes)
	db := buildLake(t, root, config.Default())

	var localDate, week time.Time
	if err := db.QueryRow("SELECT local_date, date_trunc('week', local_date) FROM conversations WHERE conversation_id = ?", conv).Scan(&localDate, &week); err != nil {
		t.Fatal(err)
	}
	if week.Format(time.DateOnly) != "2026-03-02" {
		t.Fatalf("the fixture conversation %s is of the week of %s; the expectations below are for 2026-03-02 (ISO 2026-W10)", conv, week)
	}
	date := localDate.Format(time.DateOnly)
	got := queryRows(t, db, "SELECT * FROM qa_reviews ORDER BY review_id")
	rfc := func(t time.Time) string { return t.Format(time.RFC3339) }
	want := []map[string]any{
		{"review_id": "r1", "score": (2.25 + 1 + 1 + 2.0/3) / 7 * 100, "critical_failed": false, "status": "dispute_rejected", "agent_id": "ana", "reviewer_id": "bob",
			"conversation_id": conv, "conversation_found": true, "comment": "well done", "reviewed_at": rfc(mon), "local_date": date, "calibration": false,
			"run": "2026-05-01-7", "scorecard": "default", "scorecard_version": "v1"},
		{"review_id": "r2", "score": 100.0, "critical_failed": false, "status": "submitted", "reviewed_at": rfc(mon.Add(time.Hour)), "comment": nil},
		{"review_id": "r3", "score": (1.5 + 0.5 + 1 + 2) / 7 * 100, "critical_failed": false, "status": "dispute_accepted", "reviewed_at": rfc(mon.Add(97 * time.Hour))},
		{"review_id": "r4", "score": nil, "critical_failed": false, "status": "disputed", "agent_id": "ben"},
		{"review_id": "r5", "score": 100.0 / 7, "critical_failed": false, "status": "submitted", "conversation_found": false, "conversation_id": "gone", "local_date": "2026-03-15"},
		{"review_id": "r6", "score": 700.0 / 9, "critical_failed": false, "agent_id": nil, "conversation_found": false},
		{"review_id": "r7", "score": 100.0 / 7, "conversation_found": false, "agent_in_conversation": nil, "reviewed_at": "2026-03-16T10:00:00Z", "local_date": "2026-03-03"},
	}
	if len(got) != len(want) {
		t.Fatalf("qa_reviews has %d rows, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		checkRow(t, "qa_reviews "+want[i]["review_id"].(string), got[i], want[i])
	}
	if r2 := queryRows(t, db, "SELECT category, rating FROM qa_ratings WHERE review_id = 'r2' ORDER BY category"); len(r2) != 4 || r2[2]["category"] != "solution" || r2[2]["rating"] != int32(5) {
		t.Errorf("qa_ratings of r2 = %v, want the four ratings of its final version (solution 5)", r2)
	}
	checkRow(t, "qa_ratings r2 tone", queryRows(t, db, "SELECT * FROM qa_ratings WHERE review_id = 'r2' AND category = 'tone'")[0],
		map[string]any{"rating": nil, "na": true, "scale_min": int32(1), "scale_max": int32(3), "weight": 1.0, "critical": false, "comment": nil})

	// Agent ana, week of 2026-03-02 (the conversation's): r1, r2, r3 (final versions). Means of the scaled ratings ×100:
	// solution (75 + 100 + 50) / 3 = 75, tone (100 + 50) / 2 = 75 (r2 N/A),
	// process 100, closing (100/3 + 100 + 100) / 3 = 77.777…
	weekly := queryRows(t, db, "SELECT * FROM qa_agent_weekly ORDER BY agent_id, week")
	if len(weekly) != 4 {
		t.Fatalf("qa_agent_weekly has %d rows, want 4 (ana; ben in W10 and W11; cleo): %v", len(weekly), weekly)
	}
	r1 := (2.25 + 1 + 1 + 2.0/3) / 7 * 100
	r3 := (1.5 + 0.5 + 1 + 2) / 7 * 100
	checkRow(t, "qa_agent_weekly ana", weekly[0], map[string]any{
		"agent_id": "ana", "week": "2026-03-02", "iso_week": "2026-W10",
		"reviews": int64(3), "mean_score": (r1 + 100 + r3) / 3, "critical_fails": int64(0), "critical_fail_rate": 0.0,
	})
	means := weekly[0]["category_means"]
	for cat, want := range map[string]float64{"solution": 75, "tone": 75, "process": 100, "closing": (100.0/3 + 100 + 100) / 3} {
		if got := mapValue(t, means, cat); math.Abs(got-want) > 1e-9 {
			t.Errorf("ana's mean %s = %v, want %v", cat, got, want)
		}
	}
	// ben: r4 (no score) in W10, r5 in W11.
	checkRow(t, "qa_agent_weekly ben W10", weekly[1], map[string]any{"agent_id": "ben", "reviews": int64(1), "iso_week": "2026-W10", "mean_score": nil, "critical_fails": int64(0)})
	checkRow(t, "qa_agent_weekly ben W11", weekly[2], map[string]any{"agent_id": "ben", "reviews": int64(1), "week": "2026-03-09", "iso_week": "2026-W11", "mean_score": 100.0 / 7})
	// cleo: r7 in its erased conversation's week, W10, not its review's, W12.
	checkRow(t, "qa_agent_weekly cleo", weekly[3], map[string]any{"agent_id": "cleo", "reviews": int64(1), "week": "2026-03-02", "iso_week": "2026-W10", "mean_score": 100.0 / 7})
}

// mapValue reads key from a MAP value as the driver returns it.
func mapValue(t *testing.T, m any, key string) float64 {
	t.Helper()
	if mm, ok := m.(duckdb.Map); ok {
		if v, ok := mm[key].(float64); ok {
			return v
		}
	}
	t.Fatalf("category_means %#v has no %s", m, key)
	return 0
}

// TestReviewsFileWithoutConversationStart: reviews files written before
// erase recorded conversation_started_at lack the column; a lake of only
// such files still builds, their reviews dated as before (the
// conversation's date, else the review's).
func TestReviewsFileWithoutConversationStart(t *testing.T) {
	evs := readFixture(t, "basic.jsonl")
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, evs)
	recorded := time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)
	writeReviews(t, root, "import-1", recorded, []lake.ReviewRow{
		review("r1", evs[0].ConversationID, "ana", "bob", time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC), rate("solution", 4, 1, 5, 1, false)),
		review("r2", "gone", "ana", "bob", time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC), rate("solution", 4, 1, 5, 1, false)),
	})
	// Rewrite the file as an older parley wrote it: without the column.
	file := filepath.Join(lake.ReviewPartitionDir(root, recorded), "import-1"+lake.ParquetExt)
	old := filepath.Join(t.TempDir(), "old.parquet")
	conn, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(fmt.Sprintf(`COPY (SELECT * EXCLUDE (conversation_started_at) FROM read_parquet('%s')) TO '%s' (FORMAT parquet)`, file, old)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(old, file); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := conn.QueryRow(`SELECT count(*) FROM parquet_schema(?) WHERE name = 'conversation_started_at'`, file).Scan(&n); err != nil || n != 0 {
		t.Fatalf("control: the old file has the column (%d, %v)", n, err)
	}

	db := buildLake(t, root, config.Default())
	var convDate time.Time
	if err := db.QueryRow("SELECT local_date FROM conversations WHERE conversation_id = ?", evs[0].ConversationID).Scan(&convDate); err != nil {
		t.Fatal(err)
	}
	got := queryRows(t, db, "SELECT review_id, local_date FROM qa_reviews ORDER BY review_id")
	if len(got) != 2 {
		t.Fatalf("qa_reviews = %v, want r1 and r2", got)
	}
	checkRow(t, "qa_reviews r1", got[0], map[string]any{"local_date": convDate.Format(time.DateOnly)})
	checkRow(t, "qa_reviews r2", got[1], map[string]any{"local_date": "2026-03-16"})
}

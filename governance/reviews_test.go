package governance

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// reviewRows are QA reviews of the test lake's conversations, as parley qa
// import, dispute and resolve record them: the reviewer quotes each
// customer in comments, the agent in a dispute reason.
func reviewRows(at time.Time) []lake.ReviewRow {
	four := int32(4)
	rating := func(comment string) []lake.ReviewRating {
		return []lake.ReviewRating{{Category: "solution", Rating: &four, Comment: comment, ScaleMin: 1, ScaleMax: 5, Weight: 1}}
	}
	return []lake.ReviewRow{
		{Kind: lake.ReviewKindReview, ReviewID: "rv-1", At: at, ConversationID: "c-target-1", AgentID: "agent-1", ReviewerID: "alice",
			Scorecard: "default", ScorecardVersion: "v1", Comment: "customer wrote " + secretA, Ratings: rating(secretB), Source: "scores.jsonl", Line: 1},
		{Kind: lake.ReviewKindDispute, ReviewID: "rv-1", At: at.Add(time.Hour), ConversationID: "c-target-1", AgentID: "agent-1",
			By: "agent-1", Reason: "they said " + deadSecret, Source: "qa dispute"},
		{Kind: lake.ReviewKindReview, ReviewID: "rv-2", At: at, ConversationID: "c-other", AgentID: "agent-1", ReviewerID: "alice",
			Scorecard: "default", ScorecardVersion: "v1", Comment: otherText, Ratings: rating(otherText), Source: "scores.jsonl", Line: 2},
	}
}

func writeReviewRows(t *testing.T, root, name string, rows []lake.ReviewRow) {
	t.Helper()
	at := rows[0].At
	for i := range rows {
		rows[i].RecordedAt = at
	}
	if err := lake.PublishParquet(root, lake.ReviewPartitionDir(root, at), name+lake.ParquetExt, rows); err != nil {
		t.Fatal(err)
	}
}

func readReviewRows(t *testing.T, root string) map[string]lake.ReviewRow {
	t.Helper()
	rows, err := lake.ReadReviews(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]lake.ReviewRow{}
	for _, r := range rows {
		out[r.ReviewID+"/"+r.Kind] = r
	}
	return out
}

// TestEraseReviews: erasing a customer keeps the reviews of their
// conversations (the agent's record) with their scores, clears every free
// text that may quote them, and with --conversations stops naming the
// conversation; the other customer's reviews are untouched, a second run
// changes nothing, and a review of the customer's conversation imported
// after the erase is still found, through the audit log's digests.
func TestEraseReviews(t *testing.T) {
	root := importLake(t, "reviews", testLines())
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	writeReviewRows(t, root, "import-1", reviewRows(at))
	ctx := context.Background()
	// The agents' quality figures, as a build of the lake has them: reviews
	// (dated by their conversation, 2026-03-02, not by review, 2026-03-10)
	// and weekly means.
	quality := func() string {
		t.Helper()
		wh, err := warehouse.Open(buildNew(t, root), true)
		if err != nil {
			t.Fatal(err)
		}
		defer wh.Close()
		var reviews, weekly string
		if err := wh.QueryRow(`SELECT string_agg(concat_ws(' ', review_id, agent_id, local_date, score, status), '; ' ORDER BY review_id) FROM qa_reviews`).Scan(&reviews); err != nil {
			t.Fatal(err)
		}
		if err := wh.QueryRow(`SELECT string_agg(concat_ws(' ', agent_id, week, reviews, mean_score), '; ' ORDER BY agent_id, week) FROM qa_agent_weekly`).Scan(&weekly); err != nil {
			t.Fatal(err)
		}
		return reviews + " | " + weekly
	}
	figures := quality()
	if !strings.Contains(figures, "rv-1 agent-1 2026-03-02") {
		t.Fatalf("control: rv-1 is not dated by its conversation: %s", figures)
	}

	st, err := Erase(ctx, EraseConfig{Lake: root, Customer: target, DryRun: true})
	if err != nil || st.Reviews != 2 {
		t.Fatalf("dry run: %+v, %v; want 2 review rows to scrub", st, err)
	}
	if r := readReviewRows(t, root)["rv-1/review"]; r.Comment == "" {
		t.Fatal("a dry run scrubbed a review")
	}

	st, err = Erase(ctx, EraseConfig{Lake: root, Customer: target, Reason: "DSR-7"})
	if err != nil || st.Reviews != 2 {
		t.Fatalf("erase: %+v, %v; want 2 review rows scrubbed", st, err)
	}
	rows := readReviewRows(t, root)
	rv, dispute, kept := rows["rv-1/review"], rows["rv-1/dispute"], rows["rv-2/review"]
	if rv.Comment != "" || rv.Ratings[0].Comment != "" || dispute.Reason != "" {
		t.Errorf("the target's review texts survive: %q, %q, %q", rv.Comment, rv.Ratings[0].Comment, dispute.Reason)
	}
	if rv.ConversationID != "c-target-1" || *rv.Ratings[0].Rating != 4 || rv.AgentID != "agent-1" || rv.ReviewerID != "alice" {
		t.Errorf("without --conversations the review keeps its conversation and scores: %+v", rv)
	}
	if kept.Comment != otherText || kept.Ratings[0].Comment != otherText {
		t.Errorf("the other customer's review changed: %+v", kept)
	}
	entries, err := ReadAudit(root)
	if err != nil {
		t.Fatal(err)
	}
	if e := entries[len(entries)-1]; e.Counts["reviews"] != 2 || e.Reason != "DSR-7" {
		t.Errorf("audit entry %+v, want 2 reviews counted", e)
	}

	st, err = Erase(ctx, EraseConfig{Lake: root, Customer: target, Conversations: true})
	if err != nil || st.Reviews != 2 {
		t.Fatalf("erase --conversations: %+v, %v; want the 2 rows renamed", st, err)
	}
	rows = readReviewRows(t, root)
	if got, want := rows["rv-1/review"].ConversationID, lake.ErasedConversationID("c-target-1"); got != want || rows["rv-1/dispute"].ConversationID != want {
		t.Errorf("conversation id %q, want %q on the review and its dispute", got, want)
	}
	if st, err := Erase(ctx, EraseConfig{Lake: root, Customer: target, Conversations: true}); err != nil || st.Reviews != 0 {
		t.Errorf("a second erase: %+v, %v; want nothing to scrub", st, err)
	}
	// The review keeps its conversation's start, the customer's first event,
	// erased by the first run; so the agents' figures do not change.
	if got, want := rows["rv-1/review"].ConversationStartedAt, day1.Add(time.Minute); !got.Equal(want) {
		t.Errorf("rv-1 records the conversation's start as %v, want %v", got, want)
	}
	if got := quality(); got != figures {
		t.Errorf("the erase changed the quality figures:\n got %s\nwant %s", got, figures)
	}

	// A scores file imported after the erase: the lake no longer knows the
	// conversation, the audit log does by digest.
	late := reviewRows(at.Add(24 * time.Hour))[:1]
	late[0].ReviewID = "rv-3"
	writeReviewRows(t, root, "import-2", late)
	if st, err := Erase(ctx, EraseConfig{Lake: root, Customer: target, Conversations: true}); err != nil || st.Reviews != 1 {
		t.Errorf("erase after a late import: %+v, %v; want its review scrubbed", st, err)
	}
	if r := readReviewRows(t, root)["rv-3/review"]; r.Comment != "" || r.ConversationID != lake.ErasedConversationID("c-target-1") {
		t.Errorf("the late review survives: %+v", r)
	}

	// The warehouse keeps the review, scored, flagged as of a conversation it does not hold.
	db := openDuck(t)
	wh := buildNew(t, root)
	if _, err := db.Exec("ATTACH '" + wh + "' AS w (READ_ONLY)"); err != nil {
		t.Fatal(err)
	}
	var score float64
	var found bool
	if err := db.QueryRow("SELECT score, conversation_found FROM w.qa_reviews WHERE review_id = 'rv-1'").Scan(&score, &found); err != nil || score != 75 || found {
		t.Errorf("qa_reviews rv-1: score %v, found %v (%v); want 75, false", score, found, err)
	}
}

// TestRetentionDropsReviews: reviews files go with the partition of the
// day they were recorded, like events, and the audit log counts them.
func TestRetentionDropsReviews(t *testing.T) {
	root := importLake(t, "reviews", testLines())
	old, recent := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	writeReviewRows(t, root, "import-old", reviewRows(old)[:1])
	writeReviewRows(t, root, "import-new", reviewRows(recent)[2:])
	now := time.Date(2026, 4, 3, 12, 0, 0, 0, time.UTC)
	st, err := Retention(context.Background(), RetentionConfig{Lake: root, Keep: 60 * 24 * time.Hour, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if st.ReviewPartitions != 1 {
		t.Errorf("stats %+v, want 1 review partition dropped", st)
	}
	if got := datedDirs(t, root, lake.ReviewsDir); !slices.Equal(got, []string{"date=2026-03-20"}) {
		t.Errorf("review partitions left %v", got)
	}
	if left, err := filepath.Glob(filepath.Join(root, lake.ReviewsDir, lake.TempPrefix+"*")); err != nil || len(left) > 0 {
		t.Errorf("leftovers %v %v", left, err)
	}
	entries, err := ReadAudit(root)
	if err != nil {
		t.Fatal(err)
	}
	if e := entries[len(entries)-1]; e.Counts["review_partitions"] != 1 {
		t.Errorf("audit entry %+v, want review_partitions 1", e)
	}
}

// TestEraseKeepsReviewAgent: a review whose scores file names no agent counts for its
// conversation's most active agent (qa_reviews.agent_id); once erase --conversations removed the
// conversation, it still does: erase records that agent on the review's rows, from the events it
// removes, so the agents' figures do not change. c-target-3's agents are chosen so that a count
// of every agent message (a private note, an automated one), or the first replier, would name
// another agent; c-target-4's two agents reply once each, the first to reply having the later
// event ID. (The review used to lose its agent: qa_reviews.agent_id NULL.)
func TestEraseKeepsReviewAgent(t *testing.T) {
	msg := func(conv string, min int, id, role, actor string, private, automated bool) line {
		at := day2.Add(time.Duration(min) * time.Minute).Format(time.RFC3339)
		return line{"event_id": conv + "-" + id, "conversation_id": conv, "type": "message", "occurred_at": at,
			"channel": "webchat", "queue": "support", "actor": line{"role": role, "id": actor},
			"message": line{"text": "text " + strconv.Itoa(min), "private": private, "automated": automated}}
	}
	lines := append(testLines(),
		msg("c-target-3", 1, "1", "customer", target, false, false),
		msg("c-target-3", 2, "2", "agent", "agent-1", false, false),
		msg("c-target-3", 3, "3", "agent", "agent-1", true, false), // an internal note
		msg("c-target-3", 4, "4", "agent", "agent-1", false, true), // an automated message
		msg("c-target-3", 5, "5", "agent", "agent-2", false, false),
		msg("c-target-3", 6, "6", "agent", "agent-2", false, false),
		msg("c-target-4", 1, "1", "customer", target, false, false),
		msg("c-target-4", 2, "9", "agent", "agent-4", false, false),
		msg("c-target-4", 3, "2", "agent", "agent-3", false, false),
	)
	root := importLake(t, "reviews", lines)
	four := int32(4)
	review := func(id, conv, agent string) lake.ReviewRow {
		return lake.ReviewRow{Kind: lake.ReviewKindReview, ReviewID: id, At: day2.Add(48 * time.Hour), ConversationID: conv, AgentID: agent,
			ReviewerID: "alice", Scorecard: "default", ScorecardVersion: "v1", Source: "scores.jsonl",
			Ratings: []lake.ReviewRating{{Category: "solution", Rating: &four, ScaleMin: 1, ScaleMax: 5, Weight: 1}}}
	}
	writeReviewRows(t, root, "import-1", []lake.ReviewRow{
		review("rv-none", "c-target-3", ""),    // no agent: the conversation's
		review("rv-named", "c-target-3", "bo"), // an agent named by the file stays
		review("rv-other", "c-target-1", ""),
		review("rv-tie", "c-target-4", ""),
	})
	agents := func() (string, string) {
		t.Helper()
		wh, err := warehouse.Open(buildNew(t, root), true)
		if err != nil {
			t.Fatal(err)
		}
		defer wh.Close()
		var reviews, mostActive string
		if err := wh.QueryRow(`SELECT string_agg(concat_ws(' ', review_id, coalesce(agent_id, 'NULL')), '; ' ORDER BY review_id) FROM qa_reviews`).Scan(&reviews); err != nil {
			t.Fatal(err)
		}
		var found sql.NullString // no conversation of the target after the erase
		if err := wh.QueryRow(`SELECT string_agg(concat_ws(' ', conversation_id, most_active_agent_id), '; ' ORDER BY conversation_id) FROM conversations WHERE conversation_id LIKE 'c-target-%'`).Scan(&found); err != nil {
			t.Fatal(err)
		}
		mostActive = found.String
		return reviews, mostActive
	}
	before, mostActive := agents()
	if !strings.Contains(mostActive, "c-target-3 agent-2; c-target-4 agent-4") || !strings.Contains(before, "rv-none agent-2") {
		t.Fatalf("control: the build attributes c-target-3 (%s) and its review without an agent (%s) otherwise than the test expects", mostActive, before)
	}
	if _, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target, Conversations: true}); err != nil {
		t.Fatal(err)
	}
	rows := readReviewRows(t, root)
	if got := rows["rv-none/review"].AgentID; got != "agent-2" {
		t.Errorf("rv-none records the agent %q, want the conversation's most active, agent-2", got)
	}
	if got := rows["rv-tie/review"].AgentID; got != "agent-4" {
		t.Errorf("rv-tie records the agent %q, want the first of two to reply once, agent-4", got)
	}
	if got := rows["rv-named/review"].AgentID; got != "bo" {
		t.Errorf("rv-named records the agent %q, want the file's, bo", got)
	}
	if after, _ := agents(); after != before {
		t.Errorf("the erase changed the reviews' agents:\n got %s\nwant %s", after, before)
	}
}

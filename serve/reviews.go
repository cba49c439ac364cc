package serve

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/qa"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// reviewRow is a row of sql/serve/reviews.sql and review.sql.
type reviewRow struct {
	ID, Conversation, Agent, Reviewer, Scorecard, Version, Status, Run, Comment string
	Score                                                                       *float64
	CriticalFailed, Calibration                                                 bool
	ReviewedAt                                                                  time.Time
	// Dispute is the open dispute (sql/serve/dispute.sql), while Status is "disputed".
	Dispute *disputeRow
}

// disputeRow is the row of sql/serve/dispute.sql: why the agent disputes the review.
type disputeRow struct {
	Reason, FiledBy string
	At              time.Time
}

// ratingRow is a row of sql/serve/review_ratings.sql.
type ratingRow struct {
	Category       string
	Rating         *int64
	NA, Critical   bool
	Min, Max       int64
	Weight         float64
	Comment        *string
	CommentOrEmpty string
}

// warehouseQuery opens the warehouse read-only for one request. Opens are
// serialised: DuckDB shares one instance per file within a process.
func (s *Server) warehouseQuery(ctx context.Context, do func(*sql.DB) error) error {
	if _, err := os.Stat(s.cfg.DB); err != nil {
		return errNoWarehouse
	}
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	db, err := warehouse.Open(s.cfg.DB, true)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer db.Close()
	return do(db.DB)
}

var errNoWarehouse = errors.New("there is no warehouse yet: parley build (or parley run) makes it")

func (s *Server) findReview(ctx context.Context, id string) (*reviewRow, []ratingRow, error) {
	var rv *reviewRow
	var ratings []ratingRow
	err := s.warehouseQuery(ctx, func(db *sql.DB) error {
		row := db.QueryRowContext(ctx, sqlfiles.File("serve/review.sql"), sql.Named("id", id))
		var r reviewRow
		var comment sql.NullString
		switch err := row.Scan(&r.ID, &r.Conversation, &r.Agent, &r.Reviewer, &r.Scorecard, &r.Version, &r.Score, &r.CriticalFailed,
			&r.Status, &r.ReviewedAt, &r.Run, &r.Calibration, &comment); {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return fmt.Errorf("serve: read review: %w", err)
		}
		r.Comment = comment.String
		rv = &r
		if r.Status == "disputed" {
			var d disputeRow
			if err := db.QueryRowContext(ctx, sqlfiles.File("serve/dispute.sql"), sql.Named("id", id)).Scan(&d.Reason, &d.FiledBy, &d.At); err != nil {
				return fmt.Errorf("serve: read the dispute: %w", err)
			}
			r.Dispute = &d
		}
		rows, err := db.QueryContext(ctx, sqlfiles.File("serve/review_ratings.sql"), sql.Named("id", id))
		if err != nil {
			return fmt.Errorf("serve: read ratings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var g ratingRow
			if err := rows.Scan(&g.Category, &g.Rating, &g.NA, &g.Min, &g.Max, &g.Weight, &g.Critical, &g.Comment); err != nil {
				return fmt.Errorf("serve: read ratings: %w", err)
			}
			if g.Comment != nil {
				g.CommentOrEmpty = *g.Comment
			}
			ratings = append(ratings, g)
		}
		return rows.Err()
	})
	return rv, ratings, err
}

var reviewsTmpl = template.Must(template.New("reviews").Parse(`<section><h2>{{.Title}}</h2>
<p class="note">Reviews as of the last build; a review submitted since shows after the next one.</p>
{{.Table}}</section>`))

// reviewList lists every review (qa, admin) or the agent's own.
func (s *Server) reviewList(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	var agent any
	title := "Reviews"
	switch {
	case id.can(permReviewsAll):
	case id.can(permReviewsOwn):
		agent, title = id.user.Agent(), "Reviews of your conversations"
	default:
		s.deny(w, r, "role does not allow it", nil)
		return
	}
	table := htmlpage.Table{Sortable: true, Columns: []htmlpage.Column{{Label: "Review"}, {Label: "Conversation"}, {Label: "Agent"},
		{Label: "Reviewer"}, {Label: "Score", Numeric: true}, {Label: "Status"}, {Label: "Reviewed (UTC)"}}}
	err := s.warehouseQuery(r.Context(), func(db *sql.DB) error {
		rows, err := db.QueryContext(r.Context(), sqlfiles.File("serve/reviews.sql"), sql.Named("agent", agent))
		if err != nil {
			return fmt.Errorf("serve: list reviews: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v reviewRow
			if err := rows.Scan(&v.ID, &v.Conversation, &v.Agent, &v.Reviewer, &v.Scorecard, &v.Score, &v.CriticalFailed,
				&v.Status, &v.ReviewedAt, &v.Run, &v.Calibration); err != nil {
				return fmt.Errorf("serve: list reviews: %w", err)
			}
			table.Rows = append(table.Rows, []htmlpage.Cell{{Text: v.ID, Href: "/reviews/" + v.ID}, {Text: v.Conversation}, {Text: v.Agent},
				{Text: v.Reviewer}, {Text: score(v.Score)}, {Text: v.Status}, {Text: v.ReviewedAt.Format("2006-01-02 15:04")}})
		}
		return rows.Err()
	})
	if err != nil {
		s.warehouseError(w, r, err)
		return
	}
	t, err := table.HTML()
	if err != nil {
		s.warehouseError(w, r, err)
		return
	}
	s.page(w, r, http.StatusOK, title, reviewsTmpl, map[string]any{"Title": title, "Table": t}, id)
}

func (s *Server) warehouseError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNoWarehouse) {
		s.fail(w, r, http.StatusServiceUnavailable, "There is no warehouse yet: parley build (or parley run) makes it.")
		return
	}
	s.log.Error("serve: warehouse", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "The warehouse could not be read.")
}

func score(v *float64) string {
	if v == nil {
		return htmlpage.Missing
	}
	return fmt.Sprintf("%.1f", *v)
}

var reviewTmpl = template.Must(template.New("review").Parse(`<section><h2>Review {{.R.ID}}</h2>
<dl class="qa-summary" id="review">
<dt>Conversation</dt><dd>{{.R.Conversation}}</dd><dt>Agent</dt><dd>{{.R.Agent}}</dd><dt>Reviewer</dt><dd>{{.R.Reviewer}}</dd>
<dt>Scorecard</dt><dd>{{.R.Scorecard}} (version {{.R.Version}})</dd><dt>Score</dt><dd id="score">{{.Score}}{{if .R.CriticalFailed}} (a critical category failed){{end}}</dd>
<dt>Status</dt><dd id="status">{{.R.Status}}</dd><dt>Reviewed</dt><dd>{{.R.ReviewedAt.Format "2006-01-02 15:04"}} UTC, packet {{.R.Run}}</dd>
<dt>Comment</dt><dd>{{.R.Comment}}</dd></dl>
{{.Ratings}}
{{if .Dispute}}<h2>Dispute this review</h2>
<form method="post" action="/reviews/{{.R.ID}}/dispute" id="dispute">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label>Why is the review wrong? <textarea name="reason" id="reason" rows="4" required></textarea></label></p>
<p><button type="submit" id="dispute-submit">File the dispute</button></p></form>{{end}}
{{with .R.Dispute}}<h2>The dispute</h2>
<p class="note">Filed by {{.FiledBy}} on {{.At.Format "2006-01-02 15:04"}} UTC.</p>
<blockquote class="text" id="dispute-reason">{{.Reason}}</blockquote>{{end}}
{{if .Resolve}}<h2>Resolve the dispute</h2>
<form method="post" action="/reviews/{{.R.ID}}/resolve" id="resolve">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label><input type="radio" name="decision" value="reject" checked> Reject: the review stands</label>
<label><input type="radio" name="decision" value="accept"> Accept with the corrected review below</label></p>
<p><label>Corrected review (a scores-file line, as parley qa resolve --rescore reads it) <textarea name="rescore" rows="8">{{.Rescore}}</textarea></label></p>
<p><button type="submit" id="resolve-submit">Resolve</button></p></form>{{end}}</section>`))

// reviewPage shows one review: to qa and admin any, to an agent only one
// of their own conversations (any other is refused, audited).
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	rv, ratings, ok := s.reviewFor(w, r, id)
	if !ok {
		return
	}
	table := htmlpage.Table{Columns: []htmlpage.Column{{Label: "Category"}, {Label: "Rating", Numeric: true}, {Label: "Scale"},
		{Label: "Weight", Numeric: true}, {Label: "Comment"}}}
	for _, g := range ratings {
		rating := "N/A"
		if g.Rating != nil {
			rating = fmt.Sprint(*g.Rating)
		}
		name := g.Category
		if g.Critical {
			name += " (critical)"
		}
		table.Rows = append(table.Rows, []htmlpage.Cell{{Text: name}, {Text: rating}, {Text: fmt.Sprintf("%d-%d", g.Min, g.Max)},
			{Text: fmt.Sprint(g.Weight)}, {Text: g.CommentOrEmpty}})
	}
	t, err := table.HTML()
	if err != nil {
		s.warehouseError(w, r, err)
		return
	}
	own := rv.Agent == id.user.Agent()
	d := map[string]any{"R": rv, "Score": score(rv.Score), "Ratings": t, "CSRF": id.session.csrf,
		"Dispute": own && id.can(permDispute) && rv.Status != "disputed",
		"Resolve": id.can(permResolve) && rv.Status == "disputed"}
	if d["Resolve"] == true {
		d["Rescore"] = rescoreLine(rv, ratings)
	}
	s.page(w, r, http.StatusOK, "Review", reviewTmpl, d, id)
}

// reviewFor finds the review of the request's {id} that id may see,
// answering the request itself (and reporting false) otherwise.
func (s *Server) reviewFor(w http.ResponseWriter, r *http.Request, id identity) (*reviewRow, []ratingRow, bool) {
	reviewID := r.PathValue("id")
	if !id.can(permReviewsAll) && !id.can(permReviewsOwn) {
		s.deny(w, r, "role does not allow it", map[string]string{"review_id": reviewID})
		return nil, nil, false
	}
	rv, ratings, err := s.findReview(r.Context(), reviewID)
	if err != nil {
		s.warehouseError(w, r, err)
		return nil, nil, false
	}
	if rv == nil {
		http.NotFound(w, r)
		return nil, nil, false
	}
	if !id.can(permReviewsAll) && rv.Agent != id.user.Agent() {
		s.deny(w, r, "the review is of another agent's conversation", map[string]string{"review_id": rv.ID, "review_agent": rv.Agent})
		return nil, nil, false
	}
	return rv, ratings, true
}

// rescoreLine is the review's final version as a scores-file line, for a
// QA lead to correct when accepting a dispute.
func rescoreLine(rv *reviewRow, ratings []ratingRow) string {
	line := qa.Review{ReviewID: rv.ID, Run: rv.Run, ConversationID: rv.Conversation, AgentID: rv.Agent, ReviewerID: rv.Reviewer,
		Calibration: rv.Calibration, Scorecard: rv.Scorecard, ScorecardVersion: rv.Version,
		ReviewedAt: rv.ReviewedAt.UTC().Format(time.RFC3339Nano), Comment: rv.Comment}
	for _, g := range ratings {
		rt := qa.Rating{Category: g.Category, NA: g.NA, Comment: g.CommentOrEmpty}
		if g.Rating != nil {
			n := json.Number(fmt.Sprint(*g.Rating))
			rt.Rating = &n
		}
		line.Ratings = append(line.Ratings, rt)
	}
	b, err := json.Marshal(line)
	if err != nil {
		return ""
	}
	return string(b)
}

// submitReview stores a review posted from a packet's form exactly as
// parley qa import stores a scores file: the same checks, idempotent. The
// reviewer is whoever signed in: a review in someone else's name is refused.
func (s *Server) submitReview(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	data := []byte(strings.TrimSpace(r.PostFormValue("review")))
	back := r.PostFormValue("page")
	if !strings.HasPrefix(back, "/qa/") || strings.HasPrefix(back, "//") {
		back = "/qa/"
	}
	var rv qa.Review
	if err := json.Unmarshal(data, &rv); err != nil || bytes.ContainsAny(data, "\n\r") {
		s.page(w, r, http.StatusBadRequest, "Review not stored", messageTmpl, message{Text: "The form sent no review.", Alert: true, Back: back}, id)
		return
	}
	if rv.ReviewerID != id.user.Name {
		s.deny(w, r, "a review in another reviewer's name", map[string]string{"review_id": rv.ReviewID, "reviewer_id": rv.ReviewerID})
		return
	}
	res, err := qa.Import(r.Context(), qa.ImportConfig{Lake: s.cfg.Lake, Inputs: []qa.Input{{Name: "web:" + id.user.Name, Data: data}},
		Settings: s.cfg.Settings, Log: s.log})
	var se *qa.ScoresError
	switch {
	case errors.As(err, &se):
		var probs []string
		for _, p := range se.Problems {
			probs = append(probs, p.Field+": "+p.Msg)
		}
		s.page(w, r, http.StatusUnprocessableEntity, "Review not stored", messageTmpl,
			message{Text: "The review was not stored:", Alert: true, Problems: probs, Back: back}, id)
		return
	case err != nil:
		s.log.Error("serve: store review", "review_id", rv.ReviewID, "err", err)
		s.fail(w, r, http.StatusInternalServerError, "The review could not be stored; try again.")
		return
	}
	outcome := "stored"
	if res.Stored == 0 {
		outcome = "already stored"
	}
	s.audit(r, "review", id.user.Name, map[string]string{"review_id": rv.ReviewID, "conversation_sha256": digest(rv.ConversationID),
		"run": rv.Run, "result": outcome, "file": res.File})
	s.page(w, r, http.StatusOK, "Review "+outcome, messageTmpl, message{
		Text: fmt.Sprintf("Review %s of conversation %s: %s. It shows in the warehouse (qa_reviews) after the next build.", rv.ReviewID, rv.ConversationID, outcome),
		Back: back}, id)
}

// dispute records an agent's dispute of a review of their own conversation.
func (s *Server) dispute(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	rv, _, ok := s.reviewFor(w, r, id)
	if !ok {
		return
	}
	if rv.Agent != id.user.Agent() {
		s.deny(w, r, "only the reviewed agent disputes a review", map[string]string{"review_id": rv.ID})
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		s.page(w, r, http.StatusBadRequest, "Dispute not filed", messageTmpl, message{Text: "Say why the review is wrong.", Alert: true, Back: "/reviews/" + rv.ID}, id)
		return
	}
	file, err := qa.Dispute(r.Context(), qa.DisputeConfig{Lake: s.cfg.Lake, Review: rv.ID, By: id.user.Name, Reason: reason, Log: s.log})
	if err != nil {
		s.page(w, r, http.StatusConflict, "Dispute not filed", messageTmpl, message{Text: err.Error(), Alert: true, Back: "/reviews/" + rv.ID}, id)
		return
	}
	s.audit(r, "dispute", id.user.Name, map[string]string{"review_id": rv.ID, "conversation_sha256": digest(rv.Conversation), "file": file})
	s.page(w, r, http.StatusOK, "Dispute filed", messageTmpl, message{
		Text: "Your dispute of review " + rv.ID + " is filed; a QA lead resolves it. Its status shows after the next build.", Back: "/reviews/" + rv.ID}, id)
}

// resolve closes a review's open dispute: rejected, or accepted with the
// corrected review, checked as parley qa resolve --rescore checks it.
func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	rv, _, ok := s.reviewFor(w, r, id)
	if !ok {
		return
	}
	cfg := qa.ResolveConfig{Lake: s.cfg.Lake, Review: rv.ID, By: id.user.Name, Settings: s.cfg.Settings, Log: s.log}
	if r.PostFormValue("decision") == "accept" {
		cfg.Accept = true
		cfg.RescoreInput = &qa.Input{Name: "web:" + id.user.Name, Data: []byte(strings.TrimSpace(r.PostFormValue("rescore")))}
	}
	file, err := qa.ResolveDispute(r.Context(), cfg)
	if err != nil {
		s.page(w, r, http.StatusUnprocessableEntity, "Dispute not resolved", messageTmpl, message{Text: err.Error(), Alert: true, Back: "/reviews/" + rv.ID}, id)
		return
	}
	decision := "rejected"
	if cfg.Accept {
		decision = "accepted"
	}
	s.audit(r, "resolve", id.user.Name, map[string]string{"review_id": rv.ID, "decision": decision, "file": file})
	s.page(w, r, http.StatusOK, "Dispute resolved", messageTmpl, message{Text: "The dispute of review " + rv.ID + " is " + decision + ".", Back: "/reviews/" + rv.ID}, id)
}

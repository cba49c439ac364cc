package qa

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
)

// DisputeConfig records an agent's dispute of a review.
type DisputeConfig struct {
	// Lake is the lake root holding the review.
	Lake string
	// Review is the review's id.
	Review string
	// By is who disputes it (the reviewed agent, or someone for them).
	By string
	// Reason says why; it is stored with the dispute.
	Reason string
	// Now dates the dispute; zero means the wall clock.
	Now time.Time
	Log *slog.Logger
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c *DisputeConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if c.Review == "" {
		errs = append(errs, fielderr.New("review", "required (the review's id)"))
	}
	if strings.TrimSpace(c.By) == "" {
		errs = append(errs, fielderr.New("by", "required (who disputes the review)"))
	}
	if strings.TrimSpace(c.Reason) == "" {
		errs = append(errs, fielderr.New("reason", "required (why the review is disputed)"))
	}
	return errors.Join(errs...)
}

// Dispute records a dispute of a review that has none open: the review's
// status in the warehouse becomes "disputed" until ResolveDispute closes
// it. It returns the lake file written.
func Dispute(ctx context.Context, cfg DisputeConfig) (string, error) {
	if err := cfg.Validate(); err != nil {
		return "", fmt.Errorf("qa: dispute: %w", err)
	}
	now := orNow(cfg.Now)
	st, err := openReviews(ctx, cfg.Lake, orDiscard(cfg.Log))
	if err != nil {
		return "", err
	}
	defer st.close()
	h := st.history(cfg.Review)
	if len(h.versions) == 0 {
		return "", fmt.Errorf("qa: dispute: review %q is not in the lake at %s", cfg.Review, cfg.Lake)
	}
	if d, open := h.openDispute(); open {
		return "", fmt.Errorf("qa: dispute: review %q is already disputed (by %s on %s); resolve that dispute first", cfg.Review, d.By, d.At.Format(time.DateOnly))
	}
	final := h.versions[len(h.versions)-1]
	row := lake.ReviewRow{
		Kind: lake.ReviewKindDispute, ReviewID: cfg.Review, At: now.UTC().Truncate(time.Microsecond),
		Run: final.Run, ConversationID: final.ConversationID, AgentID: final.AgentID,
		By: cfg.By, Reason: cfg.Reason, Source: "qa dispute",
	}
	return st.publish(ctx, "dispute", []lake.ReviewRow{row}, now)
}

// ResolveConfig closes the open dispute of a review.
type ResolveConfig struct {
	Lake   string
	Review string
	// Accept upholds the dispute; the corrected review must then be given
	// in Rescore. Otherwise the dispute is rejected and the review stands.
	Accept bool
	// Rescore is a scores file holding the corrected review (same review
	// id): its version becomes the final one, dated at the resolution.
	Rescore string
	// RescoreInput is the corrected review as data, instead of Rescore
	// (what `parley serve` receives from a QA lead).
	RescoreInput *Input
	// By is who resolves it (a QA lead).
	By string
	// Settings supplies the scorecards the rescore is checked against.
	Settings *config.Config
	Now      time.Time
	Log      *slog.Logger
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c *ResolveConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if c.Review == "" {
		errs = append(errs, fielderr.New("review", "required (the review's id)"))
	}
	if strings.TrimSpace(c.By) == "" {
		errs = append(errs, fielderr.New("by", "required (who resolves the dispute)"))
	}
	rescore := c.Rescore != "" || c.RescoreInput != nil
	switch {
	case c.Rescore != "" && c.RescoreInput != nil:
		errs = append(errs, fielderr.New("rescore", "give the corrected review as a file or as data, not both"))
	case c.Accept && !rescore:
		errs = append(errs, fielderr.New("rescore", "an accepted dispute changes the review: give the corrected review as a scores file"))
	case !c.Accept && rescore:
		errs = append(errs, fielderr.New("rescore", "a rejected dispute leaves the review as it is; a rescore goes with accept"))
	}
	if c.Settings != nil {
		if err := c.Settings.Validate(); err != nil {
			errs = append(errs, fielderr.New("settings", "%w", err))
		}
	}
	return errors.Join(errs...)
}

// ResolveDispute closes the open dispute of a review, accepted (with the
// rescored version, which becomes final) or rejected. The resolution and
// the rescore are written as one lake file, which it returns.
func ResolveDispute(ctx context.Context, cfg ResolveConfig) (string, error) {
	if err := cfg.Validate(); err != nil {
		return "", fmt.Errorf("qa: resolve: %w", err)
	}
	settings, err := config.OrDefault(cfg.Settings)
	if err != nil {
		return "", fmt.Errorf("qa: resolve: %w", err)
	}
	now := orNow(cfg.Now)
	st, err := openReviews(ctx, cfg.Lake, orDiscard(cfg.Log))
	if err != nil {
		return "", err
	}
	defer st.close()
	h := st.history(cfg.Review)
	if len(h.versions) == 0 {
		return "", fmt.Errorf("qa: resolve: review %q is not in the lake at %s", cfg.Review, cfg.Lake)
	}
	if _, open := h.openDispute(); !open {
		return "", fmt.Errorf("qa: resolve: review %q has no open dispute", cfg.Review)
	}
	final := h.versions[len(h.versions)-1]
	at := now.UTC().Truncate(time.Microsecond)
	res := lake.ReviewRow{
		Kind: lake.ReviewKindResolution, ReviewID: cfg.Review, At: at,
		Run: final.Run, ConversationID: final.ConversationID, AgentID: final.AgentID,
		By: cfg.By, Decision: lake.DecisionReject, Source: "qa resolve",
	}
	rows := []lake.ReviewRow{res}
	if cfg.Accept {
		rows[0].Decision = lake.DecisionAccept
		rescored, err := readRescore(newScorecards(settings.QA.List(), st.rows), cfg.Rescore, cfg.RescoreInput, final)
		if err != nil {
			return "", err
		}
		// Dated at the resolution, and after the version it corrects even
		// if that one is dated later, so that it is the final version.
		rescored.At = at
		if !rescored.At.After(final.At) {
			rescored.At = final.At.Add(time.Microsecond)
		}
		rows = append(rows, rescored)
	}
	return st.publish(ctx, "resolve", rows, now)
}

// readRescore reads the corrected review of final from path (or from in,
// when given): one review, with final's id and conversation (or the
// conversation final names by digest after an erase), valid against its
// scorecard.
func readRescore(scs scorecards, path string, in *Input, final lake.ReviewRow) (lake.ReviewRow, error) {
	var rows []lake.ReviewRow
	var probs []Problem
	if in != nil {
		path = in.Name
		rows, probs = in.read(scs)
	} else {
		var err error
		if rows, _, probs, err = readScores(scs, path); err != nil {
			return lake.ReviewRow{}, err
		}
	}
	if len(probs) > 0 {
		return lake.ReviewRow{}, &ScoresError{Problems: probs}
	}
	var match []lake.ReviewRow
	for _, r := range rows {
		if r.ReviewID == final.ReviewID {
			match = append(match, r)
		}
	}
	if len(match) != 1 {
		return lake.ReviewRow{}, fmt.Errorf("qa: resolve: --rescore %s holds %d reviews with id %s, want exactly one", path, len(match), final.ReviewID)
	}
	// A review erased with its conversation names it by digest (lake.ErasedConversationID);
	// the reviewer's file still names it.
	if c := match[0].ConversationID; c != final.ConversationID && lake.ErasedConversationID(c) != final.ConversationID {
		return lake.ReviewRow{}, fmt.Errorf("qa: resolve: --rescore %s: review %s is of conversation %q, the review disputed of %q",
			path, final.ReviewID, match[0].ConversationID, final.ConversationID)
	}
	return match[0], nil
}

package qa

import (
	"context"
	"fmt"
	"time"

	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// conversation is one sampled conversation's metrics and events.
type conversation struct {
	ID, CustomerID, Channel, FirstQueue, LastQueue, LocalDate string
	StartedLocal                                              time.Time
	MostActiveAgent, FirstAgent, LastAgent                    string
	CustomerMessages, AgentMessages, BotMessages              int64
	FirstResponseS, FirstResponseBusinessS, SLATargetS        *float64
	SLAMet                                                    *bool
	Resolved                                                  bool
	ResolutionS                                               *float64
	Reopens, Escalations, Transfers                           int64
	Abandoned, Complete                                       bool
	CSAT                                                      *int64
	Friction, FrictionTime, FrictionImpersonal                *float64
	FrictionDirectness, FrictionEffort                        *float64
	Events                                                    []event
	// AutoFails are the automatic checks it failed (auto_qa), in
	// transcript order.
	AutoFails []autoFail
}

// autoFail is one automatic check a sampled conversation failed.
type autoFail struct {
	Check string
	// Seq is the evidence: the seq of the event that decided it; 0 when
	// no single event did.
	Seq    int64
	Detail string
}

// event is one row of a transcript.
type event struct {
	Seq, Episode              int64
	Type                      string
	Local                     time.Time // wall clock in the org time zone
	ActorRole, ActorID, Queue string
	Text                      *string
	Private, Automated        bool
	ToRole, ToID, ToQueue     string
	CSAT                      *int64
}

// loadConversations reads the metrics and events of the sampled
// conversations: two queries, however many conversations were sampled.
func loadConversations(ctx context.Context, db *warehouse.DB, ids []string) (map[string]*conversation, error) {
	out := make(map[string]*conversation, len(ids))
	rows, err := db.QueryContext(ctx, sqlfiles.File("qa/03_details.sql"), ids)
	if err != nil {
		return nil, fmt.Errorf("qa: query sampled conversations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c                                 conversation
			customer, channel, firstQ, lastQ  *string
			mostActive, firstAgent, lastAgent *string
			custMsgs, agentMsgs, botMsgs      *int64
			reopens, escalations, transfers   *int64
			resolved, abandoned, complete     *bool
		)
		if err := rows.Scan(&c.ID, &customer, &channel, &firstQ, &lastQ, &c.LocalDate, &c.StartedLocal,
			&mostActive, &firstAgent, &lastAgent, &custMsgs, &agentMsgs, &botMsgs,
			&c.FirstResponseS, &c.FirstResponseBusinessS, &c.SLATargetS, &c.SLAMet,
			&resolved, &c.ResolutionS, &reopens, &escalations, &transfers,
			&abandoned, &complete, &c.CSAT,
			&c.Friction, &c.FrictionTime, &c.FrictionImpersonal, &c.FrictionDirectness, &c.FrictionEffort,
		); err != nil {
			return nil, fmt.Errorf("qa: read sampled conversation: %w", err)
		}
		c.CustomerID, c.Channel, c.FirstQueue, c.LastQueue = deref(customer), deref(channel), deref(firstQ), deref(lastQ)
		c.MostActiveAgent, c.FirstAgent, c.LastAgent = deref(mostActive), deref(firstAgent), deref(lastAgent)
		c.CustomerMessages, c.AgentMessages, c.BotMessages = deref(custMsgs), deref(agentMsgs), deref(botMsgs)
		c.Reopens, c.Escalations, c.Transfers = deref(reopens), deref(escalations), deref(transfers)
		c.Resolved, c.Abandoned, c.Complete = deref(resolved), deref(abandoned), deref(complete)
		out[c.ID] = &c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("qa: read sampled conversations: %w", err)
	}

	evRows, err := db.QueryContext(ctx, sqlfiles.File("qa/04_transcripts.sql"), ids)
	if err != nil {
		return nil, fmt.Errorf("qa: query transcripts: %w", err)
	}
	defer evRows.Close()
	for evRows.Next() {
		var (
			e                                                event
			convID                                           string
			actorRole, actorID, queue, toRole, toID, toQueue *string
			private, automated                               *bool
		)
		if err := evRows.Scan(&convID, &e.Seq, &e.Episode, &e.Type, &e.Local,
			&actorRole, &actorID, &queue, &e.Text, &private, &automated,
			&toRole, &toID, &toQueue, &e.CSAT); err != nil {
			return nil, fmt.Errorf("qa: read transcript event: %w", err)
		}
		e.ActorRole, e.ActorID, e.Queue = deref(actorRole), deref(actorID), deref(queue)
		e.ToRole, e.ToID, e.ToQueue = deref(toRole), deref(toID), deref(toQueue)
		e.Private, e.Automated = deref(private), deref(automated)
		if c, ok := out[convID]; ok {
			c.Events = append(c.Events, e)
		}
	}
	if err := evRows.Err(); err != nil {
		return nil, fmt.Errorf("qa: read transcripts: %w", err)
	}
	return out, nil
}

// deref is the value p points to, or T's zero value for NULL.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// loadAutoEvidence adds to convs the automatic checks each failed, with their
// evidence. It reports false, reading nothing, when the warehouse has no
// auto_qa (built by a parley before the automatic checks).
func loadAutoEvidence(ctx context.Context, db *warehouse.DB, ids []string, convs map[string]*conversation) (bool, error) {
	var has bool
	if err := db.QueryRowContext(ctx, sqlfiles.File("qa/06_has_auto_qa.sql")).Scan(&has); err != nil {
		return false, fmt.Errorf("qa: look for auto_qa: %w", err)
	}
	if !has {
		return false, nil
	}
	rows, err := db.QueryContext(ctx, sqlfiles.File("qa/07_auto_evidence.sql"), ids)
	if err != nil {
		return false, fmt.Errorf("qa: query failed automatic checks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id     string
			f      autoFail
			seq    *int64
			detail *string
		)
		if err := rows.Scan(&id, &f.Check, &seq, &detail); err != nil {
			return false, fmt.Errorf("qa: read failed automatic check: %w", err)
		}
		f.Seq, f.Detail = deref(seq), deref(detail)
		if c, ok := convs[id]; ok {
			c.AutoFails = append(c.AutoFails, f)
		}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("qa: read failed automatic checks: %w", err)
	}
	return true, nil
}

package spec

import (
	"fmt"
	"sort"
	"time"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// conversationRow computes the `conversations` row of conversation-ordered events, given its
// `episodes` and `escalations` rows.
func conversationRow(evs []Event, episodes []EpisodeRow, escalations []EscalationRow, c Context) (ConversationRow, error) {
	first, last := evs[0], evs[len(evs)-1]
	r := ConversationRow{
		ConversationID:   first.ConversationID,
		CustomerID:       optString(customerID(evs)),
		Channel:          optString(channelOf(evs)),
		FirstQueue:       optString(firstQueue(evs)),
		LastQueue:        optString(lastQueue(evs)),
		StartedAt:        first.OccurredAt,
		StartedLocal:     first.OccurredLocal,
		LocalDate:        dateOf(first.OccurredLocal),
		EndedAt:          last.OccurredAt,
		CustomerMessages: count(evs, isCustomerMessage),
		AgentMessages:    count(evs, isHumanReply),
		BotMessages:      count(evs, isBotMessage),
		Resolved:         endsResolved(evs),
		Reopens:          count(evs, isReopened),
		Escalations:      count(evs, isEscalated),
		Transfers:        count(evs, isTransferred),
		CSAT:             lastCSAT(evs),
		RepeatedMessages: repeatedMessages(evs),
		CustomerNudges:   customerNudges(evs),
		Nudges:           nudges(evs),
		AgentHandleS:     agentHandle(evs),
	}
	r.MostActiveAgentID, r.FirstAgentID, r.LastAgentID = agents(evs)
	r.Escalated = r.Escalations > 0

	if err := firstResponses(&r, evs, episodes, c); err != nil {
		return r, err
	}
	r.HandoffWaitS = handoffWait(escalations)
	r.MedianReplyS = medianReplyWait(evs)
	if err := resolutions(&r, evs, c); err != nil {
		return r, err
	}
	r.BotHandled, r.BotContained, r.BotHandedOff, r.BotAbandoned = botOutcome(evs, r.Resolved)
	r.Complete = complete(r, c)
	r.Abandoned = r.Complete && !r.Resolved && r.CustomerMessages > 0 && r.AgentMessages == 0
	r.RepeatContact = repeatContact(evs, c)
	// docs/metrics.md: "fcr: first-contact resolution: resolved and reopens = 0 and not repeat_contact"
	r.FCR = r.Resolved && r.Reopens == 0 && !r.RepeatContact
	r.RepeatWindowClosed = repeatWindowClosed(evs, c)

	// Who holds the clock.
	r.WaitingOnAgentS = waitingSeconds(evs, business, time.Time{})
	r.WaitingOnCustomerS = waitingSeconds(evs, customer, time.Time{})
	if r.Resolved {
		// "the two waiting totals within started_at → last resolution; NULL unless resolved"
		until := lastResolved(evs).OccurredAt
		r.ResolutionWaitingOnAgentS = ptr(waitingSeconds(evs, business, until))
		r.ResolutionWaitingOnCustomerS = ptr(waitingSeconds(evs, customer, until))
	}
	// "window_breaches: waits not answered within the channel's reply window (reply_windows);
	// NULL when the channel has no window"
	if w, ok := c.Settings.ReplyWindows[channelOf(evs)]; ok {
		r.WindowBreaches = ptr(windowBreaches(evs, time.Duration(w), c.LastEventAt))
	}

	r.UnansweredBursts = unansweredBursts(evs, r.Resolved)
	r.HumanWaitS = humanWait(evs, r.Resolved)
	friction(&r, evs, c)
	dimensions(&r, evs, c.Settings)
	r.Cost = cost(r, c.Settings.Cost)
	return r, nil
}

// count is how many events match.
func count(evs []Event, match func(Event) bool) int64 {
	var n int64
	for _, e := range evs {
		if match(e) {
			n++
		}
	}
	return n
}

// customerID: "customer_id: the first actor.id present on a customer event (a customer event
// without an id is skipped)". Any event type counts, not only messages.
func customerID(evs []Event) string {
	for _, e := range evs {
		if lake.Text(e.ActorRole) == event.RoleCustomer && lake.Text(e.ActorID) != "" {
			return lake.Text(e.ActorID)
		}
	}
	return ""
}

// unknownChannel is the channel of a conversation no event names one for.
const unknownChannel = "unknown"

// channelOf: "The conversation's channel: its first non-empty channel, or unknown when no event
// names one (the channel is optional in the event contract). Every table and rollup that shows a
// channel shows this one."
func channelOf(evs []Event) string {
	for _, e := range evs {
		if lake.Text(e.Channel) != "" {
			return lake.Text(e.Channel)
		}
	}
	return unknownChannel
}

// firstQueue: "first_queue: first ... non-empty current queue an event names (a routing event's
// to.queue first, see Current queue); business-hours first response uses first_queue, the queue
// that owned the clock".
func firstQueue(evs []Event) string {
	for _, e := range evs {
		if q := currentQueue(e); q != "" {
			return q
		}
	}
	return ""
}

// lastQueue: "last_queue: ... last non-empty current queue".
func lastQueue(evs []Event) string {
	for i := len(evs) - 1; i >= 0; i-- {
		if q := currentQueue(evs[i]); q != "" {
			return q
		}
	}
	return ""
}

// agents gives most_active_agent_id, first_agent_id and last_agent_id.
//
// docs/metrics.md: "most_active_agent_id: agent with the most human replies (tie: the one who
// replied first)"; "first_agent_id, last_agent_id: the actor ids of the first and last human
// reply that has one". An agent is known by actor.id: a human reply without one is nobody's, in
// all three.
func agents(evs []Event) (mostActive, first, last *string) {
	replies := map[string]int{}
	var order []string // agents by their first human reply
	for _, e := range evs {
		id := lake.Text(e.ActorID)
		if !isHumanReply(e) || id == "" {
			continue
		}
		if first == nil {
			first = optString(id)
		}
		last = optString(id)
		if replies[id] == 0 {
			order = append(order, id)
		}
		replies[id]++
	}
	best := ""
	for _, id := range order {
		if replies[id] > replies[best] {
			best = id
		}
	}
	return optString(best), first, last
}

// firstResponses fills first_response_s, first_response_any_s, first_response_business_s,
// sla_target_s and sla_met.
//
// docs/metrics.md, First response: "The conversation's first response is its episode 1's. The
// clock starts at the episode's first customer message. It stops at the first human reply after
// that in the same episode"; "no customer message in episode 1, or no human reply in it yet →
// NULL".
// "first_response_business_s: first_response_s counting only open hours of first_queue";
// "sla_target_s: the channel's first-response target from sla.<channel>.first_response; NULL if
// none"; "sla_met: first_response_business_s <= sla_target_s; NULL if no target or no human reply".
func firstResponses(r *ConversationRow, evs []Event, episodes []EpisodeRow, c Context) error {
	episode1 := episodeEvents(evs)[0]
	r.FirstResponseS = episodes[0].FirstResponseS
	r.FirstResponseAnyS = episodes[0].FirstResponseAnyS
	if from, to, ok := firstResponseSpan(episode1, isHumanReply); ok {
		s, err := businessSeconds(c.Settings, firstQueue(evs), from.OccurredAt, to.OccurredAt)
		if err != nil {
			return fmt.Errorf("spec: %s first_response_business_s: %w", r.ConversationID, err)
		}
		r.FirstResponseBusinessS = ptr(s)
	}
	if target, ok := c.Settings.SLA[channelOf(evs)]; ok {
		r.SLATargetS = ptr(target.FirstResponse.Seconds())
	}
	if r.SLATargetS != nil && r.FirstResponseBusinessS != nil {
		r.SLAMet = ptr(*r.FirstResponseBusinessS <= *r.SLATargetS)
	}
	return nil
}

// handoffWait: "handoff_wait_s: first bot→human escalated event → next human reply"; Escalations
// and bot outcomes: "from the first bot escalation to an agent (to.role=agent) to the next human
// reply". It is that escalation's own handoff_wait_s.
func handoffWait(escalations []EscalationRow) *float64 {
	for _, x := range escalations {
		if x.Source == sourceBot && x.ToRole != nil && *x.ToRole == event.RoleAgent {
			return x.HandoffWaitS
		}
	}
	return nil
}

// medianReplyWait: "median_reply_s: median reply_wait_s of the conversation's messages". The
// median of an even number of waits is the mean of the middle two; no wait gives NULL.
func medianReplyWait(evs []Event) *float64 {
	var ws []float64
	for _, w := range replyWaits(evs) {
		ws = append(ws, *w)
	}
	if len(ws) == 0 {
		return nil
	}
	sort.Float64s(ws)
	mid := len(ws) / 2
	if len(ws)%2 == 1 {
		return ptr(ws[mid])
	}
	return ptr((ws[mid-1] + ws[mid]) / 2)
}

// resolutions fills first_resolution_s, resolution_s and resolution_business_s.
//
// docs/metrics.md, Resolution: "first_resolution_s runs from started_at to the first resolved,
// resolution_s to the last one (only when the conversation ends resolved)";
// "resolution_business_s: resolution_s counting only open hours of last_queue".
func resolutions(r *ConversationRow, evs []Event, c Context) error {
	if first, ok := firstResolved(evs); ok {
		r.FirstResolutionS = ptr(seconds(evs[0], first))
	}
	if !r.Resolved {
		return nil
	}
	end := lastResolved(evs)
	r.ResolutionS = ptr(seconds(evs[0], end))
	s, err := businessSeconds(c.Settings, lastQueue(evs), evs[0].OccurredAt, end.OccurredAt)
	if err != nil {
		return fmt.Errorf("spec: %s resolution_business_s: %w", r.ConversationID, err)
	}
	r.ResolutionBusinessS = ptr(s)
	return nil
}

// botOutcome gives bot_handled, bot_contained, bot_handed_off and bot_abandoned.
//
// docs/metrics.md: "bot_handled: a bot replied, or the conversation was routed to a bot, before
// any human reply"; "bot_handed_off: bot-handled and then escalated/assigned/transferred to a human
// agent or answered by a human"; "bot_contained: bot-handled, not handed off, resolved";
// "bot_abandoned: bot-handled, not handed off, not resolved". "And then" is read as after the
// first event that made the conversation bot-handled (a bot reply or a routing to a bot).
func botOutcome(evs []Event, resolved bool) (handled, contained, handedOff, abandoned bool) {
	botStart := -1
	for i, e := range evs {
		if isHumanReply(e) {
			break
		}
		if isBotReply(e) || (isRouting(e) && lake.Text(e.ToRole) == event.RoleBot) {
			botStart = i
			break
		}
	}
	if botStart < 0 {
		return false, false, false, false
	}
	for _, e := range evs[botStart+1:] {
		if isHumanReply(e) || (isRouting(e) && lake.Text(e.ToRole) == event.RoleAgent) {
			handedOff = true
		}
	}
	return true, !handedOff && resolved, handedOff, !handedOff && !resolved
}

// complete: "complete: resolved, or no event for windows.idle_complete (default 24 h) before the
// last event in the whole warehouse". Idle for exactly the window counts as complete.
func complete(r ConversationRow, c Context) bool {
	idle := time.Duration(c.Settings.Windows.IdleComplete)
	return r.Resolved || c.LastEventAt.Sub(r.EndedAt) >= idle
}

// repeatContact: "repeat_contact: the same customer started another conversation within
// windows.repeat_contact (default 7 d) after this one's last resolved event, even if this one was
// reopened later; false if it was never resolved". The other conversation starts strictly after
// the resolution and at most the window after it; a conversation without a customer_id is no
// repeat contact.
func repeatContact(evs []Event, c Context) bool {
	cust := customerID(evs)
	if cust == "" {
		return false
	}
	if _, ok := firstResolved(evs); !ok {
		return false
	}
	resolvedAt := lastResolved(evs).OccurredAt
	window := time.Duration(c.Settings.Windows.RepeatContact)
	for _, s := range c.Starts[cust] {
		if s.ConversationID == evs[0].ConversationID {
			continue
		}
		if s.StartedAt.After(resolvedAt) && !s.StartedAt.After(resolvedAt.Add(window)) {
			return true
		}
	}
	return false
}

// repeatWindowClosed: "repeat_window_closed: the repeat-contact window of the conversation's
// last resolved event has closed within the data: that event lies windows.repeat_contact or more
// before the last event in the whole warehouse ...; false if it was never resolved". Exactly the
// window before counts as closed.
func repeatWindowClosed(evs []Event, c Context) bool {
	if _, ok := firstResolved(evs); !ok {
		return false
	}
	window := time.Duration(c.Settings.Windows.RepeatContact)
	return c.LastEventAt.Sub(lastResolved(evs).OccurredAt) >= window
}

// lastCSAT: "csat: the last CSAT answer, 1..5, or NULL".
func lastCSAT(evs []Event) *int32 {
	var score *int32
	for _, e := range evs {
		if e.Type == string(event.CSATAnswered) && e.CSATScore != nil {
			score = ptr(*e.CSATScore)
		}
	}
	return score
}

// agentHandle: "each human reply stands for the time since the previous message of the
// conversation (of anyone, private notes included: reading, looking up, writing), capped at 5
// minutes ... A human reply with no message before it (an outbound opener) counts the full 5
// minutes. The conversation's figure is the sum over its human replies; bots and automated
// messages add nothing."
func agentHandle(evs []Event) float64 {
	const capS = 5 * 60
	total := 0.0
	var previous *Event
	for i, e := range evs {
		if !isMessage(e) {
			continue
		}
		if isHumanReply(e) {
			if previous == nil {
				total += capS
			} else {
				total += min(seconds(*previous, e), capS)
			}
		}
		previous = &evs[i]
	}
	return total
}

// nudges: "nudges counts public agent messages (automated or not) that follow the same agent's own
// human reply with no customer message in between, 2 minutes or more after that reply, whatever
// other agents wrote in between. "That reply" is the agent's latest human reply before the
// message; an agent message without an actor.id is never a nudge (there is no "same" agent to
// compare)."
func nudges(evs []Event) int64 {
	const after = 2 * time.Minute
	var n int64
	lastReply := map[string]time.Time{} // agent → their latest human reply since the last customer message
	for _, e := range evs {
		if isCustomerMessage(e) {
			clear(lastReply)
			continue
		}
		id := lake.Text(e.ActorID)
		if !isMessage(e) || lake.Text(e.ActorRole) != event.RoleAgent || isPrivate(e) || id == "" {
			continue
		}
		if t, ok := lastReply[id]; ok && e.OccurredAt.Sub(t) >= after {
			n++
		}
		if isHumanReply(e) {
			lastReply[id] = e.OccurredAt
		}
	}
	return n
}

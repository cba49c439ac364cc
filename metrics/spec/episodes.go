package spec

// episodeEvents splits conversation-ordered events by episode: result[k] holds episode k+1.
func episodeEvents(evs []Event) [][]Event {
	var out [][]Event
	for _, e := range evs {
		for int(e.Episode) > len(out) {
			out = append(out, nil)
		}
		out[e.Episode-1] = append(out[e.Episode-1], e)
	}
	return out
}

// episodeRows is one `episodes` row per episode.
//
// docs/metrics.md, episodes: "One row per conversation episode (episode 1 begins at the
// conversation's first event, each later one at a reopened event that is not the conversation's
// first)." "first_response_any_s: the same clock as first_response_s, stopped by any reply (bots
// and automated messages included) in the episode".
func episodeRows(evs []Event) []EpisodeRow {
	var out []EpisodeRow
	for _, ep := range episodeEvents(evs) {
		first, last := ep[0], ep[len(ep)-1]
		row := EpisodeRow{
			ConversationID:    first.ConversationID,
			Episode:           first.Episode,
			StartedAt:         first.OccurredAt,
			EndedAt:           last.OccurredAt,
			FirstResponseS:    firstResponse(ep, isHumanReply),
			Resolved:          endsResolved(ep),
			FirstResponseAnyS: firstResponse(ep, isAnyReply),
		}
		// "first_customer_at, first_reply_at: the instants first_response_s runs between: the
		// episode's first customer message, and the first human reply after it in the episode
		// (NULL if none)"
		for _, e := range ep {
			if isCustomerMessage(e) {
				row.FirstCustomerAt = ptr(e.OccurredAt)
				break
			}
		}
		if _, reply, ok := firstResponseSpan(ep, isHumanReply); ok {
			row.FirstReplyAt = ptr(reply.OccurredAt)
		}
		if row.Resolved {
			row.ResolutionS = ptr(seconds(first, lastResolved(ep)))
		}
		out = append(out, row)
	}
	return out
}

// firstResponse is the first-response clock over a span of events (an episode) in seconds, ended
// by the first event stops accepts; nil if it never started or never stopped.
func firstResponse(span []Event, stops func(Event) bool) *float64 {
	from, to, ok := firstResponseSpan(span, stops)
	if !ok {
		return nil
	}
	return ptr(seconds(from, to))
}

// firstResponseSpan is the first-response clock over a span of events: from its first customer
// message to the first event after it that stops accepts.
//
// docs/metrics.md, episodes: "first_response_s: first customer message of the episode → first
// human reply after it in the episode". First response: "The clock starts at the episode's first
// customer message. It stops at the first human reply after that in the same episode."
// "first_response_any_s: the same clock as first_response_s, stopped by any reply (bots and
// automated messages included) in the episode". A reply at the same
// instant but ordered after the customer message counts (0 s); one ordered before it does not.
func firstResponseSpan(span []Event, stops func(Event) bool) (from, to Event, ok bool) {
	start := -1
	for i, e := range span {
		if start < 0 {
			if isCustomerMessage(e) {
				start = i
			}
			continue
		}
		if stops(e) {
			return span[start], e, true
		}
	}
	return Event{}, Event{}, false
}

// endsResolved: "resolved: the last status event (resolved/reopened) is resolved". A span
// without a status event is not resolved.
func endsResolved(span []Event) bool {
	resolved := false
	for _, e := range span {
		if isStatus(e) {
			resolved = isResolved(e)
		}
	}
	return resolved
}

// lastResolved is the last resolved event of a span; the span must hold one.
func lastResolved(span []Event) Event {
	var last Event
	for _, e := range span {
		if isResolved(e) {
			last = e
		}
	}
	return last
}

// firstResolved is the first resolved event of a span, and whether there is one.
func firstResolved(span []Event) (Event, bool) {
	for _, e := range span {
		if isResolved(e) {
			return e, true
		}
	}
	return Event{}, false
}

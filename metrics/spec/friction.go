package spec

import (
	"strings"
	"time"
	"unicode"

	"github.com/parley-cx/parley/internal/lake"
	"golang.org/x/text/unicode/norm"
)

// friction fills friction_score and its four components from the row's drivers.
//
// docs/metrics.md, Friction: "friction_score = 100 × (w_time·time + w_impersonal·impersonal +
// w_directness·directness + w_effort·effort) / (sum of weights)".
func friction(r *ConversationRow, evs []Event, c Context) {
	w := c.Settings.Friction.Weights
	r.FrictionTime = frictionTime(r)
	r.FrictionImpersonal = frictionImpersonal(r, evs)
	r.FrictionDirectness = frictionDirectness(r)
	r.FrictionEffort = frictionEffort(r)
	sum := w.Time + w.Impersonal + w.Directness + w.Effort
	r.FrictionScore = 100 * (w.Time*r.FrictionTime + w.Impersonal*r.FrictionImpersonal +
		w.Directness*r.FrictionDirectness + w.Effort*r.FrictionEffort) / sum
}

// sat: "saturating curves s(x, h) = x / (x + h) (0 at x = 0, ½ at x = h, approaching 1)".
func sat(x, h float64) float64 { return x / (x + h) }

// noisyOr: "combined with "noisy-or" 1 − Π(1 − sᵢ)".
func noisyOr(parts ...float64) float64 {
	p := 1.0
	for _, s := range parts {
		p *= 1 - s
	}
	return 1 - p
}

// frictionTime: "human_wait_s ... (h = 30 min); waiting_on_agent_s (h = 24 h, one reply window)".
func frictionTime(r *ConversationRow) float64 {
	return noisyOr(sat(r.HumanWaitS, 30*60), sat(r.WaitingOnAgentS, 24*60*60))
}

// frictionImpersonal: "bot messages before the first human reply (h = 3); automated messages
// (h = 2); agent changes, distinct replying agents − 1 (h = 1); nudges (h = 1)".
func frictionImpersonal(r *ConversationRow, evs []Event) float64 {
	return noisyOr(
		sat(float64(botMessagesBeforeHuman(evs)), 3),
		sat(float64(count(evs, func(e Event) bool { return isMessage(e) && isAutomated(e) })), 2),
		sat(float64(agentChanges(evs)), 1),
		sat(float64(r.Nudges), 1),
	)
}

// frictionDirectness: "transfers (h = 1); escalations (h = 1); reopens (h = 1); repeat contact
// (0 or 1, weight ½)": the repeat contact's term is ½ when it is one, else 0.
func frictionDirectness(r *ConversationRow) float64 {
	repeat := 0.0
	if r.RepeatContact {
		repeat = 0.5
	}
	return noisyOr(sat(float64(r.Transfers), 1), sat(float64(r.Escalations), 1), sat(float64(r.Reopens), 1), repeat)
}

// frictionEffort: "customer messages (h = 8); unanswered_bursts (h = 1); repeated_messages ...
// (h = 1); customer_nudges (h = 1)".
func frictionEffort(r *ConversationRow) float64 {
	return noisyOr(sat(float64(r.CustomerMessages), 8), sat(float64(r.UnansweredBursts), 1),
		sat(float64(r.RepeatedMessages), 1), sat(float64(r.CustomerNudges), 1))
}

// botMessagesBeforeHuman: "bot messages before the first human reply"; every bot message when no
// human ever replied.
func botMessagesBeforeHuman(evs []Event) int {
	n := 0
	for _, e := range evs {
		if isHumanReply(e) {
			break
		}
		if isBotMessage(e) {
			n++
		}
	}
	return n
}

// agentChanges: "agent changes, distinct replying agents − 1": the authors (by actor.id) of human
// replies; none or one gives 0.
func agentChanges(evs []Event) int {
	ids := map[string]bool{}
	for _, e := range evs {
		if isHumanReply(e) && lake.Text(e.ActorID) != "" {
			ids[lake.Text(e.ActorID)] = true
		}
	}
	return max(len(ids)-1, 0)
}

// humanWait: "human_wait_s: the sum of reply_wait_s, plus, when the conversation is unresolved and
// its last burst is still open (unanswered_bursts = 1), that burst's wait from its first customer
// message until the conversation's last event".
func humanWait(evs []Event, resolved bool) float64 {
	total := 0.0
	for _, w := range replyWaits(evs) {
		total += *w
	}
	if b, ok := lastOpenBurst(evs); ok && !resolved {
		total += seconds(evs[b.messages[0]], evs[len(evs)-1])
	}
	return total
}

// unansweredBursts: "1 when the conversation is unresolved and its last burst with a customer
// message is still open (no human reply, resolution or reopen came after it began), else 0".
func unansweredBursts(evs []Event, resolved bool) int32 {
	if _, ok := lastOpenBurst(evs); ok && !resolved {
		return 1
	}
	return 0
}

// lastOpenBurst is the burst nothing ended, if the conversation ends inside one.
func lastOpenBurst(evs []Event) (burst, bool) {
	bs := bursts(evs)
	if len(bs) == 0 || !bs[len(bs)-1].open() {
		return burst{}, false
	}
	return bs[len(bs)-1], true
}

// customerNudges: "customer follow-ups sent 2 min or more after the previous customer message of
// their burst": every customer message but a burst's first.
func customerNudges(evs []Event) int64 {
	const after = 2 * time.Minute
	var n int64
	for _, b := range bursts(evs) {
		for k := 1; k < len(b.messages); k++ {
			if evs[b.messages[k]].OccurredAt.Sub(evs[b.messages[k-1]].OccurredAt) >= after {
				n++
			}
		}
	}
	return n
}

// repeatedMessages: "repeated_messages — same text as an earlier customer message of the
// conversation after Unicode normalisation (NFC), lower-casing and dropping everything but
// Unicode letters (\p{L}) and decimal digits (\p{Nd})"; "a text that normalises to nothing
// (!!!, 🙂🙂) is never a repeat, however often it is sent". Any customer message counts, whoever
// sent it (with or without an actor.id).
func repeatedMessages(evs []Event) int64 {
	seen := map[string]bool{}
	var n int64
	for _, e := range evs {
		if !isCustomerMessage(e) || e.MessageText == nil {
			continue
		}
		key := normaliseText(*e.MessageText)
		if key == "" {
			continue
		}
		if seen[key] {
			n++
		}
		seen[key] = true
	}
	return n
}

// normaliseText composes a text (NFC), lower-cases it and keeps only its letters (Unicode
// category L) and decimal digits (Nd): "CAFE" + U+0301 becomes "café", like "Café". Combining marks
// that compose with nothing are dropped with the rest.
func normaliseText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(norm.NFC.String(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

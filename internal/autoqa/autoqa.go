// Package autoqa holds Parley's automatic QA checks: small, explainable
// judgements of one conversation (did the first reply greet, did an agent
// ask for a card number, is the customer's last word negative) that
// `parley build` runs on every conversation into the warehouse's auto_qa
// table. Each check is one file: a type registered with register, built
// from its qa.auto entry (internal/config), and a pure function of a
// Conversation that returns a Verdict naming the message that decided it.
//
// The checks read what the warehouse already holds: the conversation's
// events in order, and for the process checks the conversations columns
// (sla_met, nudges, unanswered_bursts, …), which they never recompute.
package autoqa

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
)

// Results a check gives a conversation.
const (
	Pass = "pass"
	Fail = "fail"
	NA   = "na" // the check does not apply (no reply, not resolved, out of scope, …)
)

// Event is one event of a conversation, as the warehouse's events table
// holds it.
type Event struct {
	Seq  int64
	Type string // event type: message, resolved, transferred, …
	Role string // actor role: customer, agent, bot, system
	// Private and Automated are the message's flags.
	Private, Automated bool
	// Text is the message text; empty on other events and private notes,
	// and in a build on the messages of roles no check reads (see
	// Suite.ReadsTexts).
	Text string
	// Queue is the queue the event names (event_queue: a routing event's
	// to.queue, else its own queue); empty if none.
	Queue string

	folded string // Text folded (see fold), made on first use
}

// Event types and roles the checks look at: the contract's own
// (internal/event), as plain strings because the checks read them from the
// warehouse's columns.
const (
	TypeMessage     = string(event.MessageSent)
	TypeResolved    = string(event.Resolved)
	TypeReopened    = string(event.Reopened)
	TypeAssigned    = string(event.Assigned)
	TypeEscalated   = string(event.Escalated)
	TypeTransferred = string(event.Transferred)

	RoleCustomer = event.RoleCustomer
	RoleAgent    = event.RoleAgent
	RoleBot      = event.RoleBot
)

// Conversation is what a check reads of one conversation: its events in
// seq order and the conversations columns the process checks reuse.
type Conversation struct {
	ID string
	// Locale is the locale attribute of its first event that has one
	// ("de-DE"); empty if none.
	Locale string
	// LocaleSeq is the seq of the event Locale came from, for readers
	// that see the events out of order.
	LocaleSeq int64
	Channel   string
	LastQueue string
	Events    []Event

	// Columns of the conversations table (docs/metrics.md).
	Resolved              bool
	Complete              bool
	SLAMet                *bool    // NULL: no target, or no human reply
	SLATargetS            *float64 // sla_target_s
	FirstResponseBusiness *float64 // first_response_business_s
	Nudges                int64
	UnansweredBursts      int64
}

// Verdict is a check's result on one conversation: a row of auto_qa.
type Verdict struct {
	Check  string
	Result string // Pass, Fail or NA
	// Evidence is the seq of the message or event that decided it; 0 when
	// no single one did (auto_qa.evidence_seq is then NULL).
	Evidence int64
	// Detail says why, in a sentence a QA lead reads.
	Detail string
}

// Check judges one conversation. Implementations are pure: the same
// conversation always gets the same verdict, and they change nothing.
type Check interface {
	Run(c *Conversation) (result string, evidence int64, detail string)
}

// Env is what building a check may need beyond its own configuration.
type Env struct {
	// DefaultLanguage is qa.auto's default language.
	DefaultLanguage string
	// Dictionaries loads Hunspell dictionaries, each once.
	Dictionaries *Dictionaries
	// Log receives loud warnings (a dictionary that cannot be found).
	Log *slog.Logger
}

// builder makes a check of one type from its configuration.
type builder func(cfg config.AutoCheck, env *Env) (Check, error)

// types holds every check type by name; each file registers its own.
var types = map[string]builder{}

func register(name string, b builder) {
	if _, dup := types[name]; dup {
		panic("autoqa: check type " + name + " registered twice")
	}
	types[name] = b
}

// codeVersion changes whenever a check's logic or defaults change, so that
// a warehouse recomputes auto_qa instead of mixing verdicts of two versions.
const codeVersion = "autoqa-2"

// Suite is the configured checks, ready to run.
type Suite struct {
	checks []configured
	// config and dicts make Digest.
	config []byte
	dicts  *Dictionaries
}

// Digest identifies what the suite computes: the code version, the checks
// in effect with their options, the default language and the content of
// every dictionary they use. Verdicts computed under another digest may
// differ, so a build recomputes them all.
func (s *Suite) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", codeVersion, s.config, s.dicts.Digest())
	return hex.EncodeToString(h.Sum(nil))
}

// Categories returns each check's name, type and scorecard category ("" for
// none), in run order.
func (s *Suite) Categories() (names, types, categories []string) {
	for _, c := range s.checks {
		names, types, categories = append(names, c.name), append(types, c.typ), append(categories, c.category)
	}
	return names, types, categories
}

// configured is one check with the settings every check shares.
type configured struct {
	name, typ        string
	category         string
	queues, channels []string
	roles            roleSet // the roles it is configured with, read or not
	check            Check
}

// ReadsTexts reports whether a check reads the texts of automated agent
// messages and of bot messages (its roles name them): a build reads the
// texts of those only when one does. Every check reads the customer's and
// the human replies' texts.
func (s *Suite) ReadsTexts() (automated, bot bool) {
	for _, c := range s.checks {
		automated = automated || c.roles.automated
		bot = bot || c.roles.bot
	}
	return automated, bot
}

// Names lists the checks in run order.
func (s *Suite) Names() []string {
	out := make([]string, len(s.checks))
	for i, c := range s.checks {
		out[i] = c.name
	}
	return out
}

// New builds the checks qa.auto configures (auto.List()). A dictionary
// that cannot be loaded does not fail it: the spelling check then says so
// in every verdict ("na"), and env.Log warns once.
func New(auto config.AutoQA, env *Env) (*Suite, error) {
	if env.DefaultLanguage == "" {
		env.DefaultLanguage = auto.Language()
	}
	if env.Dictionaries == nil {
		env.Dictionaries = NewDictionaries(auto.DictionaryPaths)
	}
	if env.Log == nil {
		env.Log = slog.New(slog.DiscardHandler)
	}
	list := auto.List()
	cfg, err := json.Marshal(struct {
		Language string
		Checks   []config.AutoCheck
	}{env.DefaultLanguage, list})
	if err != nil {
		return nil, fmt.Errorf("autoqa: digest the configuration: %w", err)
	}
	s := &Suite{config: cfg, dicts: env.Dictionaries}
	for _, c := range list {
		b, ok := types[c.Type]
		if !ok {
			return nil, fmt.Errorf("autoqa: check %q: unknown type %q", c.Name, c.Type)
		}
		chk, err := b(c, env)
		if err != nil {
			return nil, fmt.Errorf("autoqa: check %q: %w", c.Name, err)
		}
		s.checks = append(s.checks, configured{name: c.Name, typ: c.Type, category: c.Category, queues: c.Queues, channels: c.Channels, roles: newRoles(c.Roles), check: chk})
	}
	return s, nil
}

// Preload starts parsing, each on a goroutine of its own, the dictionaries
// a build will nearly always read: the default language's of every
// spelling check (a conversation without a locale of another language is
// read in it, and so is any word its own language's dictionaries lack).
// Started when the build's SQL begins, the parse (0.2-0.6 s of CPU a
// dictionary) runs beside it instead of holding up the checks' workers
// later. It does not wait; a dictionary that fails to parse keeps its
// error for the check (has), as when parsed on first use, and the
// dictionaries of other languages still parse on first use only. A build
// that reads no word of the default language (every conversation in
// another language, its words all in that language's dictionaries) pays
// for the parse all the same (docs/qa.md). The channel returned is closed
// when every parse it started has ended (at once when there is none).
func (s *Suite) Preload() <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, x := range s.preloaded() {
		wg.Go(func() { x.load() }) // its error stays in x.err, which has reports
	}
	go func() { wg.Wait(); close(done) }()
	return done
}

// preloaded is what Preload parses.
func (s *Suite) preloaded() []*dictionary {
	var out []*dictionary
	for _, c := range s.checks {
		if p, ok := c.check.(interface{ preload() []*dictionary }); ok {
			for _, x := range p.preload() {
				if !slices.Contains(out, x) {
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// Run judges c with every check, in order.
func (s *Suite) Run(c *Conversation) []Verdict {
	out := make([]Verdict, 0, len(s.checks))
	for _, k := range s.checks {
		v := Verdict{Check: k.name}
		if (len(k.queues) > 0 && !slices.Contains(k.queues, c.LastQueue)) || (len(k.channels) > 0 && !slices.Contains(k.channels, c.Channel)) {
			v.Result, v.Detail = NA, "out of the check's scope (queues or channels)"
		} else {
			v.Result, v.Evidence, v.Detail = k.check.Run(c)
		}
		out = append(out, v)
	}
	return out
}

// Language is the language of a locale: its primary subtag, lower case
// ("de-DE" and "de_AT" are "de"); "" for none.
func Language(locale string) string {
	lang, _, _ := strings.Cut(locale, "-")
	lang, _, _ = strings.Cut(lang, "_")
	return strings.ToLower(strings.TrimSpace(lang))
}

// languages are the languages c is read in: its locale's, then def.
func (c *Conversation) languages(def string) []string {
	if l := Language(c.Locale); l != "" && l != def {
		return []string{l, def}
	}
	return []string{def}
}

// folded is event i's text folded for phrase matching.
func (c *Conversation) folded(i int) string {
	e := &c.Events[i]
	if e.folded == "" && e.Text != "" {
		e.folded = fold(e.Text)
	}
	return e.folded
}

// roleSet says which messages a check of replies reads.
type roleSet struct {
	agent, automated, bot bool
	name                  string // for details: "agent", "agent or bot"
}

// humanReplies are the messages the process checks count as a human reply.
var humanReplies = newRoles(nil)

func newRoles(roles []string) roleSet {
	if len(roles) == 0 {
		roles = []string{config.AutoRoleAgent}
	}
	r := roleSet{
		agent:     slices.Contains(roles, config.AutoRoleAgent),
		automated: slices.Contains(roles, config.AutoRoleAutomated),
		bot:       slices.Contains(roles, config.AutoRoleBot),
	}
	var names []string
	for _, x := range []struct {
		on   bool
		name string
	}{{r.agent, "agent"}, {r.automated, "automated agent"}, {r.bot, "bot"}} {
		if x.on {
			names = append(names, x.name)
		}
	}
	// Made once: a detail names the roles in nearly every verdict.
	r.name = strings.Join(names, " or ")
	return r
}

// reply reports whether e is a public message by one of the roles: a human
// reply (agent), an automated agent message, a bot message.
func (r roleSet) reply(e *Event) bool {
	if e.Type != TypeMessage || e.Private {
		return false
	}
	switch e.Role {
	case RoleAgent:
		if e.Automated {
			return r.automated
		}
		return r.agent
	case RoleBot:
		return r.bot
	}
	return false
}

// String names the roles for details ("agent", "agent or bot").
func (r roleSet) String() string { return r.name }

// isCustomerMessage reports whether e is a message the customer wrote.
func isCustomerMessage(e *Event) bool {
	return e.Type == TypeMessage && e.Role == RoleCustomer
}

// fold is the form phrases are matched in: letters and digits lower-cased
// (Unicode), apostrophes dropped ("I'm" reads "im"), every other run of
// characters one space, with a space at both ends. A phrase, folded the
// same way, matches whole words: " hi " is in " hi anna " but not in
// " this ".
func fold(s string) string { return foldBreaking(s, nil, false) }

// foldBreaking is fold, but each character of s that breaks marks is
// written as a newline (after the space that ends the word before it), so
// that the text's clauses can be told apart in one pass (sentiment). With
// contractions, an apostrophe (' ’ ʼ) that no "t" follows separates words
// instead of vanishing: "I'll" reads "i ll", not the word "ill", and
// "he'll" not "hell", while "don't" still reads "dont" (sentiment).
func foldBreaking(s string, breaks *[utf8.RuneSelf]bool, contractions bool) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for i, r := range s {
		if r < utf8.RuneSelf {
			// ASCII, most of any text, without the Unicode tables: the
			// same result, in a third of the time.
			switch c := byte(r); {
			case breaks != nil && breaks[c]:
				if !space {
					b.WriteByte(' ')
				}
				b.WriteByte('\n')
				space = true
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				b.WriteByte(c)
				space = false
			case 'A' <= c && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
				space = false
			case c == '\'' && !(contractions && separates(s[i+1:])):
			default:
				if !space {
					b.WriteByte(' ')
					space = true
				}
			}
			continue
		}
		if contractions && (r == '\u2019' || r == '\u02bc') && separates(s[i+utf8.RuneLen(r):]) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		space = foldRune(&b, r, space)
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// separates reports whether an apostrophe followed by rest separates the
// words of a contraction ("I'll", "we're", "it's"): it does unless a "t"
// follows, the "n't" that negations are read in ("dont", "cant").
func separates(rest string) bool {
	return rest == "" || rest[0] != 't' && rest[0] != 'T'
}

// foldRune writes r folded through the Unicode tables, as fold defines it,
// after a space when space is true, and returns whether b now ends in a
// space.
func foldRune(b *strings.Builder, r rune, space bool) bool {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
		b.WriteRune(unicode.ToLower(r))
		return false
	case r == '\'' || r == '\u2019' || r == '\u02bc':
		return space
	default:
		if !space {
			b.WriteByte(' ')
		}
		return true
	}
}

package verify_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// The adversarial generator writes conversations that real producers rarely send but the
// contract allows, each built around one hard case (scenarios below) and then extended by a few
// random events: reopens first and repeated, escalations by bots and agents from every state,
// transfers whose event still names the old queue, bursts across resolutions, unanswered final
// bursts on WhatsApp, nudges by two agents in turn, identical timestamps, non-ASCII and emoji
// texts, missing optional fields, and duplicates whose copies differ.

// advGen generates one lake of adversarial conversations.
type advGen struct {
	r      *rand.Rand
	seed   uint64
	base   time.Time
	events []event.Event
}

// advConv builds one conversation, event by event.
type advConv struct {
	g        *advGen
	id       string
	t        time.Time
	zone     *time.Location // the producer's UTC offset
	channel  event.Channel
	queue    string // the queue the producer believes the conversation is in
	customer string
	// dropChannel, dropQueue are the chances that an event leaves the optional field out.
	dropChannel, dropQueue float64
}

var (
	advQueues   = []string{"orders", "billing", "night", "tier2", "bots"}
	advAgents   = []string{"ana", "ben", "chen"}
	advChannels = []event.Channel{event.WhatsApp, event.WhatsApp, event.Messenger, event.Webchat, event.SMS, event.Email, ""}
	advTexts    = []string{
		"Where is my order?", "where is my order", "WHERE IS MY ORDER?!", "Café", "Caf", "café", "Cafe\u0301",
		"カフェはどこですか", "コーヒーをください", "カフェはどこですか。", "🙂", "🙂🙂🙂", "?!", "...", "", "Straße", "STRASSE",
		"١٢٣", "123", "hello", "Hello!", "Ⅻ", "x²", "İstanbul", "istanbul", "thanks", "thanks!!", "Ωμέγα", "ωμέγα",
		"\u00a0", "a\tb\nc", "Ñandú", "ñandu",
	}
	// advLocales are locale tags with and without a region, in every spelling the region rule reads.
	advLocales = []string{"de-DE", "en_gb.UTF-8", "zh-Hant-TW", "es-419", "en", "x", "12-DE", "de-Latn", "", "EN-us",
		"sr_Latn_RS@latin", "de--DE", "ÄÖ-DE", "de-DE-1996", "fr-4190", "de.DE"}
	advTopics = []string{"", "billing", "Where is my order?", "café"}
	advTiers  = []string{"", "gold", "plus"}
)

// attributes are random event attributes for the dimensions: a locale, sometimes a topic (the
// contact reason's attribute in advGen.settings) and a tier, some empty.
func (g *advGen) attributes() map[string]string {
	a := map[string]string{"locale": advLocales[g.r.IntN(len(advLocales))]}
	if g.r.IntN(2) == 0 {
		a["topic"] = advTopics[g.r.IntN(len(advTopics))]
	}
	if g.r.IntN(2) == 0 {
		a["tier"] = advTiers[g.r.IntN(len(advTiers))]
	}
	return a
}

// adversarial generates conversations conversations from seed, as lake rows in ingest order
// (duplicates included, some copies differing), with the settings to build them with.
func adversarial(t testing.TB, seed uint64, conversations int) ([]lake.Row, *config.Config) {
	t.Helper()
	g := &advGen{r: rand.New(rand.NewPCG(seed, 0x5eed)), seed: seed, base: time.Date(2026, 3, 26, 20, 0, 0, 0, time.UTC)}
	for k := range conversations {
		c := g.conversation(k)
		advScenarios[k%len(advScenarios)].build(c)
		for range g.r.IntN(5) {
			c.randomStep()
		}
	}
	for i := range g.events {
		if err := g.events[i].Validate(); err != nil {
			t.Fatalf("generator bug: event %s breaks the contract: %v", g.events[i].EventID, err)
		}
	}
	return g.rows(t), g.settings()
}

func (g *advGen) conversation(k int) *advConv {
	zones := []*time.Location{time.UTC, time.FixedZone("", 3600), time.FixedZone("", -5*3600-1800)}
	c := &advConv{
		g:        g,
		id:       fmt.Sprintf("adv-%d-%02d", g.seed, k),
		t:        g.base.Add(time.Duration(g.r.IntN(5*24*3600)) * time.Second),
		zone:     zones[g.r.IntN(len(zones))],
		channel:  advChannels[g.r.IntN(len(advChannels))],
		queue:    advQueues[g.r.IntN(len(advQueues))],
		customer: fmt.Sprintf("cust-%d", g.r.IntN(4)), // few customers: repeat contacts happen
	}
	if g.r.IntN(4) == 0 {
		c.dropChannel, c.dropQueue = 0.3, 0.3
	}
	return c
}

// settings varies by seed: the defaults, night business hours across the DST change in Berlin
// with a holiday, or windows short enough that every case crosses them; with prices for a
// third of the seeds, some missing. Every seed reads the contact reason from the attribute
// "topic" and gives the others one by rules whose keywords meet the texts' case-folding traps.
func (g *advGen) settings() *config.Config {
	s := config.Default()
	s.Dimensions[config.DimContactReason] = config.Dimension{Attribute: "topic"}
	s.Dimensions[config.DimTier] = config.Dimension{Attribute: "tier"}
	s.Dimensions["lang"] = config.Dimension{Attribute: "locale"}
	s.ContactReasons = []config.ContactReason{
		{Name: "where", Keywords: []string{"where is", "ORDER"}},
		{Name: "café", Keywords: []string{"CAFÉ", "straße", "İstanbul", "ΩΜΈΓΑ", "ñandú", "x2"}},
		{Name: "digits", Patterns: []string{`\d{3}`, `(?i)hello\b`}},
		{Name: "emoji", Patterns: []string{"🙂"}, Keywords: []string{"a b c"}},
	}
	hour, bot, q := 30.0, 0.25, 45.5
	switch g.seed % 3 {
	case 1:
		s.Cost = config.Cost{AgentHour: &hour, Queues: map[string]config.QueueCost{"tier2": {AgentHour: &q}}, Channels: map[string]float64{"whatsapp": 0.0785}}
	case 2:
		s.Cost = config.Cost{AgentHour: &hour, BotConversation: &bot, Channels: map[string]float64{"sms": 0.01, "unknown": 3, "line": 2}} // "unknown": conversations without a channel; line: none in these events
	}
	switch g.seed % 3 {
	case 1:
		s.TimeZone = "Europe/Berlin"
		s.Queues = map[string]config.Queue{
			"night":  {Hours: config.Schedule{TimeZone: "Europe/Berlin", Weekly: weekdays("22:00-06:00"), Holidays: []string{"2026-03-30"}}},
			"orders": {Hours: config.Schedule{Weekly: map[string][]string{"sat": {"09:00-13:00"}, "sun": {"23:00-01:00"}, "mon": {"00:00-24:00"}}}},
		}
		s.BusinessHours = config.Schedule{Weekly: weekdays("08:00-18:00")}
	case 2:
		s.TimeZone = "Asia/Kolkata"
		s.Windows = config.Windows{
			RepeatContact: config.Duration(2 * time.Hour), EscalationEffective: config.Duration(30 * time.Minute),
			Reopen: config.Duration(time.Hour), IdleComplete: config.Duration(time.Hour),
		}
		s.ReplyWindows = map[string]config.Duration{"whatsapp": config.Duration(time.Hour), "messenger": config.Duration(10 * time.Minute), "webchat": config.Duration(2 * time.Minute)}
		s.SLA = map[string]config.SLA{"whatsapp": {FirstResponse: config.Duration(time.Minute), Goal: 0.5}}
	}
	return s
}

// rows turns the generated events into lake rows: some events delivered twice, the copies
// differing in content, ingested in an order that sometimes keeps the changed copy, with ties on
// ingested_at broken by source, partition and offset.
func (g *advGen) rows(t testing.TB) []lake.Row {
	t.Helper()
	var out []lake.Row
	sources := []string{"kafka", "import"}
	ingest := g.base.Add(10 * 24 * time.Hour)
	offset := int64(0)
	add := func(ev *event.Event) {
		offset++
		at := ingest.Add(time.Duration(g.r.IntN(3)) * time.Second) // few distinct instants: ties
		r, err := lake.FromEvent(ev, sources[g.r.IntN(len(sources))], int32(g.r.IntN(2)), offset, at)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	for i := range g.events {
		ev := g.events[i]
		add(&ev)
		if g.r.IntN(8) != 0 {
			continue
		}
		dup := g.changedCopy(ev)
		add(&dup)
	}
	return out
}

// changedCopy is a second delivery of ev with the same event_id and other content, even another
// conversation_id.
func (g *advGen) changedCopy(ev event.Event) event.Event {
	dup := ev
	switch g.r.IntN(6) {
	case 0:
		if ev.Message != nil {
			m := *ev.Message
			m.Text = advTexts[g.r.IntN(len(advTexts))]
			m.Private = !m.Private
			dup.Message = &m
		}
	case 1:
		dup.OccurredAt = ev.OccurredAt.Add(time.Duration(g.r.IntN(7200)-3600) * time.Second)
	case 2:
		dup.Queue = advQueues[g.r.IntN(len(advQueues))]
		dup.Channel = ""
	case 3:
		if ev.Actor != nil {
			a := *ev.Actor
			a.ID = ""
			dup.Actor = &a
		}
	case 4:
		dup.Attributes = map[string]string{"copy": "second", "ü": "✓"}
	case 5:
		// The same event_id in another conversation: whichever copy is kept decides where it is.
		other := g.events[g.r.IntN(len(g.events))].ConversationID
		dup.ConversationID = other
	}
	return dup
}

// emit appends an event of the conversation at its current time.
func (c *advConv) emit(typ event.Type, actor *event.Actor) *event.Event {
	ev := event.Event{
		EventID:        fmt.Sprintf("%s-e%03d", c.id, len(c.g.events)),
		ConversationID: c.id,
		Type:           typ,
		OccurredAt:     c.t.In(c.zone),
		Channel:        c.channel,
		Queue:          c.queue,
		Actor:          actor,
	}
	if c.g.r.Float64() < c.dropChannel {
		ev.Channel = ""
	}
	if c.g.r.Float64() < c.dropQueue {
		ev.Queue = ""
	}
	if c.g.r.IntN(4) == 0 {
		// Any event may carry attributes; the first that holds one decides a dimension.
		ev.Attributes = c.g.attributes()
	}
	c.g.events = append(c.g.events, ev)
	return &c.g.events[len(c.g.events)-1]
}

// wait moves the conversation's clock.
func (c *advConv) wait(d time.Duration) *advConv { c.t = c.t.Add(d); return c }

// jitter moves the clock by a random small step, often none (identical timestamps).
func (c *advConv) jitter() *advConv {
	steps := []time.Duration{0, 0, time.Microsecond, time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 25 * time.Hour}
	return c.wait(steps[c.g.r.IntN(len(steps))])
}

func (c *advConv) customerActor() *event.Actor {
	if c.g.r.IntN(6) == 0 {
		return &event.Actor{Role: event.RoleCustomer} // no actor.id
	}
	return &event.Actor{Role: event.RoleCustomer, ID: c.customer}
}

func (c *advConv) start() *advConv {
	c.emit(event.ConversationStarted, c.customerActor())
	return c
}

func (c *advConv) says(role, id, text string, private, automated bool) *advConv {
	ev := c.emit(event.MessageSent, &event.Actor{Role: role, ID: id})
	if role == event.RoleCustomer {
		ev.Actor = c.customerActor()
	}
	ev.Message = &event.Message{Text: text, Private: private, Automated: automated}
	return c
}

func (c *advConv) customerSays(text string) *advConv {
	return c.says(event.RoleCustomer, "", text, false, false)
}
func (c *advConv) agentSays(id string) *advConv {
	return c.says(event.RoleAgent, id, "Let me check that for you.", false, false)
}
func (c *advConv) botSays() *advConv {
	return c.says(event.RoleBot, "bot-1", "I am the bot 🤖", false, false)
}

// route emits a routing event; the event's own queue field still names the queue before it.
func (c *advConv) route(typ event.Type, actorRole, actorID, toRole, toID, toQueue string) *advConv {
	var actor *event.Actor
	if actorRole != "" {
		actor = &event.Actor{Role: actorRole, ID: actorID}
	}
	ev := c.emit(typ, actor)
	ev.To = &event.Target{Role: toRole, ID: toID, Queue: toQueue}
	return c
}

// moveTo makes later events name queue (the producer caught up with a routing).
func (c *advConv) moveTo(queue string) *advConv { c.queue = queue; return c }

func (c *advConv) status(typ event.Type, actorRole string) *advConv {
	var actor *event.Actor
	if actorRole != "" {
		actor = &event.Actor{Role: actorRole}
	}
	c.emit(typ, actor)
	return c
}

func (c *advConv) resolve() *advConv { return c.status(event.Resolved, event.RoleAgent) }
func (c *advConv) reopen() *advConv  { return c.status(event.Reopened, event.RoleSystem) }

func (c *advConv) csat(score int) *advConv {
	ev := c.emit(event.CSATAnswered, c.customerActor())
	ev.CSAT = &event.CSAT{Score: score}
	return c
}

// randomStep adds one random event after a random pause.
func (c *advConv) randomStep() {
	c.jitter()
	r := c.g.r
	agent := advAgents[r.IntN(len(advAgents))]
	if r.IntN(8) == 0 {
		agent = "" // no actor.id
	}
	roles := []string{event.RoleAgent, event.RoleBot}
	switch r.IntN(12) {
	case 0, 1, 2:
		c.customerSays(advTexts[r.IntN(len(advTexts))])
	case 3, 4:
		c.says(event.RoleAgent, agent, advTexts[r.IntN(len(advTexts))], r.IntN(4) == 0, r.IntN(4) == 0)
	case 5:
		c.says([]string{event.RoleBot, event.RoleSystem}[r.IntN(2)], "bot-1", "auto", r.IntN(4) == 0, r.IntN(2) == 0)
	case 6:
		types := []event.Type{event.Assigned, event.Escalated, event.Transferred}
		toQueue := ""
		if r.IntN(3) > 0 {
			toQueue = advQueues[r.IntN(len(advQueues))]
		}
		c.route(types[r.IntN(3)], []string{"", event.RoleAgent, event.RoleBot, event.RoleSystem}[r.IntN(4)], agent,
			roles[r.IntN(2)], agent, toQueue)
		if r.IntN(2) == 0 && toQueue != "" {
			c.moveTo(toQueue)
		}
	case 7:
		c.resolve()
	case 8:
		c.reopen()
	case 9:
		c.csat(1 + r.IntN(5))
	case 10:
		c.says(event.RoleAgent, agent, "Are you still there?", false, r.IntN(2) == 0)
	case 11:
		c.channel = advChannels[r.IntN(len(advChannels))] // a later event names another channel
		c.customerSays("still here")
	}
}

// advScenarios are the hard cases, one per conversation in turn.
var advScenarios = []struct {
	name  string
	build func(c *advConv)
}{
	{"reopen as the first event", func(c *advConv) {
		c.reopen().wait(time.Second).customerSays("I'm back").wait(5 * time.Minute).agentSays("ana").wait(time.Minute).resolve()
	}},
	{"reopen after resolve after reopen", func(c *advConv) {
		c.start().customerSays("hi").wait(2 * time.Minute).agentSays("ana").wait(time.Minute).resolve()
		c.wait(3 * 24 * time.Hour).reopen().customerSays("again").wait(4 * time.Minute).customerSays("hello?").wait(time.Minute).resolve()
		c.wait(2 * time.Hour).reopen().wait(30 * time.Second).customerSays("third time").wait(26 * time.Hour).agentSays("ben").wait(time.Minute).resolve()
	}},
	{"bot and tier escalations by bots and agents", func(c *advConv) {
		c.start().customerSays("help").wait(2 * time.Second).botSays()
		c.wait(time.Minute).route(event.Escalated, event.RoleBot, "bot-1", event.RoleAgent, "", "orders").moveTo("orders")
		c.wait(3*time.Minute).agentSays("ana").wait(time.Minute).route(event.Escalated, event.RoleAgent, "ana", event.RoleAgent, "", "tier2").moveTo("tier2")
		c.wait(time.Minute).route(event.Escalated, event.RoleBot, "bot-1", event.RoleAgent, "chen", "")
		c.wait(time.Minute).route(event.Escalated, event.RoleAgent, "chen", event.RoleBot, "bot-1", "bots").moveTo("bots")
		c.wait(time.Minute).botSays().wait(time.Minute).route(event.Escalated, event.RoleSystem, "", event.RoleAgent, "", "orders")
		c.wait(10 * time.Minute).agentSays("ben").wait(time.Hour).resolve()
	}},
	{"transfer whose event names the old queue", func(c *advConv) {
		c.start().customerSays("wrong team?").wait(time.Minute).route(event.Transferred, event.RoleAgent, "ana", event.RoleAgent, "", "billing")
		c.wait(time.Minute).customerSays("ok") // the producer still says the old queue
		c.wait(time.Minute).route(event.Escalated, event.RoleAgent, "ana", event.RoleAgent, "", "")
		c.wait(time.Minute).route(event.Assigned, event.RoleSystem, "", event.RoleAgent, "ben", "").moveTo("billing")
		c.wait(time.Minute).agentSays("ben").wait(time.Minute).resolve()
	}},
	{"customer bursts across resolutions", func(c *advConv) {
		c.start().customerSays("one").wait(3 * time.Minute).customerSays("two").wait(time.Minute).resolve()
		c.wait(5 * time.Minute).customerSays("three").wait(3 * time.Minute).customerSays("four")
		c.wait(time.Minute).reopen().wait(time.Minute).customerSays("five").wait(10 * time.Minute).agentSays("ana")
		c.wait(time.Minute).resolve().wait(time.Minute).customerSays("thanks").wait(30 * time.Hour).agentSays("ana")
	}},
	{"unanswered final burst on WhatsApp", func(c *advConv) {
		c.channel = event.WhatsApp
		c.start().customerSays("hello").wait(time.Minute).agentSays("ana")
		c.wait(time.Hour).customerSays("more").wait(time.Hour).customerSays("anyone?").wait(3 * time.Hour).customerSays("???")
	}},
	{"nudges by two agents in turn", func(c *advConv) {
		c.start().customerSays("question").wait(time.Minute).agentSays("ana").wait(time.Minute).agentSays("ben")
		c.wait(3 * time.Minute).agentSays("ana").wait(3 * time.Minute).agentSays("ben")
		c.wait(10*time.Minute).says(event.RoleAgent, "ana", "Closing soon", false, true)
		c.wait(90 * time.Second).agentSays("ana").wait(time.Minute).customerSays("here").wait(5 * time.Minute).agentSays("ben")
		c.wait(2 * time.Minute).agentSays("ben").wait(time.Minute).resolve()
	}},
	{"identical timestamps", func(c *advConv) {
		c.start().customerSays("same instant").botSays().route(event.Escalated, event.RoleBot, "bot-1", event.RoleAgent, "", "tier2")
		c.route(event.Assigned, "", "", event.RoleAgent, "chen", "").agentSays("chen").resolve().csat(4).reopen().customerSays("same instant")
	}},
	{"non-ASCII and emoji-only texts", func(c *advConv) {
		c.start()
		for _, text := range []string{"Café", "Caf", "café!", "🙂", "🙂", "カフェはどこですか", "コーヒーをください", "カフェはどこですか。", "?!", "?!", "İstanbul", "istanbul"} {
			c.wait(time.Duration(c.g.r.IntN(200)) * time.Second).customerSays(text)
		}
		c.wait(time.Minute).agentSays("ana").wait(time.Minute).resolve()
	}},
	{"missing optional fields", func(c *advConv) {
		c.channel, c.queue = "", ""
		c.status(event.ConversationStarted, "").customerSays("no channel, no queue").wait(time.Minute)
		c.says(event.RoleAgent, "", "who am I?", false, false).wait(time.Minute)
		c.route(event.Assigned, "", "", event.RoleAgent, "", "").wait(time.Minute).agentSays("ana").wait(time.Minute).resolve()
	}},
	{"outbound opener, window answered late", func(c *advConv) {
		c.channel = event.Messenger
		c.start().says(event.RoleAgent, "ana", "Your parcel is delayed", false, true).wait(time.Minute).agentSays("ana")
		c.wait(time.Hour).customerSays("ok why").wait(24 * time.Hour).agentSays("ana").wait(time.Second).customerSays("hm")
		c.wait(25 * time.Hour).botSays().wait(time.Minute).resolve()
	}},
	{"first queue named by a routing event", func(c *advConv) {
		c.queue = ""
		c.start().customerSays("which team?").wait(time.Minute)
		c.queue = "orders" // the routing event's own field names one queue, its to.queue another
		c.route(event.Assigned, event.RoleSystem, "", event.RoleAgent, "ana", "night").moveTo("night")
		c.wait(7 * time.Hour).agentSays("ana").wait(2 * 24 * time.Hour).resolve()
	}},
	{"random walk", func(c *advConv) {
		c.start()
		for range 10 {
			c.randomStep()
		}
	}},
}

// FuzzAdversarial builds a warehouse from adversarial conversations and requires it to agree
// with the specification. `go test` runs the seeds in testdata/fuzz/FuzzAdversarial; `go test
// -fuzz FuzzAdversarial ./metrics/verify/` searches for more (a failing input is saved there).
func FuzzAdversarial(f *testing.F) {
	f.Fuzz(func(t *testing.T, seed uint64, size uint8) {
		n := len(advScenarios) + int(size)%(3*len(advScenarios))
		rows, settings := adversarial(t, seed, n)
		requireAgreement(t, fmt.Sprintf("adversarial seed %d, %d conversations", seed, n), rows, settings)
	})
}

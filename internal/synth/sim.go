package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// kind is what an action does when its time comes.
type kind uint8

const (
	kArrival    kind = iota // draw the next arrival and start it
	kStart                  // start a prepared conversation (repeat contact)
	kDay                    // local midnight: roster the day (n = day index)
	kShiftOn                // agent a starts work
	kShiftOff               // agent a stops taking chats
	kCustomer               // customer message; n = messages left in the burst
	kBot                    // the bot answers
	kAgentReply             // the holding agent writes a public reply
	kAgentAuto              // automated greeting from the agent's account
	kAgentNote              // private note (n: noteFirst or noteRoute)
	kSystemMsg              // automated system message (n: sysAck or sysPosition)
	kOutbound               // proactive opener
	kRoute                  // hand-off event (n: routeBot, routeTransfer, routeEscalate)
	kResolve                // resolution by whoever holds the conversation
	kCSAT                   // survey answer (n = score)
	kReopen                 // the customer reopens a resolved conversation
	kDispatch               // the router offers queue n's waiting conversations to free agents
	// Timers below are cancelled by any change of the conversation's epoch.
	kWaitNudge     // customer nudges while queued
	kAbandon       // customer gives up waiting
	kAgentNudge    // agent asks whether the customer is still there (n = count)
	kInactiveClose // agent closes a chat the customer left
	kAutoClose     // system closes a conversation nobody answered
)

// state is where a conversation stands.
type state uint8

const (
	stNew      state = iota // customer has written; no bot; not queued yet
	stBot                   // talking to the bot
	stWaiting               // in a queue
	stAgent                 // held by an agent (counts against their concurrency)
	stPending               // waiting on the customer; the agent's slot is free
	stOutbound              // proactive opener sent, no reply yet
	stDone                  // resolved
	stGone                  // abandoned, never resolved
)

// say is what the customer's next burst is about.
type say uint8

const (
	sayOpening say = iota
	sayKeyword
	sayWantHuman
	sayBotThanks
	sayAnswer
	sayThanks
	sayReopen
	sayProactiveReply
)

// What the bot's conversation will come to, decided when it starts.
const (
	botHandoff = iota
	botContained
	botAbandoned
)

// Hand-offs, carried in action.n of kRoute and in conv.route.
const (
	routeNone = iota
	routeBot
	routeTransfer
	routeEscalate
)

// Which note (kAgentNote) or system message (kSystemMsg) to write.
const (
	noteFirst   = 0
	noteRoute   = 1
	sysAck      = 0
	sysPosition = 1
)

// conv is one conversation's simulation state.
type conv struct {
	id     string
	cust   *customer
	ch     *channelSpec
	chIdx  int
	intent int
	attrs  map[string]string
	// queue is where the conversation is now; home is the queue that can
	// actually solve it (they differ when it was misrouted).
	queue, home int8
	state       state
	say         say
	burstIdx    int
	// epoch changes whenever a pending timer should no longer fire.
	epoch uint32
	// agent holds the chat in stAgent; otherwise it is the last agent,
	// who gets it back when the customer returns, if free.
	agent      *agent
	routedBy   *agent // who transferred or escalated it last: not the one to pick it up
	botOutcome int
	proactive  bool
	tier2      bool
	ghost      bool // the customer has left without saying so
	// The current agent's plan: replies left, and a hand-off at round routeAt.
	planned bool
	rounds  int
	round   int
	route   int
	routeAt int
	// Experience, for CSAT, reopen and repeat decisions.
	waitStart, waited int64
	abandonAt         int64
	transfers         int
	escalations       int
	custNudges        int
	agentNudges       int
	agentsSeen        int
	episode           int
	// Details that stay the same within the conversation.
	order, amount, date string
	// lineSeed and custLines walk the customer's answers in a
	// conversation-specific order, so that they do not repeat too soon.
	lineSeed, custLines int
	// greeted: an agent has replied already (only the first reply greets).
	greeted bool
}

// waitQueue is a FIFO of conversations. Entries go stale instead of being
// removed (a customer abandons, a timer fires): each remembers the epoch
// it was queued at.
type waitQueue struct {
	items []qitem
	head  int
}

type qitem struct {
	c     *conv
	epoch uint32
}

func (w *waitQueue) push(c *conv) { w.items = append(w.items, qitem{c, c.epoch}) }

func (w *waitQueue) front() *conv {
	for w.head < len(w.items) {
		it := w.items[w.head]
		if it.c.epoch == it.epoch && it.c.state == stWaiting {
			return it.c
		}
		w.items[w.head] = qitem{}
		w.head++
	}
	w.items, w.head = w.items[:0], 0
	return nil
}

func (w *waitQueue) pop() *conv {
	c := w.front()
	if c != nil {
		w.items[w.head] = qitem{}
		w.head++
		if w.head > 1024 && w.head > len(w.items)/2 {
			n := copy(w.items, w.items[w.head:])
			w.items, w.head = w.items[:n], 0
		}
	}
	return c
}

// size counts the queue including stale entries: good enough for "you are number N".
func (w *waitQueue) size() int { return len(w.items) - w.head }

// sim is one run of the simulation.
type sim struct {
	cfg       Config
	emitFn    func(*event.Event) error
	rng       *rand.Rand
	loc       *time.Location
	start     time.Time // local midnight of day 0
	end       int64     // local midnight after the last day
	now       int64
	seq       uint64
	actions   actionQueue
	held      minHeap[held, *held]
	arr       *arrivals
	next      arrival
	roster    *roster
	queues    [numQueues]waitQueue
	prim, sec [numQueues][]*agent // on-shift agents per queue: own queue, helping out
	customers []*customer
	live      int // conversations neither resolved nor abandoned
	convN     uint64
	eventN    uint64
	keys      [3]uint64
	stats     Stats
	err       error
	buf       []byte
	team      int8 // the queue {team} names in the template being rendered
	pos       int  // {pos} in the template being rendered
	// habits draws the agents' habits (habits.go), apart from rng so that
	// they change no event of the simulation.
	habits *rand.Rand

	actorBot, actorRouter, actorSystem *event.Actor
}

func newSim(cfg Config, emit func(*event.Event) error) *sim {
	y, m, d := cfg.Start.In(cfg.TZ).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, cfg.TZ)
	s := &sim{
		cfg:         cfg,
		emitFn:      emit,
		rng:         rand.New(rand.NewPCG(uint64(cfg.Seed), 0x73696d756c617465)), // "simulate"
		habits:      rand.New(rand.NewPCG(uint64(cfg.Seed), 0x68616269747321)),   // "habits!"
		loc:         cfg.TZ,
		start:       start,
		end:         start.AddDate(0, 0, cfg.Days).UnixMilli(),
		actorBot:    &event.Actor{Role: event.RoleBot, ID: "parley-assistant"},
		actorRouter: &event.Actor{Role: event.RoleSystem, ID: "router"},
		actorSystem: &event.Actor{Role: event.RoleSystem, ID: "autoresponder"},
	}
	for i := range s.keys {
		s.keys[i] = mix64(uint64(cfg.Seed) + uint64(i+1)*0x9E3779B97F4A7C15)
	}
	s.arr = newArrivals(cfg, start)
	s.roster = newRoster(cfg, s.rng)
	return s
}

// mix64 is splitmix64's finalizer: a bijection on uint64, so scrambled
// counters stay unique.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

func (s *sim) run(ctx context.Context) error {
	s.nextArrival()
	s.schedule(s.start.UnixMilli(), kDay, nil, nil, 0)
	for i := 0; s.actions.len() > 0; i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("synth: %w", err)
			}
		}
		a := s.actions.pop()
		s.releaseHeld(a.at)
		s.now = a.at
		s.handle(&a)
		if s.err != nil {
			return s.err
		}
	}
	s.releaseHeld(math.MaxInt64)
	return s.err
}

func (s *sim) schedule(at int64, k kind, c *conv, a *agent, n int) {
	s.seq++
	x := action{at: at, seq: s.seq, kind: k, n: int32(n), c: c, a: a}
	if c != nil {
		x.epoch = c.epoch
	}
	s.actions.push(x)
}

// after schedules k for conversation c, delay ms from now.
func (s *sim) after(delay int64, k kind, c *conv, n int) { s.schedule(s.now+delay, k, c, nil, n) }

func (s *sim) handle(a *action) {
	c := a.c
	if a.kind >= kWaitNudge && a.epoch != c.epoch {
		return // the situation the timer was set for has passed
	}
	switch a.kind {
	case kArrival:
		s.onArrival()
	case kStart:
		s.startConv(c)
	case kDay:
		s.onDay(int(a.n))
	case kShiftOn:
		s.shiftOn(a.a)
	case kShiftOff:
		s.shiftOff(a.a)
	case kCustomer:
		s.onCustomer(c, int(a.n))
	case kBot:
		s.onBot(c)
	case kAgentReply:
		s.onAgentReply(c)
	case kAgentAuto:
		if c.state == stAgent {
			s.team = c.queue
			s.message(c, c.agent.actor, s.render(oneOf(s.rng, tAutoGreet), c, c.agent), false, true)
		}
	case kAgentNote:
		s.onNote(c, int(a.n))
	case kSystemMsg:
		s.onSystemMsg(c, int(a.n))
	case kOutbound:
		s.onOutbound(c)
	case kRoute:
		s.onRoute(c, int(a.n))
	case kResolve:
		s.onResolve(c)
	case kCSAT:
		ev := s.newEvent(c, event.CSATAnswered, c.cust.actor)
		ev.CSAT = &event.CSAT{Score: int(a.n)}
		s.emit(ev)
	case kReopen:
		s.onReopen(c)
	case kDispatch:
		s.dispatch(int8(a.n))
	case kWaitNudge:
		s.onWaitNudge(c)
	case kAbandon:
		if c.state == stWaiting {
			if s.rng.Float64() < 0.2 {
				s.message(c, c.cust.actor, s.render(oneOf(s.rng, tGiveUp), c, nil), false, false)
			}
			s.gone(c, 0.4)
		}
	case kAgentNudge:
		s.onAgentNudge(c, int(a.n))
	case kInactiveClose:
		if c.state == stAgent {
			s.message(c, c.agent.actor, s.agentText(c, oneOf(s.rng, tAgentClose)), false, false)
			s.after(between(s.rng, 3*second, 20*second), kResolve, c, 0)
		}
	case kAutoClose:
		if c.state == stPending || c.state == stOutbound {
			s.onResolve(c)
		}
	}
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// ---- arrivals and conversation starts

func (s *sim) nextArrival() {
	if ar, ok := s.arr.next(); ok {
		s.next = ar
		s.schedule(ar.at, kArrival, nil, nil, 0)
	}
}

func (s *sim) onArrival() {
	ar := s.next
	var cu *customer
	if len(s.customers) > 0 && s.rng.Float64() < returningShare {
		cu = s.customers[s.rng.IntN(len(s.customers))]
	} else {
		cu = s.newCustomer(s.rng)
	}
	c := s.newConv(cu, ar.intent, ar.channel, ar.proactive)
	s.startConv(c)
	s.nextArrival()
}

func (s *sim) newConv(cu *customer, intentIdx, channelIdx int, proactive bool) *conv {
	n := s.convN
	s.convN++
	in := &intents[intentIdx]
	c := &conv{
		id:        fmt.Sprintf("conv_%016x", mix64(n^s.keys[1])),
		cust:      cu,
		ch:        &channels[channelIdx],
		chIdx:     channelIdx,
		intent:    intentIdx,
		queue:     in.queue,
		home:      in.queue,
		proactive: proactive,
		lineSeed:  s.rng.IntN(64),
	}
	if !proactive && s.rng.Float64() < 0.08 {
		// Misrouted by the menu or the bot: a tier-1 agent will transfer it.
		c.queue = (in.queue + 1 + int8(s.rng.IntN(numTier1-1))) % numTier1
	}
	c.attrs = map[string]string{
		"locale":        locales[cu.locale],
		"customer_tier": tiers[cu.tier],
		"intent":        in.name,
	}
	if c.ch.ch == event.InApp {
		c.attrs["app_version"] = fmt.Sprintf("4.%d.%d", 15+s.rng.IntN(5), s.rng.IntN(4))
	}
	if proactive {
		c.attrs["campaign"] = "proactive_" + in.name
	}
	return c
}

func (s *sim) startConv(c *conv) {
	s.live++
	s.stats.Conversations++
	actor := c.cust.actor
	if c.proactive {
		if on := s.prim[c.queue]; len(on) > 0 {
			c.agent = on[s.rng.IntN(len(on))]
			actor = c.agent.actor
		} else {
			actor = s.actorSystem
		}
	}
	ev := s.newEvent(c, event.ConversationStarted, actor)
	ev.Attributes = c.attrs
	s.emit(ev)
	if c.proactive {
		c.state = stOutbound
		s.after(between(s.rng, 2*second, 20*second), kOutbound, c, 0)
		return
	}
	if s.rng.Float64() < c.ch.bot {
		c.state = stBot
		in := &intents[c.intent]
		switch u := s.rng.Float64(); {
		case u < in.botContain:
			c.botOutcome = botContained
		case u < in.botContain+in.botAbandon:
			c.botOutcome = botAbandoned
		default:
			c.botOutcome = botHandoff
		}
	}
	s.burst(c, sayOpening, between(s.rng, 300, 3*second))
}

// ---- the customer

// burst schedules the customer's next burst of messages, delay ms from now.
func (s *sim) burst(c *conv, what say, delay int64) {
	c.say, c.burstIdx = what, 0
	n := 1
	if c.ch.pace != paceEmail {
		switch what {
		case sayOpening, sayReopen:
			n = pick(s.rng, openingBurst)
		case sayAnswer, sayKeyword:
			n = pick(s.rng, answerBurst)
		}
	}
	s.after(delay, kCustomer, c, n)
}

var (
	openingBurst = []weighted{{1, 0.5}, {2, 0.3}, {3, 0.13}, {4, 0.05}, {5, 0.02}}
	answerBurst  = []weighted{{1, 0.7}, {2, 0.22}, {3, 0.08}}
)

// hostileShare of customer messages carry a string that would do harm if
// rendered or executed unescaped.
const hostileShare = 0.004

func (s *sim) onCustomer(c *conv, left int) {
	if c.burstIdx == 0 && (c.state == stAgent || c.state == stPending) {
		c.epoch++ // the customer is back: cancel nudges and auto-close
	}
	var t tmpl
	it := &itmpl[c.intent]
	if c.burstIdx > 0 {
		if s.rng.IntN(5) < 3 {
			t = oneOf(s.rng, tExtra)
		} else {
			t = oneOf(s.rng, it.more)
		}
	} else {
		switch c.say {
		case sayOpening:
			t = oneOf(s.rng, it.open)
		case sayKeyword:
			t = oneOf(s.rng, it.keyword)
		case sayWantHuman:
			t = oneOf(s.rng, tWantHuman)
		case sayBotThanks:
			t = oneOf(s.rng, tBotThanks)
		case sayAnswer:
			t = it.more[(c.lineSeed+c.custLines)%len(it.more)]
			c.custLines++
		case sayThanks:
			t = oneOf(s.rng, tThanks)
		case sayReopen:
			t = oneOf(s.rng, tReopen)
		case sayProactiveReply:
			t = oneOf(s.rng, tProactiveReply)
		}
	}
	text := s.render(t, c, c.agent)
	if s.rng.Float64() < hostileShare {
		h := s.render(oneOf(s.rng, tHostileList), c, nil)
		if s.rng.IntN(2) == 0 {
			text = h
		} else {
			text += " " + h
		}
	}
	if c.ch.pace == paceEmail {
		text = "Hi,\n\n" + text + "\n\nThanks,\n" + c.cust.first() + " " + c.cust.last()
	}
	s.message(c, c.cust.actor, text, false, false)
	c.burstIdx++
	if left > 1 {
		gap := between(s.rng, 3*second, 25*second)
		if c.ch.pace == paceAsync {
			gap = between(s.rng, 5*second, 90*second)
		}
		s.after(gap, kCustomer, c, left-1)
		return
	}
	s.afterBurst(c)
}

func (s *sim) afterBurst(c *conv) {
	switch c.state {
	case stBot:
		s.after(between(s.rng, 800, 3*second), kBot, c, 0)
	case stNew:
		if c.episode == 0 && s.rng.Float64() < c.ch.autoReply {
			s.after(between(s.rng, 1*second, 5*second), kSystemMsg, c, sysAck)
		}
		s.enqueue(c, c.queue)
	case stOutbound, stPending:
		s.reattach(c)
	case stAgent:
		if c.say == sayThanks {
			s.after(between(s.rng, 10*second, 90*second), kResolve, c, 0)
		} else {
			s.after(s.think(c, 45*second), kAgentReply, c, 0)
		}
	}
}

// replyDelay is how long the customer takes to answer, by channel pace.
func (s *sim) replyDelay(c *conv) int64 {
	switch c.ch.pace {
	case paceLive:
		return min(25*minute, 5*second+logNormal(s.rng, 40*second, 0.8))
	case paceAsync:
		switch u := s.rng.Float64(); {
		case u < 0.65:
			return 10*second + logNormal(s.rng, 2*minute, 0.9)
		case u < 0.93:
			return logNormal(s.rng, 40*minute, 1.0)
		default:
			return logNormal(s.rng, 20*hour, 0.5)
		}
	default:
		return logNormal(s.rng, 3*hour, 1.0)
	}
}

// Patience in the queue and the time to the first impatient nudge, by pace.
func (s *sim) patience(c *conv) (giveUp, nudge int64) {
	switch c.ch.pace {
	case paceLive:
		return 30*second + expo(s.rng, 9*minute), 45*second + expo(s.rng, 3*minute)
	case paceAsync:
		return 2*minute + expo(s.rng, 8*hour), 10*minute + expo(s.rng, 40*minute)
	default:
		return hour + expo(s.rng, 5*day), 12*hour + expo(s.rng, day)
	}
}

// expectedWait is what a customer on this channel considers a normal wait.
func expectedWait(p pace) int64 {
	switch p {
	case paceLive:
		return 2 * minute
	case paceAsync:
		return 15 * minute
	default:
		return 4 * hour
	}
}

func (s *sim) onWaitNudge(c *conv) {
	if c.state != stWaiting {
		return
	}
	s.message(c, c.cust.actor, s.render(oneOf(s.rng, tWaitNudge), c, nil), false, false)
	c.custNudges++
	_, next := s.patience(c)
	if at := s.now + next; at < c.abandonAt && c.custNudges < 3 {
		s.schedule(at, kWaitNudge, c, nil, 0)
	}
}

// gone abandons c; with probability retry the customer tries again later.
func (s *sim) gone(c *conv, retry float64) {
	c.state = stGone
	c.epoch++
	s.live--
	if s.rng.Float64() < retry {
		s.repeat(c, max(5*minute, logNormal(s.rng, 3*hour, 1.2)))
	}
}

// repeat schedules a new conversation by the same customer, delay ms from now.
func (s *sim) repeat(c *conv, delay int64) {
	if s.now+delay >= s.end {
		return
	}
	intentIdx, channelIdx := c.intent, c.chIdx
	if s.rng.Float64() < 0.2 {
		intentIdx = pick(s.rng, intentMix)
	}
	if s.rng.Float64() < 0.4 {
		channelIdx = pick(s.rng, channelMix)
	}
	nc := s.newConv(c.cust, intentIdx, channelIdx, false)
	s.schedule(s.now+delay, kStart, nc, nil, 0)
}

// ---- the bot

func (s *sim) onBot(c *conv) {
	if c.state != stBot {
		return
	}
	s.team = c.queue
	it := &itmpl[c.intent]
	wait := func() int64 {
		if c.ch.pace == paceLive {
			return logNormal(s.rng, 15*second, 0.7)
		}
		return logNormal(s.rng, 40*second, 1.0)
	}
	switch c.say {
	case sayOpening:
		s.message(c, s.actorBot, s.render(oneOf(s.rng, tBotGreet), c, nil), false, false)
		switch {
		case c.botOutcome == botAbandoned && s.rng.Float64() < 0.4:
			s.gone(c, 0.3)
		case c.botOutcome == botHandoff && s.rng.Float64() < 0.3:
			s.burst(c, sayWantHuman, wait())
		default:
			s.burst(c, sayKeyword, wait())
		}
	case sayKeyword:
		s.message(c, s.actorBot, s.render(oneOf(s.rng, it.botAnswer), c, nil), false, false)
		switch c.botOutcome {
		case botContained:
			s.burst(c, sayBotThanks, wait())
		case botAbandoned:
			s.gone(c, 0.3)
		default:
			s.burst(c, sayWantHuman, wait())
		}
	case sayWantHuman:
		s.message(c, s.actorBot, s.render(oneOf(s.rng, tBotConnect), c, nil), false, false)
		s.after(between(s.rng, 500, 2*second), kRoute, c, routeBot)
	case sayBotThanks:
		s.message(c, s.actorBot, s.render(oneOf(s.rng, tBotBye), c, nil), false, false)
		s.after(between(s.rng, 1*second, 3*second), kResolve, c, 0)
	}
}

// ---- queues and agents

func (s *sim) enqueue(c *conv, q int8) {
	c.queue, c.state = q, stWaiting
	c.epoch++
	c.waitStart = s.now
	s.queues[q].push(c)
	giveUp, nudge := s.patience(c)
	c.abandonAt = s.now + giveUp
	s.schedule(c.abandonAt, kAbandon, c, nil, 0)
	if nudge < giveUp {
		s.after(nudge, kWaitNudge, c, 0)
	}
	if c.ch.pace == paceLive && s.queues[q].size() >= 3 && s.rng.Float64() < 0.6 {
		s.after(between(s.rng, 2*second, 6*second), kSystemMsg, c, sysPosition)
	}
	// Routing takes a moment, which also keeps the assignment from sharing
	// a timestamp with the hand-off that queued the conversation (ties on
	// occurred_at are ordered by type downstream, assigned before escalated).
	s.schedule(s.now+between(s.rng, 300, 1500), kDispatch, nil, nil, int(q))
}

// dispatch hands waiting conversations of q to free agents: the least
// loaded of the queue's own agents first, then helpers.
func (s *sim) dispatch(q int8) {
	for s.queues[q].front() != nil {
		c := s.queues[q].front()
		a := freest(s.prim[q], c.routedBy)
		if a == nil {
			a = freest(s.sec[q], c.routedBy)
		}
		if a == nil {
			return
		}
		s.assign(s.queues[q].pop(), a)
	}
}

func freest(agents []*agent, not *agent) *agent {
	var best *agent
	for _, a := range agents {
		if a != not && a.load < a.max && (best == nil || a.load < best.load) {
			best = a
		}
	}
	return best
}

// pull fills agent a's free slots: own queue first, then whichever of the
// other queues has waited longest.
func (s *sim) pull(a *agent) {
	for a.onShift && a.load < a.max {
		// A conversation queued this very instant is left to the router's
		// dispatch, so that its assignment never shares the hand-off's timestamp.
		ready := func(q int8) *conv {
			if c := s.queues[q].front(); c != nil && c.waitStart < s.now && c.routedBy != a {
				return c
			}
			return nil
		}
		var from *waitQueue
		if a.primary && ready(a.queues[0]) != nil {
			from = &s.queues[a.queues[0]]
		}
		if from == nil {
			oldest := int64(math.MaxInt64)
			for _, q := range a.queues {
				if c := ready(q); c != nil && c.waitStart < oldest {
					oldest, from = c.waitStart, &s.queues[q]
				}
			}
		}
		if from == nil {
			return
		}
		s.assign(from.pop(), a)
	}
}

func (s *sim) assign(c *conv, a *agent) {
	c.waited += s.now - c.waitStart
	c.epoch++
	c.state = stAgent
	a.load++
	fresh := c.agent != a
	if fresh {
		c.agentsSeen++
	}
	c.agent = a
	ev := s.newEvent(c, event.Assigned, s.actorRouter)
	ev.To = &event.Target{Role: event.RoleAgent, ID: a.actor.ID, Queue: queueNames[c.queue]}
	s.emit(ev)
	if !c.planned {
		s.plan(c)
	}
	t := int64(0)
	if fresh && c.ch.pace != paceEmail && s.rng.Float64() < 0.3 {
		s.after(between(s.rng, 1*second, 4*second), kAgentAuto, c, 0)
	}
	noteP := 0.15
	if c.transfers+c.escalations > 0 || c.episode > 0 {
		noteP = 0.45
	}
	if fresh && s.rng.Float64() < noteP {
		t = between(s.rng, 15*second, 60*second)
		s.after(t, kAgentNote, c, noteFirst)
	}
	s.after(t+s.think(c, 35*second), kAgentReply, c, 0)
}

// think is how long the holding agent takes to write a reply: slower when
// juggling more chats, slower for specialists, much slower for e-mail.
func (s *sim) think(c *conv, median int64) int64 {
	a := c.agent
	f := 1 + 0.4*float64(a.load-1)
	if a.tier2 {
		f *= 1.3
	}
	if c.ch.pace == paceEmail {
		f *= 6
	}
	return 5*second + int64(float64(logNormal(s.rng, median, 0.5))*f)
}

// plan decides what the agent who picks c up will need: how many replies,
// and whether it must move on (misrouted, or beyond tier 1).
func (s *sim) plan(c *conv) {
	in := &intents[c.intent]
	c.planned, c.round, c.route = true, 0, routeNone
	mean := in.rounds
	if c.tier2 {
		mean *= 0.8
	}
	if c.episode > 0 {
		mean *= 0.6
	}
	c.rounds = min(8, max(1, int(mean*math.Exp(0.45*s.rng.NormFloat64())+0.5)))
	if c.tier2 {
		return
	}
	esc := in.escalate
	if c.episode > 0 {
		esc *= 1.5
	}
	switch {
	case c.queue != c.home:
		c.route, c.routeAt = routeTransfer, s.rng.IntN(2)
	case c.escalations == 0 && s.rng.Float64() < esc:
		c.route, c.routeAt = routeEscalate, min(c.rounds, 1+s.rng.IntN(2))
	case c.transfers == 0 && s.rng.Float64() < 0.025:
		// Turns out another team owns this one after all.
		c.home = (c.queue + 1 + int8(s.rng.IntN(numTier1-1))) % numTier1
		c.route, c.routeAt = routeTransfer, min(c.rounds, 1)
	}
}

func (s *sim) routeTarget(c *conv) int8 {
	if c.route == routeEscalate {
		return tier2Of[c.queue]
	}
	return c.home
}

// agentText renders an agent's public message, in e-mail form on e-mail.
func (s *sim) agentText(c *conv, t tmpl) string {
	return s.emailForm(c, s.render(t, c, c.agent))
}

// emailForm wraps text in a salutation and signature on e-mail.
func (s *sim) emailForm(c *conv, text string) string {
	if c.ch.pace == paceEmail {
		text = "Hi " + c.cust.first() + ",\n\n" + text + "\n\n" + s.render(tEmailSign, c, c.agent)
	}
	return text
}

// replyText is an agent's reply: greeted if it is the conversation's first.
func (s *sim) replyText(c *conv, t tmpl) string {
	text := s.render(t, c, c.agent)
	if !c.greeted {
		text = s.greet(c, c.agent, text)
	}
	return s.emailForm(c, text)
}

func (s *sim) onAgentReply(c *conv) {
	if c.state != stAgent {
		return
	}
	a := c.agent
	it := &itmpl[c.intent]
	if c.route != routeNone && c.round == c.routeAt {
		s.team = s.routeTarget(c)
		msg := tTransfer
		if c.route == routeEscalate {
			msg = tEscalate
		}
		s.message(c, a.actor, s.replyText(c, oneOf(s.rng, msg)), false, false)
		if s.rng.Float64() < 0.6 {
			s.after(between(s.rng, 2*second, 8*second), kAgentNote, c, noteRoute)
		}
		s.after(between(s.rng, 10*second, 30*second), kRoute, c, c.route)
		return
	}
	s.team = c.queue
	if c.rounds > 0 {
		c.rounds--
		c.round++
		// Each agent opens with the intent's first question; follow-ups
		// go through the rest without repeating themselves.
		t := it.ask[0]
		if c.round > 1 {
			t = it.ask[1+(c.lineSeed+c.round)%(len(it.ask)-1)]
		}
		if c.intent == iPaymentFailed && c.round == 1 && s.habits.Float64() < s.habitsOf(a).askCard {
			t = tAskCard[s.habits.IntN(len(tAskCard))]
		}
		s.message(c, a.actor, s.replyText(c, t), false, false)
		s.awaitCustomer(c)
		return
	}
	s.message(c, a.actor, s.close(c, a, oneOf(s.rng, it.fix)), false, false)
	// Live customers usually say thanks before the agent closes; on the
	// slower channels the agent closes soon unless a quick reply comes.
	switch {
	case c.ch.pace == paceLive && s.rng.Float64() < 0.55:
		s.burst(c, sayThanks, between(s.rng, 15*second, 90*second))
	case c.ch.pace == paceLive:
		s.after(between(s.rng, 1*minute, 4*minute), kResolve, c, 0)
	case c.ch.pace == paceAsync && s.rng.Float64() < 0.35:
		s.burst(c, sayThanks, min(5*minute, logNormal(s.rng, 90*second, 0.8)))
	default:
		s.after(between(s.rng, 30*second, 3*minute), kResolve, c, 0)
	}
}

// awaitCustomer follows an agent's question: the customer answers after a
// while, or has silently left. Agents nudge live chats that go quiet and
// free their slot when a messaging customer takes a long time.
func (s *sim) awaitCustomer(c *conv) {
	ghostP := [...]float64{paceLive: 0.05, paceAsync: 0.06, paceEmail: 0.08}[c.ch.pace]
	if s.rng.Float64() < ghostP {
		c.ghost = true
		if c.ch.pace == paceLive {
			s.after(between(s.rng, 2*minute, 5*minute), kAgentNudge, c, 1)
		} else {
			s.release(c)
			s.after(between(s.rng, 36*hour, 60*hour), kAutoClose, c, 0)
		}
		return
	}
	d := s.replyDelay(c)
	if c.ch.pace == paceLive {
		if nudge := between(s.rng, 2*minute, 4*minute); nudge < d {
			s.after(nudge, kAgentNudge, c, 1)
		}
	} else if d > 8*minute {
		s.release(c)
	}
	s.burst(c, sayAnswer, d)
}

func (s *sim) onAgentNudge(c *conv, n int) {
	if c.state != stAgent {
		return
	}
	s.message(c, c.agent.actor, s.agentText(c, oneOf(s.rng, tAgentNudge)), false, false)
	c.agentNudges++
	if !c.ghost {
		return
	}
	if n == 1 && s.rng.IntN(2) == 0 {
		s.after(between(s.rng, 2*minute, 4*minute), kAgentNudge, c, 2)
	} else {
		s.after(between(s.rng, 2*minute, 5*minute), kInactiveClose, c, 0)
	}
}

// release frees the agent's slot while the conversation waits on the customer.
func (s *sim) release(c *conv) {
	a := c.agent
	a.load--
	c.state = stPending
	s.pull(a)
}

// reattach brings a returning customer back to their agent if that agent
// is working and has room, and otherwise to the queue.
func (s *sim) reattach(c *conv) {
	a := c.agent
	if a == nil || !a.onShift || a.load >= a.max || (a.primary && a.queues[0] != c.queue) {
		s.enqueue(c, c.queue)
		return
	}
	c.state = stAgent
	c.epoch++
	a.load++
	if !c.planned {
		s.plan(c)
	}
	s.after(s.think(c, 45*second), kAgentReply, c, 0)
}

func (s *sim) onNote(c *conv, which int) {
	if c.state != stAgent {
		return
	}
	t := oneOf(s.rng, itmpl[c.intent].note)
	if which == noteRoute {
		s.team = s.routeTarget(c)
		if c.route == routeEscalate {
			t = oneOf(s.rng, tNoteEscalate)
		} else {
			t = oneOf(s.rng, tNoteTransfer)
		}
	}
	s.message(c, c.agent.actor, s.render(t, c, c.agent), true, false)
}

func (s *sim) onSystemMsg(c *conv, which int) {
	t := tAutoAsync
	switch {
	case which == sysPosition:
		if c.state != stWaiting {
			return
		}
		t, s.pos = tQueuePos, s.queues[c.queue].size()
	case c.ch.pace == paceEmail:
		t = tAutoEmail
	}
	s.message(c, s.actorSystem, s.render(t, c, nil), false, true)
}

func (s *sim) onOutbound(c *conv) {
	if c.state != stOutbound {
		return
	}
	s.team = c.queue
	text := s.render(itmpl[c.intent].proactive, c, c.agent)
	c.greeted = true // the proactive message opens with "Hi NAME"
	if c.agent != nil {
		s.message(c, c.agent.actor, text, false, false)
	} else {
		s.message(c, s.actorSystem, text, false, true)
	}
	if s.rng.Float64() < 0.6 {
		d := s.replyDelay(c)
		if c.ch.pace == paceLive {
			d = logNormal(s.rng, 20*minute, 1.2) // the customer was not in the app when it came
		}
		s.burst(c, sayProactiveReply, d)
		return
	}
	s.after(between(s.rng, 60*hour, 84*hour), kAutoClose, c, 0)
}

func (s *sim) onRoute(c *conv, route int) {
	switch route {
	case routeBot:
		if c.state != stBot {
			return
		}
		ev := s.newEvent(c, event.Escalated, s.actorBot)
		ev.To = &event.Target{Role: event.RoleAgent, Queue: queueNames[c.queue]}
		s.emit(ev)
		s.enqueue(c, c.queue)
	default:
		if c.state != stAgent {
			return
		}
		a := c.agent
		target := s.routeTarget(c)
		typ := event.Transferred
		if route == routeEscalate {
			typ = event.Escalated
			c.escalations++
			c.tier2 = true
		} else {
			c.transfers++
		}
		ev := s.newEvent(c, typ, a.actor)
		ev.To = &event.Target{Role: event.RoleAgent, Queue: queueNames[target]}
		s.emit(ev)
		a.load--
		c.agent, c.routedBy, c.planned = nil, a, false
		s.enqueue(c, target)
		s.pull(a)
	}
}

// onResolve closes c; the resolver is whoever holds it: the agent, the bot,
// or the system for conversations nobody is holding.
func (s *sim) onResolve(c *conv) {
	var actor *event.Actor
	var freed *agent
	switch c.state {
	case stAgent:
		actor, freed = c.agent.actor, c.agent
		freed.load--
	case stBot:
		actor = s.actorBot
	case stPending, stOutbound:
		actor = s.actorSystem
	default:
		return
	}
	s.emit(s.newEvent(c, event.Resolved, actor))
	c.state = stDone
	s.live--
	s.afterResolve(c)
	if freed != nil {
		s.pull(freed)
	}
}

// afterResolve decides what the customer does next: answer the survey,
// reopen (the fix did not hold), or write in again as a new conversation.
func (s *sim) afterResolve(c *conv) {
	score := s.csatScore(c)
	p := 0.3
	if score <= 2 || score == 5 {
		p += 0.15
	}
	if s.rng.Float64() < p {
		d := between(s.rng, 30*second, 10*minute)
		if c.ch.pace != paceLive {
			d = between(s.rng, 5*minute, 6*hour)
		}
		s.after(d, kCSAT, c, score)
	}
	reopen := intents[c.intent].reopen
	if c.transfers+c.escalations > 0 {
		reopen += 0.04
	}
	if c.agentsSeen == 0 {
		reopen += 0.04 // the bot's answer did not work after all
	}
	if score <= 2 {
		reopen += 0.03
	}
	if c.episode < 2 && s.rng.Float64() < reopen {
		if d := max(2*hour, logNormal(s.rng, 30*hour, 0.8)); s.now+d < s.end {
			s.after(d, kReopen, c, 0)
			return
		}
	}
	repeat := 0.04
	if score <= 2 {
		repeat += 0.08
	}
	if s.rng.Float64() < repeat {
		s.repeat(c, max(hour, logNormal(s.rng, 2*day, 0.8)))
	}
}

// csatScore is what the customer would answer: high by default, lowered by
// waiting (relative to what the channel makes normal), hand-offs, having to
// nudge, being nudged, agent changes and reopening, plus personal noise.
func (s *sim) csatScore(c *conv) int {
	q := 4.6
	if c.agentsSeen == 0 {
		q = 4.3 // contained by the bot
	}
	q -= 0.6 * math.Log1p(float64(c.waited)/float64(expectedWait(c.ch.pace)))
	q -= 0.5*float64(c.transfers) + 0.4*float64(c.escalations)
	q -= 0.25*float64(c.custNudges) + 0.2*float64(c.agentNudges)
	q -= 0.2 * float64(max(0, c.agentsSeen-1))
	if c.episode > 0 {
		q -= 0.7
	}
	q += 0.7 * s.rng.NormFloat64()
	return min(5, max(1, int(math.Round(q))))
}

func (s *sim) onReopen(c *conv) {
	if c.state != stDone {
		return
	}
	s.live++
	c.episode++
	c.epoch++
	c.state, c.planned, c.tier2, c.ghost = stNew, false, false, false
	if c.queue >= numTier1 {
		c.queue = c.home
	}
	s.emit(s.newEvent(c, event.Reopened, c.cust.actor))
	s.burst(c, sayReopen, between(s.rng, 5*second, 60*second))
}

// ---- shifts

// instant is the UnixMilli of local hour h (fractional, up to 24) on day d.
func (s *sim) instant(d int, h float64) int64 {
	y, m, dd := s.start.Date()
	hh := int(h)
	mm := int((h - float64(hh)) * 60)
	return time.Date(y, m, dd+d, hh, mm, 0, 0, s.loc).UnixMilli()
}

func (s *sim) onDay(d int) {
	wd := s.start.AddDate(0, 0, d).Weekday()
	need := s.roster.need(wd, min(d, s.cfg.Days-1))
	for gi, g := range s.roster.groups {
		n := min(need[gi], len(g.pool))
		if n == 0 {
			continue
		}
		for i := range n {
			a := g.pool[(g.cursor+i)%len(g.pool)]
			s.schedule(s.instant(d, g.shift.start), kShiftOn, nil, a, 0)
			s.schedule(s.instant(d, g.shift.end), kShiftOff, nil, a, 0)
		}
		g.cursor = (g.cursor + n) % len(g.pool)
	}
	// After the last day no one new arrives, but open conversations still
	// need agents; keep rostering (for at most two weeks) until they close.
	if d+1 < s.cfg.Days || (s.live > 0 && d+1 < s.cfg.Days+14) {
		s.schedule(s.instant(d+1, 0), kDay, nil, nil, d+1)
	}
}

func (s *sim) shiftOn(a *agent) {
	a.onShift = true
	for i, q := range a.queues {
		if a.primary && i == 0 {
			s.prim[q] = append(s.prim[q], a)
		} else {
			s.sec[q] = append(s.sec[q], a)
		}
	}
	s.pull(a)
}

func (s *sim) shiftOff(a *agent) {
	a.onShift = false
	for _, q := range a.queues {
		s.prim[q] = without(s.prim[q], a)
		s.sec[q] = without(s.sec[q], a)
	}
}

func without(as []*agent, a *agent) []*agent {
	for i, x := range as {
		if x == a {
			return append(as[:i], as[i+1:]...)
		}
	}
	return as
}

// ---- events

func (s *sim) newEvent(c *conv, t event.Type, actor *event.Actor) *event.Event {
	return &event.Event{
		EventID:        s.eventID(),
		ConversationID: c.id,
		Type:           t,
		OccurredAt:     time.UnixMilli(s.now).In(s.loc),
		Channel:        c.ch.ch,
		Actor:          actor,
		Queue:          queueNames[c.queue],
	}
}

func (s *sim) message(c *conv, actor *event.Actor, text string, private, automated bool) {
	ev := s.newEvent(c, event.MessageSent, actor)
	ev.Message = &event.Message{Text: text, Private: private, Automated: automated}
	s.emit(ev)
}

// eventID formats a scrambled counter like a UUID: unique by construction
// (the first 64 bits are a bijection of the counter) and deterministic.
func (s *sim) eventID() string {
	n := s.eventN
	s.eventN++
	hi, lo := mix64(n^s.keys[0]), mix64(n^s.keys[2])
	const hexd = "0123456789abcdef"
	var b [36]byte
	put := func(at int, v uint64, digits int) {
		for i := digits - 1; i >= 0; i-- {
			b[at+i] = hexd[v&0xF]
			v >>= 4
		}
	}
	put(0, hi>>32, 8)
	b[8] = '-'
	put(9, hi>>16, 4)
	b[13] = '-'
	b[14] = '4' // version 4, variant 10xx: it parses as a random UUID
	put(15, lo>>52, 3)
	b[18] = '-'
	b[19] = hexd[8|(lo>>50)&3]
	put(20, lo>>38, 3)
	b[23] = '-'
	put(24, hi, 4)
	put(28, lo, 8)
	return string(b[:])
}

// emit sends ev now, or holds it back (late), and sometimes sends a copy
// again later (duplicate).
func (s *sim) emit(ev *event.Event) {
	if s.cfg.LateRate > 0 && s.rng.Float64() < s.cfg.LateRate {
		d := between(s.rng, 10*second, 3*hour)
		if s.rng.IntN(10) == 0 {
			d = between(s.rng, 3*hour, 48*hour)
		}
		s.hold(ev, d)
		s.stats.Late++
	} else {
		s.out(ev)
	}
	if s.cfg.DuplicateRate > 0 && s.rng.Float64() < s.cfg.DuplicateRate {
		cp := *ev
		s.hold(&cp, between(s.rng, 200, 10*minute))
		s.stats.Duplicates++
	}
}

func (s *sim) hold(ev *event.Event, delay int64) {
	s.seq++
	s.held.push(held{at: s.now + delay, seq: s.seq, ev: ev})
}

// releaseHeld emits every held event due by t.
func (s *sim) releaseHeld(t int64) {
	for len(s.held) > 0 && s.held.peek().at <= t && s.err == nil {
		s.out(s.held.pop().ev)
	}
}

func (s *sim) out(ev *event.Event) {
	if s.err != nil {
		return
	}
	if err := s.emitFn(ev); err != nil {
		s.err = fmt.Errorf("synth: emit event %s: %w", ev.EventID, err)
		return
	}
	s.stats.Events++
}

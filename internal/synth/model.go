package synth

import "github.com/parley-cx/parley/internal/event"

// The tables below are the operation being simulated. They are data, not
// code paths, so that docs/generator.md can quote them and a reader can
// change the business without touching the simulation.

// Queues: four tier-1 teams and two tier-2 (specialist) teams.
const (
	qOrders int8 = iota
	qBilling
	qAccounts
	qTech
	qBillingT2
	qTechT2
	numQueues
	numTier1 = 4
)

var queueNames = [numQueues]string{"orders", "billing", "accounts", "tech_support", "billing_tier2", "tech_support_tier2"}

// teamNames is how agents and the bot name a queue to customers.
var teamNames = [numQueues]string{"Orders", "Billing", "Accounts", "Tech Support", "Billing Specialists", "Technical Specialists"}

// secondary is the queue a tier-1 agent helps with when their own is empty.
var secondary = [numTier1]int8{qBilling, qOrders, qTech, qAccounts}

// tier2Of is where each tier-1 queue escalates to.
var tier2Of = [numTier1]int8{qBillingT2, qBillingT2, qTechT2, qTechT2}

// pace says how a channel's customers behave in time.
type pace uint8

const (
	paceLive  pace = iota // webchat, in-app: the customer watches the window
	paceAsync             // messaging apps and SMS: replies in minutes to days
	paceEmail             // hours to days, one long message at a time
)

type channelSpec struct {
	ch    event.Channel
	share float64
	// bot is the probability that the bot answers first.
	bot  float64
	pace pace
	// autoReply is the probability of a system acknowledgement on arrival.
	autoReply float64
}

var channels = []channelSpec{
	{event.Webchat, 0.33, 1, paceLive, 0},
	{event.WhatsApp, 0.20, 0.85, paceAsync, 0},
	{event.InApp, 0.14, 1, paceLive, 0},
	{event.Email, 0.14, 0, paceEmail, 1},
	{event.Messenger, 0.08, 0.8, paceAsync, 0},
	{event.SMS, 0.07, 0, paceAsync, 0.6},
	{event.Line, 0.03, 0.5, paceAsync, 0},
	{event.Other, 0.01, 0, paceAsync, 0},
}

// intent is why a customer writes. Its numbers drive routing and behaviour;
// its texts live in text.go under the same index.
type intent struct {
	name  string
	share float64 // of ordinary (non-incident) arrivals
	queue int8
	// botContain and botAbandon: outcome probabilities once the bot answers;
	// the rest is handed off to a human.
	botContain, botAbandon float64
	// rounds is the mean number of agent replies needed before the fix.
	rounds float64
	// escalate is the probability that tier 1 escalates to tier 2.
	escalate float64
	// reopen is the base probability that a resolution does not hold.
	reopen float64
}

const (
	iOrderStatus = iota
	iReturnRefund
	iDeliveryProblem
	iPaymentFailed
	iInvoiceQuestion
	iDoubleCharge
	iCancelSubscription
	iPasswordReset
	iAccountLocked
	iUpdateDetails
	iAppBug
	iConnectivity
	numIntents
)

var intents = [numIntents]intent{
	{"order_status", 0.17, qOrders, 0.55, 0.10, 1.4, 0.01, 0.02},
	{"return_refund", 0.12, qOrders, 0.25, 0.08, 2.0, 0.05, 0.05},
	{"delivery_problem", 0.10, qOrders, 0.15, 0.08, 2.2, 0.08, 0.06},
	{"payment_failed", 0.08, qBilling, 0.30, 0.07, 1.8, 0.05, 0.04},
	{"invoice_question", 0.07, qBilling, 0.35, 0.08, 1.5, 0.02, 0.02},
	{"double_charge", 0.06, qBilling, 0.08, 0.05, 2.2, 0.30, 0.06},
	{"cancel_subscription", 0.06, qBilling, 0.20, 0.07, 1.8, 0.04, 0.03},
	{"password_reset", 0.10, qAccounts, 0.60, 0.10, 1.3, 0.02, 0.03},
	{"account_locked", 0.06, qAccounts, 0.15, 0.06, 2.0, 0.15, 0.05},
	{"update_details", 0.05, qAccounts, 0.30, 0.08, 1.5, 0.02, 0.02},
	{"app_bug", 0.09, qTech, 0.10, 0.08, 2.6, 0.25, 0.08},
	{"connectivity", 0.04, qTech, 0.20, 0.10, 2.0, 0.12, 0.05},
}

// incidentMix is the intent mix of the extra arrivals an incident causes:
// an app outage or a payment-provider outage.
var incidentMix = [2][]weighted{
	{{iConnectivity, 0.6}, {iAppBug, 0.4}},
	{{iPaymentFailed, 0.7}, {iDoubleCharge, 0.3}},
}

// Proactive (agent-opened) conversations: share of weekday office-hours
// arrivals, their reasons and channels.
const proactiveShare = 0.05

var (
	proactiveIntents  = []weighted{{iPaymentFailed, 0.5}, {iDeliveryProblem, 0.35}, {iAppBug, 0.15}}
	proactiveChannels = []weighted{{3, 0.3}, {5, 0.3}, {1, 0.25}, {2, 0.15}} // indexes into channels
)

// Customer mix.
var (
	locales   = []string{"en-GB", "en-US", "en-IE", "de-DE", "fr-FR", "es-ES", "nl-NL"}
	localeMix = []weighted{{0, 0.40}, {1, 0.25}, {2, 0.05}, {3, 0.10}, {4, 0.07}, {5, 0.07}, {6, 0.06}}
	tiers     = []string{"standard", "plus", "business"}
	tierMix   = []weighted{{0, 0.70}, {1, 0.22}, {2, 0.08}}
	// returningShare of new conversations come from a customer seen before.
	returningShare = 0.12
)

// Intraday arrival shapes by local hour (value at the start of the hour,
// interpolated linearly): a morning and an afternoon peak on weekdays, a
// flatter late-starting day at weekends. Only the shape matters; each is
// normalised to a mean of 1.
var (
	weekdayCurve = [24]float64{0.55, 0.38, 0.28, 0.24, 0.26, 0.40, 0.85, 1.9, 3.6, 5.4, 6.4, 6.2, 5.2, 5.3, 5.9, 5.8, 5.1, 4.2, 3.5, 3.2, 3.0, 2.5, 1.7, 1.0}
	weekendCurve = [24]float64{0.70, 0.50, 0.35, 0.30, 0.30, 0.35, 0.50, 0.9, 1.7, 2.8, 3.8, 4.3, 4.4, 4.3, 4.2, 4.1, 3.9, 3.7, 3.5, 3.4, 3.2, 2.7, 1.9, 1.2}
	// weekly is the volume of each weekday, Sunday first (time.Weekday
	// order), normalised to a mean of 1.
	weekly = [7]float64{0.64, 1.16, 1.10, 1.06, 1.04, 0.98, 0.72}
)

// Slow growth and day-to-day noise of the arrival rate.
const (
	trendPerDay = 0.0015 // exponential growth: about +4% over four weeks
	dailyNoise  = 0.05   // sigma of the log of each day's level
)

// weighted is one choice of a discrete distribution.
type weighted struct {
	v int
	w float64
}

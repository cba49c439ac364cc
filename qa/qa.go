// Package qa draws fair, targeted and reproducible samples of conversations from the warehouse and writes them as redacted review packets for QA reviewers.
//
// A sample mixes a share drawn uniformly at random (the fair baseline) with
// a targeted share from strata such as low CSAT or high friction, either as
// one total or as a quota per agent. The same warehouse, options and seed
// give the same packet byte for byte; a ledger keeps later samples from
// repeating conversations already sampled.
package qa

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/warehouse"
)

// Strata a targeted share can be drawn from. Each only selects complete
// conversations (resolved, or idle long enough to count as over).
const (
	LowCSAT      = "low_csat"      // CSAT answer of 1 or 2 (of 5)
	HighFriction = "high_friction" // top decile of friction_score in the period
	Escalated    = "escalated"     // at least one escalation
	Reopened     = "reopened"      // reopened at least once
	Long         = "long"          // top decile of message count in the period
	Abandoned    = "abandoned"     // the customer wrote and no human ever replied
	SLABreach    = "sla_breach"    // first response missed the channel's SLA target
)

// Reasons that are not strata.
const (
	// ReasonRandom marks a conversation drawn uniformly at random.
	ReasonRandom = "random"
	// NoStrata, as the only entry of Config.Strata, turns the targeted share off.
	NoStrata = "none"
)

// AllStrata lists every stratum in the order targeted picks rotate through
// them by default.
var AllStrata = []string{LowCSAT, HighFriction, Escalated, Reopened, Long, Abandoned, SLABreach}

// Ways to attribute a conversation to one agent (Config.AttributeTo).
const (
	AttributeMostActive = "most-active" // the agent with the most human replies (default)
	AttributeFirst      = "first"       // the author of the first human reply
	AttributeLast       = "last"        // the author of the last human reply
)

// Defaults applied by Sample to zero-valued Config fields.
const (
	DefaultSize        = 50
	DefaultRandomShare = 0.5
	// DefaultPeriodDays is the length of the default period, which ends on
	// the last complete local day with conversations started.
	DefaultPeriodDays = 7
	// DefaultLedgerName is the ledger's file name inside Config.Out.
	DefaultLedgerName = "ledger.csv"
	// TargetedOnly as Config.RandomShare draws nothing at random (the zero
	// value means DefaultRandomShare); strata that run dry are still topped
	// up at random so the sample reaches its size.
	TargetedOnly = -1.0
)

// Config says what to sample and where to write the packet.
type Config struct {
	// DB is the warehouse file written by `parley build`; it is opened read-only.
	DB string
	// Out is the folder that holds one packet folder per run and the default ledger.
	Out string
	// From and To bound the period by the conversations' local start date
	// (inclusive; only the calendar date of each is used). Zero To means
	// the last complete local day with conversations started: the last
	// conversation's local date before the day of the last event that is not
	// in the future relative to the build (the report's ends on the day
	// before that event's: it covers later events too); zero From means
	// DefaultPeriodDays days up to To.
	From, To time.Time
	// Size is the number of conversations in the sample (default
	// DefaultSize); PerAgent instead samples that many per agent. Set at most one.
	Size, PerAgent int
	// RandomShare is the share of each quota drawn uniformly at random,
	// 0..1; zero means DefaultRandomShare and TargetedOnly means none.
	RandomShare float64
	// Strata the targeted share rotates through, in order (default
	// AllStrata; []string{NoStrata} for none).
	Strata []string
	// Queue and Channel, when set, keep only conversations whose last queue
	// or channel is that value: Queue NoneValue keeps the conversations
	// without a queue, as parley report --queue does.
	Queue, Channel string
	// Market and Reason, when set, keep only conversations of that market or
	// contact reason, as parley report --market and --reason do: Market
	// NoneValue keeps the conversations without a market. Every
	// conversation has a channel and a contact reason ("other" when no rule
	// matched), so those have no NoneValue.
	Market, Reason string
	// Seed makes the sample reproducible; zero means the run date as the
	// number YYYYMMDD, so each day's default sample differs.
	Seed uint64
	// Ledger is the CSV of everything sampled so far (default
	// Out/DefaultLedgerName). Conversations in it are skipped unless AllowRepeat.
	Ledger      string
	AllowRepeat bool
	// NoRedact turns off PII redaction of transcripts; it must be explicit.
	NoRedact bool
	// AttributeTo picks the agent a conversation counts for (default AttributeMostActive).
	AttributeTo string
	// Reviewers, when set, share the sample: each conversation is assigned
	// to one of them, balanced, never to the conversation's own agent.
	Reviewers []string
	// Calibration adds that many conversations that every reviewer scores
	// (at least two Reviewers are needed): their agreement is measured in
	// the warehouse's qa_calibration.
	Calibration int
	// Settings supplies the scorecards of the review forms (nil: the
	// default scorecard), and the time zone when the warehouse does not
	// record one.
	Settings *config.Config
	// Now is the run's time: its local date names the packet and it is the
	// ledger's sampled_at. Zero means the wall clock.
	Now time.Time
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, fielderr.New("db", "the warehouse file is required"))
	}
	if c.Out == "" {
		errs = append(errs, fielderr.New("out", "the output folder is required"))
	}
	if c.Size < 0 {
		errs = append(errs, fielderr.New("size", "%d must be > 0", c.Size))
	}
	if c.PerAgent < 0 {
		errs = append(errs, fielderr.New("per-agent", "%d must be > 0", c.PerAgent))
	}
	if c.Size > 0 && c.PerAgent > 0 {
		errs = append(errs, fielderr.New("size, per-agent", "set one or the other, not both"))
	}
	if c.RandomShare != TargetedOnly && (c.RandomShare < 0 || c.RandomShare > 1 || math.IsNaN(c.RandomShare)) {
		errs = append(errs, fielderr.New("random-share", "%v must be between 0 and 1", c.RandomShare))
	}
	for _, s := range c.Strata {
		_, auto := autoStratum(s)
		if !slices.Contains(AllStrata, s) && !auto && !(s == NoStrata && len(c.Strata) == 1) {
			errs = append(errs, fielderr.New("strata", "unknown stratum %q (known: %s, %s or %s:CHECK, or %s alone)%s",
				s, strings.Join(AllStrata, ", "), AutoFail, AutoFail, NoStrata, suggest.Hint(s, append(slices.Clone(AllStrata), AutoFail))))
		}
	}
	switch c.AttributeTo {
	case "", AttributeMostActive, AttributeFirst, AttributeLast:
	default:
		errs = append(errs, fielderr.New("attribute-to", "%q must be %s, %s or %s%s", c.AttributeTo, AttributeMostActive, AttributeFirst, AttributeLast,
			suggest.Hint(c.AttributeTo, []string{AttributeMostActive, AttributeFirst, AttributeLast})))
	}
	for i, r := range c.Reviewers {
		switch {
		case strings.TrimSpace(r) == "" || r != strings.TrimSpace(r):
			errs = append(errs, fielderr.New("reviewers", "entry %d %q must be a reviewer id without surrounding spaces", i+1, r))
		case slices.Contains(c.Reviewers[:i], r):
			errs = append(errs, fielderr.New("reviewers", "%q is listed twice", r))
		}
	}
	switch {
	case c.Calibration < 0:
		errs = append(errs, fielderr.New("calibration", "%d must be >= 0", c.Calibration))
	case c.Calibration > 0 && len(c.Reviewers) < 2:
		errs = append(errs, fielderr.New("calibration", "%d conversations need at least two reviewers to compare (--reviewers)", c.Calibration))
	}
	if !c.From.IsZero() && !c.To.IsZero() && dateOf(c.From) > dateOf(c.To) {
		errs = append(errs, fielderr.New("from", "%s is after to: %s", dateOf(c.From), dateOf(c.To)))
	}
	if c.Settings != nil {
		if err := c.Settings.Validate(); err != nil {
			errs = append(errs, fielderr.New("settings", "%w", err))
		}
	}
	return errors.Join(errs...)
}

// Result describes a finished sample.
type Result struct {
	// Run is the packet's name, "<date>-<seed>", and Dir its folder.
	Run, Dir string
	Seed     uint64
	// From and To are the period's first and last local dates (YYYY-MM-DD).
	From, To string
	// Candidates is the number of conversations in the period after the
	// queue, channel, market and reason filters; Skipped of them were in the ledger.
	Candidates, Skipped int
	// Sampled lists the chosen conversations in packet order, the
	// calibration conversations (Pick.Calibration) last.
	Sampled []Pick
	// Short lists the agents who had fewer conversations than PerAgent asked for.
	Short []Shortfall
	// Ledger is the ledger file that was updated.
	Ledger string
}

// Shortfall records an agent whose quota could not be filled.
type Shortfall struct {
	Agent       string
	Wanted, Had int
}

// Sample draws a sample from the warehouse, writes the packet folder
// Out/<date>-<seed>/ (index.html, one page per transcript, manifest.csv,
// manifest.jsonl and OptionsName) and records the sample in the ledger. If
// that folder holds a packet sampled with other options, it returns an
// error wrapping ErrOtherOptions and writes nothing. A rerun (the run is in
// the ledger) skips only what the ledger's earlier runs sampled, so it
// reproduces the run; one that does not, and would drop a reviewed ledger
// row or draw a later run's conversation, returns an error wrapping
// ErrRerunDiffers and writes nothing.
func Sample(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("qa: %w", err)
	}
	cfg = withDefaults(cfg)
	log := cfg.Log

	db, err := warehouse.Open(cfg.DB, true)
	if err != nil {
		return Result{}, fmt.Errorf("qa: %w", err)
	}
	defer db.Close()

	info, err := loadInfo(ctx, db, cfg.Settings)
	if err != nil {
		return Result{}, err
	}
	// The candidates query reads market and contact_reason, which a warehouse built before
	// them lacks; and a --queue, --channel, --market or --reason value no conversation has
	// would draw an empty packet: refuse it, naming the values that exist.
	sl := cfg.slice()
	if err := db.CheckFilterColumns(ctx); err != nil {
		return Result{}, fmt.Errorf("qa: %w", err)
	}
	if err := db.CheckFilters(ctx, sl.filters()...); err != nil {
		return Result{}, fmt.Errorf("qa: %w", err)
	}
	p := newPlan(cfg, info)
	if err := checkRerun(cfg, p); err != nil {
		return Result{}, err
	}
	log.Info("qa: sampling", "period", p.from+" to "+p.to, "run", p.run,
		"queue", cfg.Queue, "channel", cfg.Channel, "market", cfg.Market, "reason", cfg.Reason)

	cands, err := loadCandidates(ctx, db, p.from, p.to, sl, cfg.AttributeTo)
	if err == nil {
		err = loadAutoFails(ctx, db, cands, cfg.Strata, p.from, p.to, sl)
	}
	if err != nil {
		return Result{}, err
	}
	log.Info("qa: candidates loaded", "conversations", len(cands))
	if len(cands) == 0 {
		// Nothing is written: an empty packet (and a ledger run with no rows) would pass for a sample.
		last := "the warehouse holds none"
		if !info.lastComplete.IsZero() {
			last = "the last complete day with conversations is " + dateOf(info.lastComplete)
		}
		return Result{}, fmt.Errorf("qa: %w%s from %s to %s (%s): pick another period with --from and --to",
			ErrNoConversations, sl.of(), p.from, p.to, last)
	}

	led, err := readLedger(cfg.Ledger)
	if err != nil {
		return Result{}, fmt.Errorf("qa: ledger: %w", err)
	}
	var seen map[string]bool
	if !cfg.AllowRepeat {
		seen = led.sampledBefore(p.run)
	}
	picks, short, skipped := draw(cands, seen, p.rules)
	picks = append(picks, drawCalibration(cands, seen, picks, p.rules)...)
	if err := assignReviewers(picks, cfg.Reviewers); err != nil {
		return Result{}, err
	}
	p.candidates, p.skipped = len(cands), skipped
	log.Info("qa: sample drawn", "sampled", len(picks), "skipped_in_ledger", skipped)
	if err := led.checkReplace(p.run, picks); err != nil {
		return Result{}, fmt.Errorf("qa: %s: %w; the packet and the ledger are kept: give a new sample its own --seed (another number than %d) or another --out (to replace run %s anyway, remove its rows from %s)",
			p.dir, err, p.rules.seed, p.run, cfg.Ledger)
	}

	if err := replacePacket(ctx, db, cfg, p, picks, short); err != nil {
		return Result{}, err
	}
	if err := led.record(cfg.Ledger, p.run, cfg.Now, p.rules.seed, picks); err != nil {
		return Result{}, err
	}
	log.Info("qa: packet written", "dir", p.dir, "ledger", cfg.Ledger)
	return Result{
		Run: p.run, Dir: p.dir, Seed: p.rules.seed, From: p.from, To: p.to,
		Candidates: len(cands), Skipped: skipped, Sampled: picks, Short: short, Ledger: cfg.Ledger,
	}, nil
}

// ErrNoConversations is returned, before anything is written, when no conversation of the
// filters starts in the period.
var ErrNoConversations = errors.New("no conversations to sample")

// NoneValue as Config.Queue or Config.Market selects the conversations without a last queue or a
// market, as parley report's --queue and --market (none) do and as its pages label them.
const NoneValue = "(none)"

// slice is the filters of a sample besides its period: the conversations whose last queue,
// channel, market and contact reason are these; "" is any.
type slice struct{ queue, channel, market, reason string }

func (c Config) slice() slice { return slice{c.Queue, c.Channel, c.Market, c.Reason} }

// filters are the slice's values for warehouse.CheckFilters, each named as its flag. Queue and
// market accept NoneValue where conversations lack one, as report's do (dashboards.Slice).
func (s slice) filters() []warehouse.Filter {
	return []warehouse.Filter{
		{Flag: "queue", Dimension: "queue", Value: s.queue, None: NoneValue},
		{Flag: "channel", Dimension: "channel", Value: s.channel},
		{Flag: "market", Dimension: "market", Value: s.market, None: NoneValue},
		{Flag: "reason", Dimension: "reason", Value: s.reason},
	}
}

// args binds the period (local dates) and the slice to the queries' $1 from, $2 to, $3 queue,
// $4 channel, $5 market and $6 contact reason (sql/qa/02_candidates.sql, 05_auto_fails.sql).
func (s slice) args(from, to string) []any {
	return []any{from, to, s.queue, s.channel, s.market, s.reason}
}

// String names the slice for pages and messages: "queue billing, market DE"; "" for none.
func (s slice) String() string {
	var parts []string
	for _, f := range []struct{ name, v string }{{"queue", s.queue}, {"channel", s.channel}, {"market", s.market}, {"contact reason", s.reason}} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	return strings.Join(parts, ", ")
}

// of is the slice for the tail of a message: " of queue billing, channel email"; "" for none.
func (s slice) of() string {
	if str := s.String(); str != "" {
		return " of " + str
	}
	return ""
}

// withDefaults fills the zero-valued fields of a validated Config.
func withDefaults(c Config) Config {
	if c.Size == 0 && c.PerAgent == 0 {
		c.Size = DefaultSize
	}
	switch c.RandomShare {
	case 0:
		c.RandomShare = DefaultRandomShare
	case TargetedOnly:
		c.RandomShare = 0
	}
	switch {
	case len(c.Strata) == 0:
		c.Strata = AllStrata
	case len(c.Strata) == 1 && c.Strata[0] == NoStrata:
		c.Strata = nil
	default:
		c.Strata = uniq(c.Strata)
	}
	if c.AttributeTo == "" {
		c.AttributeTo = AttributeMostActive
	}
	if c.Ledger == "" {
		c.Ledger = filepath.Join(c.Out, DefaultLedgerName)
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// uniq drops repeated entries, keeping the first of each.
func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// plan is everything about a run that follows from the Config and the
// warehouse before any conversation is looked at.
type plan struct {
	loc      *time.Location
	from, to string // period, local dates
	date     string // run date, local
	run, dir string
	dataTo   string // the warehouse's last event, local time
	rules    rules
	// candidates and skipped are filled in once the draw is done.
	candidates, skipped int
}

func newPlan(cfg Config, info warehouseInfo) plan {
	p := plan{loc: info.loc}
	p.date = cfg.Now.In(info.loc).Format(time.DateOnly)
	seed := cfg.Seed
	if seed == 0 {
		seed = seedFromDate(p.date)
	}
	last := info.lastEvent.In(info.loc)
	p.dataTo = last.Format("2006-01-02 15:04")
	// The default end is the last complete local day with conversations started (conversations
	// are sampled by the day they started); without one, the day before the last known event's,
	// where the report's default period ends (docs/dashboards.md, "The period").
	to := last
	switch {
	case !cfg.To.IsZero():
		to = cfg.To
	case !info.lastComplete.IsZero():
		to = info.lastComplete
	case !info.lastKnown.IsZero():
		to = info.lastKnown.AddDate(0, 0, -1)
	}
	p.to = dateOf(to)
	if cfg.From.IsZero() {
		p.from = dateOf(to.AddDate(0, 0, -(DefaultPeriodDays - 1)))
	} else {
		p.from = dateOf(cfg.From)
	}
	p.run = fmt.Sprintf("%s-%d", p.date, seed)
	p.dir = filepath.Join(cfg.Out, p.run)
	p.rules = rules{
		size: cfg.Size, perAgent: cfg.PerAgent, randomShare: cfg.RandomShare,
		strata: cfg.Strata, seed: seed, reviewers: cfg.Reviewers, calibration: cfg.Calibration,
	}
	return p
}

// seedFromDate turns "2026-11-21" into 20261121.
func seedFromDate(date string) uint64 {
	var s uint64
	for _, c := range date {
		if c >= '0' && c <= '9' {
			s = s*10 + uint64(c-'0')
		}
	}
	return s
}

// dateOf is t's calendar date in its own location, so a date parsed from a
// flag stays that date whatever the time zone.
func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

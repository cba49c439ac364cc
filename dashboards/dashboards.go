// Package dashboards renders the CX dashboards of `parley report`: linked, self-contained HTML pages built from the warehouse's public views.
//
// Every number comes from one query in sql/dashboards/ over the public views,
// with the period bound as $from and $to, so it can be reproduced with
// `parley sql`. The pages use the page kit (internal/htmlpage): they open offline, carry a
// CSP that forbids any request, and escape every value that came from
// events (conversation IDs, agent IDs, queue and channel names).
package dashboards

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
	"github.com/parley-cx/parley/transform"
	"gopkg.in/yaml.v3"
)

// Config says which warehouse to read, where to write and which period to show.
type Config struct {
	// DB is the warehouse file written by `parley build`; it is opened read-only.
	DB string
	// Out is the folder the pages are written to (created if needed).
	Out string
	// From and To are the first and last local dates of the period, in the
	// org time zone; only their dates count. Zero To means the last complete
	// local day before the data's last event that is not in the future
	// relative to the build; zero From, 28 days up to To.
	From, To time.Time
	// Slice restricts the report to one queue, channel, market or contact
	// reason: only their conversations are read and written.
	Slice Slice
	// Settings is the organisation's parley.yaml; nil means the defaults.
	// Its time zone and cost settings should be the warehouse's: both are
	// applied at build time, so the pages show the warehouse's (the
	// amounts labelled with its currency) and a difference is logged once.
	Settings *config.Config
	// QALink, when set, turns conversation IDs into links: "{id}" in it is
	// replaced by the (URL-escaped) conversation ID, e.g.
	// "https://qa.example.com/conversations/{id}".
	QALink string
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Validate checks the configuration without changing it and returns every
// problem found, each named as the matching `parley report` flag.
func (c Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, fielderr.New("db", "required (the warehouse file written by parley build)"))
	}
	if c.Out == "" {
		errs = append(errs, fielderr.New("out", "required (the folder to write the pages to)"))
	}
	if !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
		errs = append(errs, fielderr.New("to", "%s is before from %s", c.To.Format(time.DateOnly), c.From.Format(time.DateOnly)))
	}
	if c.QALink != "" && !strings.Contains(c.QALink, "{id}") {
		errs = append(errs, fielderr.New("qa-link", "%q must contain {id}, where the conversation ID goes", c.QALink))
	}
	return errors.Join(errs...)
}

// Result lists the pages written.
type Result struct {
	Period Period
	Files  []File
	// Conversations counts those of the period (in the slice); with none,
	// Render writes the pages, which say so, and returns ErrEmptyPeriod.
	Conversations int
	// Elapsed is the time taken to query and render everything.
	Elapsed time.Duration
}

// File is one written page.
type File struct {
	Path  string
	Bytes int64
}

// Period is an inclusive range of local dates in the org time zone.
type Period struct {
	From, To time.Time
}

// Days is the number of dates in the period.
func (p Period) Days() int {
	return int(p.To.Sub(p.From).Hours()/24+0.5) + 1
}

// Previous is the period of the same length that ends the day before p starts.
func (p Period) Previous() Period {
	return Period{From: p.From.AddDate(0, 0, -p.Days()), To: p.From.AddDate(0, 0, -1)}
}

// String shows the period as the page headers do.
func (p Period) String() string {
	days := "days"
	if p.Days() == 1 {
		days = "day"
	}
	return fmt.Sprintf("%s to %s (%d %s)", p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), p.Days(), days)
}

// ErrNoData is returned when the warehouse holds no event that is not in the future and no period was given.
var ErrNoData = errors.New("the warehouse holds no conversations")

// ErrEmptyPeriod is returned, after the pages are written, when the period holds no
// conversation (of the slice): the pages say so, and the caller should too.
var ErrEmptyPeriod = errors.New("the period holds no conversations")

// defaultDays is the length of the default period: the last 28 complete local days.
const defaultDays = 28

// run holds what every page of one Render needs.
type run struct {
	cfg    Config
	db     *warehouse.DB
	period Period
	loc    *time.Location
	// first is the local date of the data's first conversation (nil: none).
	first *time.Time
	// currency labels the amounts (see currency).
	currency string
}

// Render reads the warehouse and writes Out/index.html and the other pages.
// The pages are written into a temporary folder in Out and moved into place
// only once all are written (htmlpage.ReplaceEntries): a failure leaves the
// previous report whole, and other files in Out are never touched.
func Render(ctx context.Context, cfg Config) (Result, error) {
	start := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("dashboards: %w", err)
	}
	if err := checkOut(cfg.Out); err != nil {
		return Result{}, err
	}
	db, err := warehouse.Open(cfg.DB, true)
	if err != nil {
		return Result{}, fmt.Errorf("dashboards: %w", err)
	}
	defer db.Close()

	info, err := loadInfo(ctx, db)
	if err != nil {
		return Result{}, err
	}
	loc, err := time.LoadLocation(info.TimeZone)
	if err != nil {
		return Result{}, fmt.Errorf("dashboards: warehouse time zone %q: %w", info.TimeZone, err)
	}
	built, err := builtSettings(ctx, db)
	if err != nil {
		return Result{}, err
	}
	warnBuildSettings(log, cfg.Settings, info.TimeZone, built)
	p, err := resolvePeriod(cfg.From, cfg.To, info)
	if err != nil {
		return Result{}, err
	}
	if err := checkSliceColumns(ctx, db); err != nil {
		return Result{}, err
	}
	// A slice value no conversation has (a misspelling, a channel the data does not carry)
	// would write pages with nothing in them: refuse it, naming the values that exist.
	if err := db.CheckFilters(ctx, cfg.Slice.filters()...); err != nil {
		return Result{}, fmt.Errorf("dashboards: %w", err)
	}
	r := &run{cfg: cfg, db: db, period: p, loc: loc, first: info.FirstDate, currency: currency(log, cfg.Settings, built)}
	header := htmlpage.Page{
		Period:    p.String(),
		TimeZone:  info.TimeZone,
		Freshness: info.freshness(loc),
		Footer: "Every number is computed in this page from the conversations of the period, exactly as the query of sql/dashboards/ named on its CSV button " +
			"computes it over the warehouse's public views (see docs/dashboards.md). " + footerMark,
	}
	if slice := cfg.Slice.String(); slice != "" {
		header.Period += "; only " + slice
	}
	if header.Alert, header.AlertDetails, err = gapAlert(ctx, db, info, loc); err != nil {
		return Result{}, err
	}
	// The figures and the Quality page query independently, so they load
	// concurrently (each query takes its own connection).
	var (
		d                         reportData
		quality, now              template.HTML
		dataErr, qualityEr, nowEr error
		wg                        sync.WaitGroup
	)
	wg.Go(func() { d, dataErr = loadReportData(ctx, r) })
	wg.Go(func() { quality, qualityEr = r.quality(ctx) })
	wg.Go(func() { now, nowEr = r.now(ctx) })
	wg.Wait()
	if err := errors.Join(dataErr, qualityEr, nowEr); err != nil {
		return Result{Period: p}, err
	}
	res := Result{Period: p, Conversations: d.current()}
	// The pages' notice and the caller's error say the same thing, each in its own words.
	empty, of := "", ""
	if s := cfg.Slice.String(); s != "" {
		of = " of " + s
	}
	if res.Conversations == 0 {
		empty = fmt.Sprintf("No conversations%s in this period (%s): every figure below is empty. "+
			"Pick another period with --from and --to; the data's conversations run from %s.", of, p, info.dateRange())
	}
	notices := reportNotices{Empty: empty, LateEvents: lateEventsNotice(cfg.To, p, info)}
	err = htmlpage.ReplaceEntries(cfg.Out, "report", func(stage string) error {
		return writeReport(stage, header, d, quality, now, notices)
	})
	if err != nil {
		return res, fmt.Errorf("dashboards: %w", err)
	}
	for _, name := range Files() {
		path := filepath.Join(cfg.Out, name)
		st, err := os.Stat(path)
		if err != nil {
			return res, fmt.Errorf("dashboards: %w", err)
		}
		res.Files = append(res.Files, File{Path: path, Bytes: st.Size()})
		log.Info("wrote page", "file", path, "bytes", st.Size())
	}
	res.Elapsed = time.Since(start)
	if res.Conversations == 0 {
		return res, fmt.Errorf("dashboards: %w%s in %s; the data's conversations run from %s: pick another period with --from and --to",
			ErrEmptyPeriod, of, p, info.dateRange())
	}
	return res, nil
}

// warehouseInfo is the row of period.sql.
type warehouseInfo struct {
	FirstDate *time.Time `json:"first_date"`
	LastDate  *time.Time `json:"last_date"`
	// LastKnownDate is the local date of the last event that is not in the
	// future relative to the build.
	LastKnownDate *time.Time `json:"last_known_date"`
	// LastCompleteDate is the last local date before LastKnownDate on which
	// a conversation started: when the default period ends after it, the
	// report page says its last days hold only later events (lateEventsNotice).
	// (parley qa sample's default period ends on it.)
	LastCompleteDate *time.Time `json:"last_complete_date"`
	TimeZone         string     `json:"timezone"`
	BuiltAt          time.Time  `json:"built_at"`
	LastEventAt      *time.Time `json:"last_event_at"`
	Events           int64      `json:"events"`
	Conversations    int64      `json:"conversations"`
	// OffsetGaps and OffsetGapMessages count the Kafka offsets lost before
	// ingest read them (warehouse_info; table ingest_gaps).
	OffsetGaps        int64 `json:"offset_gaps"`
	OffsetGapMessages int64 `json:"offset_gap_messages"`
}

// gapsListed is the most gap records a page lists; the rest are counted.
const gapsListed = 20

// gapRow is a row of ingest_gaps.sql.
type gapRow struct {
	Topic      string    `json:"topic"`
	Partition  int32     `json:"partition"`
	Epoch      int32     `json:"epoch"`
	From       int64     `json:"from_offset"`
	To         int64     `json:"to_offset"`
	Messages   int64     `json:"messages"`
	DetectedAt time.Time `json:"detected_at"`
}

// gapAlert is the warning every page carries when the lake records offset
// gaps: the figures miss messages that Kafka deleted before ingest read them.
func gapAlert(ctx context.Context, db *warehouse.DB, info warehouseInfo, loc *time.Location) (string, []string, error) {
	if info.OffsetGaps == 0 {
		return "", nil, nil
	}
	gaps, err := query[gapRow](ctx, db.DB, "ingest_gaps", sql.Named("limit", gapsListed))
	if err != nil {
		return "", nil, err
	}
	alert := fmt.Sprintf("data is missing. Kafka deleted %s messages before Parley read them (%s offset gaps), so every figure here leaves them out. "+
		"Run SELECT * FROM ingest_gaps for the list; docs/operations.md says what to do.", count(info.OffsetGapMessages), count(info.OffsetGaps))
	details := make([]string, 0, len(gaps)+1)
	for _, g := range gaps {
		line := fmt.Sprintf("Topic %s, partition %d: offsets %d to %d (%s messages) lost, found %s", g.Topic, g.Partition, g.From, g.To,
			count(g.Messages), g.DetectedAt.In(loc).Format("2006-01-02 15:04"))
		if g.Epoch > 0 {
			line += fmt.Sprintf(" (after reset %d)", g.Epoch)
		}
		details = append(details, line)
	}
	if more := info.OffsetGaps - int64(len(gaps)); more > 0 {
		details = append(details, fmt.Sprintf("and %s more offset gaps", count(more)))
	}
	return alert, details, nil
}

func loadInfo(ctx context.Context, db *warehouse.DB) (warehouseInfo, error) {
	rows, err := query[warehouseInfo](ctx, db.DB, "period")
	if err != nil {
		return warehouseInfo{}, err
	}
	if len(rows) != 1 {
		return warehouseInfo{}, fmt.Errorf("dashboards: warehouse_info has %d rows, want 1", len(rows))
	}
	return rows[0], nil
}

// builtSettings reads the settings the warehouse was built with (their
// SemanticYAML); "" when it records none (built by an earlier parley).
func builtSettings(ctx context.Context, db *warehouse.DB) (string, error) {
	state, _, err := transform.ReadBuildState(ctx, db)
	if err != nil {
		return "", fmt.Errorf("dashboards: %w", err)
	}
	return state.Settings, nil
}

// warnBuildSettings logs once, naming each, the settings of --config that
// differ from the warehouse's and that a report cannot apply: local dates
// and conversations.cost are computed at build time, so the pages show the
// warehouse's time zone and amounts until it is rebuilt. tz is the
// warehouse's time zone, built its recorded settings ("" when it records
// none: then only the time zone is compared).
func warnBuildSettings(log *slog.Logger, settings *config.Config, tz, built string) {
	if settings == nil {
		return
	}
	all, err := settings.BuildChanges(tz, built, "timezone", "cost")
	if err != nil {
		log.Warn("cannot compare --config with the settings the warehouse was built with", "err", err)
	}
	var changes []string
	for _, c := range all {
		changes = append(changes, c.String())
	}
	if len(changes) > 0 {
		log.Warn("config differs from the settings the warehouse was built with; showing the warehouse's: the time zone and costs are computed at build time (rebuild to apply)",
			"changes", strings.Join(changes, "; "))
	}
}

// currency labels the amounts: the warehouse's own, since they were
// computed with its prices; settings' when the warehouse records none (or
// its record does not parse, which is logged).
func currency(log *slog.Logger, settings *config.Config, built string) string {
	if built != "" {
		var recorded struct {
			Cost struct {
				Currency string `yaml:"currency"`
			} `yaml:"cost"`
		}
		err := yaml.Unmarshal([]byte(built), &recorded)
		if err == nil {
			return recorded.Cost.Currency
		}
		log.Warn("cannot read the currency the warehouse was built with; labelling the amounts with --config's", "err", err)
	}
	if settings != nil {
		return settings.Cost.Currency
	}
	return ""
}

// freshness says how recent the data is, in the org time zone.
func (i warehouseInfo) freshness(loc *time.Location) string {
	const layout = "2006-01-02 15:04"
	built := i.BuiltAt.In(loc).Format(layout)
	if i.LastEventAt == nil {
		return "no events; built " + built
	}
	return fmt.Sprintf("events to %s; built %s", i.LastEventAt.In(loc).Format(layout), built)
}

// dateRange says which local dates the data's conversations start on.
func (i warehouseInfo) dateRange() string {
	if i.FirstDate == nil || i.LastDate == nil {
		return "nowhere: the warehouse holds none"
	}
	return i.FirstDate.Format(time.DateOnly) + " to " + i.LastDate.Format(time.DateOnly)
}

// resolvePeriod is the period of from and to, each defaulting: to is the last complete
// local day before the data's last event that is not in the future relative to the build
// (its day is not over, as far as the data knows), from is 28 days up to to. An event dated
// years ahead can neither stretch nor move the period. (Issue 26 wrote this rule down; the
// report covers activity, and the days after the last conversation started still hold
// resolutions and CSAT answers: lateEventsNotice says so on the page.)
func resolvePeriod(from, to time.Time, info warehouseInfo) (Period, error) {
	date := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	p := Period{}
	switch {
	case !to.IsZero():
		p.To = date(to)
	case info.LastKnownDate != nil:
		p.To = date(*info.LastKnownDate).AddDate(0, 0, -1)
	default:
		return Period{}, fmt.Errorf("dashboards: %w (none before the build); give a period with --from and --to, or build from a lake with events", ErrNoData)
	}
	if from.IsZero() {
		p.From = p.To.AddDate(0, 0, -(defaultDays - 1))
	} else {
		p.From = date(from)
	}
	if p.To.Before(p.From) {
		return Period{}, fmt.Errorf("dashboards: period ends (%s) before it starts (%s)", p.To.Format(time.DateOnly), p.From.Format(time.DateOnly))
	}
	return p, nil
}

// lateEventsNotice is the report page's notice when the default period's last days hold no
// conversation started, only later events of earlier conversations (replies, resolutions,
// CSAT answers days after): the period ends on the last complete day of events
// (resolvePeriod), and a reader would otherwise take the empty days for a collapse in volume. "" when to was given
// (the reader chose those days), when a conversation started on the period's last day, or
// when none started in the period at all (the empty-period notice says that).
func lateEventsNotice(to time.Time, p Period, info warehouseInfo) string {
	if !to.IsZero() || info.LastCompleteDate == nil {
		return ""
	}
	last := *info.LastCompleteDate
	last = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	if !last.Before(p.To) || last.Before(p.From) {
		return ""
	}
	tail := Period{From: last.AddDate(0, 0, 1), To: p.To}
	return fmt.Sprintf("No conversation started after %s: the period's last days, %s, hold only later events of earlier conversations "+
		"(messages, resolutions, CSAT answers, counted with their conversations), so those days show no conversations. The default period ends on "+
		"the last complete day of events; --to %s ends it on the last day conversations started.", last.Format(time.DateOnly), tail, last.Format(time.DateOnly))
}

// checkSliceColumns fails with a clear message on a warehouse built before conversations had
// dimensions and repeat_window_closed: the report's queries read them.
func checkSliceColumns(ctx context.Context, db *warehouse.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, sqlfiles.File("dashboards/slice_columns.sql")).Scan(&n); err != nil {
		return fmt.Errorf("dashboards: check the warehouse's columns: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("dashboards: %w", ErrOldWarehouse)
	}
	return nil
}

// ErrOldWarehouse is returned for a warehouse built by a parley without conversation
// dimensions or repeat_window_closed: the next parley build rebuilds it.
var ErrOldWarehouse = errors.New("the warehouse was built by an older parley (conversations has no contact_reason or no repeat_window_closed): run parley build again first")

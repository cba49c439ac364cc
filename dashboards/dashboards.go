// Package dashboards renders the CX dashboards of `parley report`: linked, self-contained HTML pages built from the warehouse's public views.
//
// Every number comes from one query in sql/reports/ over the public views,
// with the period bound as $from and $to, so it can be reproduced with
// `parley sql`. The pages use the reports kit: they open offline, carry a
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
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/reports"
)

// Config says which warehouse to read, where to write and which period to show.
type Config struct {
	// DB is the warehouse file written by `parley build`; it is opened read-only.
	DB string
	// Out is the folder the pages are written to (created if needed).
	Out string
	// From and To are the first and last local dates of the period, in the
	// org time zone; only their dates count. Zero means the data's first
	// (or last) date.
	From, To time.Time
	// Settings is the organisation's parley.yaml; nil means the defaults.
	// Its time zone must match the warehouse's (a mismatch is logged).
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

// ErrNoData is returned when the warehouse holds no conversations and no period was given.
var ErrNoData = errors.New("the warehouse holds no conversations")

// page is one dashboard page: its file, its nav label, and how its body is built.
type page struct {
	file, label, title, subtitle string
	body                         func(*run, context.Context) (template.HTML, error)
}

var pages = []page{
	{"index.html", "Overview", "Overview", "Volume, speed, resolution and satisfaction at a glance.", (*run).overview},
	{"responsiveness.html", "Responsiveness", "Responsiveness", "How fast customers get a first human answer, how often within the target, and whether messaging channels answer within their reply window.", (*run).responsiveness},
	{"resolution.html", "Resolution & escalation", "Resolution and escalation", "How conversations end: resolution, reopens, repeat contacts, bot outcomes and escalations.", (*run).resolution},
	{"friction.html", "Friction", "Friction", "Where customers work hardest to get help.", (*run).friction},
	{"team.html", "Agents & queues", "Agents and queues", "Per agent and per queue; click a heading to sort.", (*run).team},
	{"quality.html", "Quality", "Quality", "Review scores, critical fails, disputes, reviewer agreement, and the rubric beside what customers say.", (*run).quality},
	{"now.html", "Now", "Now", "The queue at this moment: who waits on whom, for how long, and what is about to breach.", (*run).now},
}

// run holds what every page of one Render needs.
type run struct {
	cfg    Config
	db     *warehouse.DB
	period Period
	loc    *time.Location
}

// Render reads the warehouse and writes Out/index.html and the other pages.
// The pages are written into a temporary folder in Out and moved into place
// only once all are written (reports.ReplaceEntries): a failure leaves the
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
	if cfg.Settings != nil && cfg.Settings.TimeZone != info.TimeZone {
		log.Warn("config time zone differs from the warehouse's; showing the warehouse's (rebuild to change it)",
			"config", cfg.Settings.TimeZone, "warehouse", info.TimeZone)
	}
	p, err := resolvePeriod(cfg.From, cfg.To, info)
	if err != nil {
		return Result{}, err
	}
	r := &run{cfg: cfg, db: db, period: p, loc: loc}
	header := reports.Page{
		Period:    p.String(),
		TimeZone:  info.TimeZone,
		Freshness: info.freshness(loc),
		Footer: "Every number is a query in sql/reports/ over the warehouse's public views, with $from and $to bound to the period " +
			"(see docs/dashboards.md). Generated by parley report.",
	}
	if header.Alert, header.AlertDetails, err = gapAlert(ctx, db, info, loc); err != nil {
		return Result{}, err
	}
	// Pages query independently, so they build concurrently (each query
	// takes its own connection); they are written in order afterwards.
	bodies := make([]template.HTML, len(pages))
	errs := make([]error, len(pages))
	var wg sync.WaitGroup
	for i, pg := range pages {
		wg.Go(func() {
			bodies[i], errs[i] = pg.body(r, ctx)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("dashboards: page %s: %w", pg.file, errs[i])
			}
		})
	}
	wg.Wait()
	res := Result{Period: p}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	// Every page is written before any replaces the previous report's, so
	// a failure (a full disk) leaves that report whole.
	err = reports.ReplaceEntries(cfg.Out, "report", func(stage string) error {
		for i, pg := range pages {
			hp := header
			hp.Title, hp.Subtitle, hp.Body = pg.title, pg.subtitle, bodies[i]
			hp.Nav = nav(pg.file)
			if err := reports.WritePage(filepath.Join(stage, pg.file), hp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("dashboards: %w", err)
	}
	for _, pg := range pages {
		path := filepath.Join(cfg.Out, pg.file)
		st, err := os.Stat(path)
		if err != nil {
			return res, fmt.Errorf("dashboards: %w", err)
		}
		res.Files = append(res.Files, File{Path: path, Bytes: st.Size()})
		log.Info("wrote page", "file", path, "bytes", st.Size())
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func nav(current string) []reports.Link {
	links := make([]reports.Link, len(pages))
	for i, pg := range pages {
		links[i] = reports.Link{Href: pg.file, Label: pg.label, Current: pg.file == current}
	}
	return links
}

// warehouseInfo is the row of period.sql.
type warehouseInfo struct {
	FirstDate     *time.Time `json:"first_date"`
	LastDate      *time.Time `json:"last_date"`
	TimeZone      string     `json:"timezone"`
	BuiltAt       time.Time  `json:"built_at"`
	LastEventAt   *time.Time `json:"last_event_at"`
	Events        int64      `json:"events"`
	Conversations int64      `json:"conversations"`
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

// freshness says how recent the data is, in the org time zone.
func (i warehouseInfo) freshness(loc *time.Location) string {
	const layout = "2006-01-02 15:04"
	built := i.BuiltAt.In(loc).Format(layout)
	if i.LastEventAt == nil {
		return "no events; built " + built
	}
	return fmt.Sprintf("events to %s; built %s", i.LastEventAt.In(loc).Format(layout), built)
}

func resolvePeriod(from, to time.Time, info warehouseInfo) (Period, error) {
	date := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	if (from.IsZero() || to.IsZero()) && (info.FirstDate == nil || info.LastDate == nil) {
		return Period{}, fmt.Errorf("dashboards: %w; give a period or build from a lake with events", ErrNoData)
	}
	p := Period{}
	if from.IsZero() {
		p.From = date(*info.FirstDate)
	} else {
		p.From = date(from)
	}
	if to.IsZero() {
		p.To = date(*info.LastDate)
	} else {
		p.To = date(to)
	}
	if p.To.Before(p.From) {
		return Period{}, fmt.Errorf("dashboards: period ends (%s) before it starts (%s)", p.To.Format(time.DateOnly), p.From.Format(time.DateOnly))
	}
	return p, nil
}

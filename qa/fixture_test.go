package qa

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/marcboeker/go-duckdb/v2"

	"github.com/parley-cx/parley/internal/warehouse"
)

// fconv is a hand-made conversation for a fixture warehouse. Its metrics
// are set directly, so tests know exactly which strata it belongs to.
type fconv struct {
	id, agent string
	// first and last, when set, are the first and last replying agents
	// (default: agent, who is always the most active one).
	first, last string
	day         int // local date = fixtureStart + day
	complete    bool
	csat        int // 0: no answer
	friction    float64
	escalated   bool
	assigned    bool // a router assigns it to agent first
	reopens     int
	abandoned   bool
	sla         string // "met", "missed" or "" (no target)
	messages    int    // customer messages (plus one agent reply when agent is set)
	queue       string // "": general; NoneValue: none (NULL), as a conversation no queue held
	channel     string
	market      string   // "": none (NULL)
	reason      string   // contact_reason; default "other", as the build's never NULL
	texts       []string // customer message texts; default "hello"
	// dialogue, when set, replaces texts and the agent's reply: (role, text)
	// pairs in order, role customer, agent, bot or system.
	dialogue [][2]string
	customer string
	// auto are its rows of auto_qa.
	auto []autoRow
}

// autoRow is one verdict of an automatic check; seq 0 is no evidence.
type autoRow struct {
	check, result string
	seq           int64
	detail        string
}

var fixtureStart = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// fixtureNow is a fixed run time: packets are dated 2026-03-20.
var fixtureNow = time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)

// newWarehouse writes a DuckDB warehouse with the contract's tables holding
// convs in a temporary folder, and returns its path.
func newWarehouse(t testing.TB, convs []fconv) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	if err := buildWarehouse(path, time.UTC, convs); err != nil {
		t.Fatal(err)
	}
	return path
}

// buildWarehouse writes the fixture warehouse at path, built as if the
// organisation's time zone were loc.
func buildWarehouse(path string, loc *time.Location, convs []fconv) error {
	db, err := warehouse.Open(path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	schema, err := os.ReadFile("testdata/schema.sql")
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, string(schema)); err != nil {
		return fmt.Errorf("create fixture schema: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var last time.Time
	err = conn.Raw(func(raw any) error {
		convApp, err := duckdb.NewAppenderFromConn(raw.(driver.Conn), "", "conversations")
		if err != nil {
			return err
		}
		evApp, err := duckdb.NewAppenderFromConn(raw.(driver.Conn), "", "events")
		if err != nil {
			return err
		}
		for _, c := range convs {
			row, evs := c.rows(loc)
			if err := convApp.AppendRow(row...); err != nil {
				return fmt.Errorf("conversation %s: %w", c.id, err)
			}
			for _, e := range evs {
				if err := evApp.AppendRow(e...); err != nil {
					return fmt.Errorf("event of %s: %w", c.id, err)
				}
				if at := e[3].(time.Time); at.After(last) {
					last = at
				}
			}
		}
		// The data runs on past its last conversation's day, as a real warehouse's late
		// events do (resolutions, CSAT answers), so that day is complete and the default
		// period ends on it (docs/qa.md, "How the sample is drawn"). The event belongs to no
		// conversation: no transcript shows it.
		if len(convs) > 0 {
			at := last.Add(24 * time.Hour)
			l := at.In(loc)
			wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
			if err := evApp.AppendRow("late-e1", "late", "csat", at, int32(0), "webchat", "customer", "late-customer", nil,
				nil, false, false, nil, nil, nil, int32(5), nil, nil, "fixture", int32(-1), int64(1), at, int64(1), int32(1), wall); err != nil {
				return fmt.Errorf("late event: %w", err)
			}
		}
		if err := convApp.Close(); err != nil {
			return err
		}
		if err := evApp.Close(); err != nil {
			return err
		}
		autoApp, err := duckdb.NewAppenderFromConn(raw.(driver.Conn), "", "auto_qa")
		if err != nil {
			return err
		}
		for _, c := range convs {
			for _, a := range c.auto {
				var seq any
				if a.seq != 0 {
					seq = a.seq
				}
				if err := autoApp.AppendRow(c.id, a.check, a.result, seq, a.detail); err != nil {
					return fmt.Errorf("auto_qa of %s: %w", c.id, err)
				}
			}
		}
		if err := autoApp.Close(); err != nil {
			return err
		}
		info, err := duckdb.NewAppenderFromConn(raw.(driver.Conn), "", "warehouse_info")
		if err != nil {
			return err
		}
		if err := info.AppendRow(fixtureNow, loc.String(), int64(0), int64(len(convs)), fixtureStart, last); err != nil {
			return err
		}
		return info.Close()
	})
	if err != nil {
		return fmt.Errorf("fill fixture warehouse: %w", err)
	}
	return nil
}

// rows returns the conversations row and the events rows of c, in table
// column order; *_local columns hold the wall clock in loc.
func (c fconv) rows(loc *time.Location) ([]driver.Value, [][]driver.Value) {
	local := func(t time.Time) time.Time {
		l := t.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
	}
	start := fixtureStart.AddDate(0, 0, c.day).Add(9 * time.Hour)
	queue, channel, customer := any(c.queue), c.channel, c.customer
	switch c.queue {
	case "":
		queue = "general"
	case NoneValue:
		queue = nil
	}
	if channel == "" {
		channel = "webchat"
	}
	if customer == "" {
		customer = "cust-" + c.id
	}
	texts := c.texts
	for len(texts) < max(c.messages, 1) {
		texts = append(texts, "hello")
	}
	var evs [][]driver.Value
	at := start
	ev := func(typ, role, id string, text any, private bool, toRole, toID, toQueue string, csat any) {
		n := int64(len(evs) + 1)
		evs = append(evs, []driver.Value{
			fmt.Sprintf("%s-e%d", c.id, n), c.id, typ, at, int32(0), channel, role, id, queue,
			text, private, false, nilIfEmpty(toRole), nilIfEmpty(toID), nilIfEmpty(toQueue), csat,
			nil, nil, "fixture", int32(-1), n, at, n, int32(1), local(at),
		})
		at = at.Add(time.Minute)
	}
	ev("conversation_started", "customer", customer, nil, false, "", "", "", nil)
	if c.assigned {
		ev("assigned", "system", "router", nil, false, "agent", c.agent, "", nil)
	}
	var agentMsgs int64
	var frt any
	for _, d := range c.dialogue {
		id := map[string]string{"customer": customer, "agent": c.agent, "bot": "bot"}[d[0]]
		ev("message", d[0], id, d[1], false, "", "", "", nil)
	}
	if c.dialogue != nil {
		texts = nil
	}
	for _, tx := range texts {
		ev("message", "customer", customer, tx, false, "", "", "", nil)
	}
	if c.agent != "" && c.dialogue == nil {
		ev("message", "agent", c.agent, "internal: check the order", true, "", "", "", nil)
		ev("message", "agent", c.agent, "Thanks, looking into it.", false, "", "", "", nil)
		agentMsgs, frt = 1, float64(len(texts)+1)*60
	}
	if c.escalated {
		ev("escalated", "agent", c.agent, nil, false, "agent", "", "tier2", nil)
	}
	if c.complete && !c.abandoned {
		ev("resolved", "agent", c.agent, nil, false, "", "", "", nil)
	}
	var csat any
	if c.csat > 0 {
		csat = int32(c.csat)
		ev("csat", "customer", customer, nil, false, "", "", "", csat)
	}
	var slaMet, slaTarget any
	if c.sla != "" {
		slaMet, slaTarget = c.sla == "met", 300.0
	}
	resolved := c.complete && !c.abandoned
	var resolution any
	if resolved {
		resolution = at.Sub(start).Seconds()
	}
	var escalations int64
	if c.escalated {
		escalations = 1
	}
	agent := nilIfEmpty(c.agent)
	first, last := agent, agent
	if c.first != "" {
		first = c.first
	}
	if c.last != "" {
		last = c.last
	}
	row := []driver.Value{
		c.id, customer, channel, queue, queue,
		start, local(start), start.Truncate(24 * time.Hour), at,
		agent, first, last,
		int64(len(texts)), agentMsgs, int64(0),
		frt, frt, frt,
		slaTarget, slaMet, nil, nil,
		resolved, resolution, resolution, resolution,
		int64(c.reopens), c.escalated, escalations, int64(0),
		false, false, false, false,
		c.abandoned, false, resolved && c.reopens == 0, csat, c.complete,
		c.friction, c.friction / 100, 0.0, 0.0, 0.0,
		cmp.Or(c.reason, "other"), nilIfEmpty(c.market),
	}
	return row, evs
}

// execOn runs statements on the fixture warehouse at path, as a warehouse built by another
// parley would differ from it.
func execOn(t testing.TB, path string, stmts ...string) {
	t.Helper()
	w, err := warehouse.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := w.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

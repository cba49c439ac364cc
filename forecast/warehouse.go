package forecast

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	sqlfiles "github.com/parley-cx/parley/sql"
)

// Filter narrows warehouse arrivals and handle times to one queue and/or channel; empty keeps all.
type Filter struct {
	Queue, Channel string
}

// ReadWarehouse counts arrivals per interval from the warehouse's messages
// view: a conversation arrives at its first customer message, at its
// wall-clock time in the org time zone (see sql/forecast/01_arrivals.sql).
func ReadWarehouse(ctx context.Context, db *sql.DB, step time.Duration, f Filter) (Series, error) {
	groups, err := readWarehouse(ctx, db, step, f, false, func(string, string) Filter { return f })
	if err != nil {
		return Series{}, err
	}
	return groups[0].Series, nil
}

// Group is the arrival history of one queue, channel, or (queue, channel)
// pair of a `--by` forecast.
type Group struct {
	Filter
	Series Series
	// MainChannel is the channel most of the group's arrivals came on (its
	// own channel when it is grouped by channel): whose sla target it gets.
	MainChannel string
}

// ReadWarehouseGroups counts arrivals per interval like ReadWarehouse, split
// into one series per queue (byQueue), per channel (byChannel) or per
// (queue, channel) pair (both), in name order. Every series spans the same
// days, from the first to the last day with any arrival, so that all groups
// are forecast from the same start. With routedIn, a conversation a routing
// event moves into another queue after it arrived arrives in that queue too,
// at the event's time (sql/forecast/04_routed_in.sql): what a queue reached
// only by transfer or escalation (a tier 2) is asked to handle.
func ReadWarehouseGroups(ctx context.Context, db *sql.DB, step time.Duration, f Filter, byQueue, byChannel, routedIn bool) ([]Group, error) {
	return readWarehouse(ctx, db, step, f, routedIn, func(queue, channel string) Filter {
		g := f
		if byQueue {
			g.Queue = queue
		}
		if byChannel {
			g.Channel = channel
		}
		return g
	})
}

func readWarehouse(ctx context.Context, db *sql.DB, step time.Duration, f Filter, routedIn bool, key func(queue, channel string) Filter) ([]Group, error) {
	all, err := NewBucketer(step)
	if err != nil {
		return nil, err
	}
	byGroup := map[Filter]*Bucketer{}
	perChannel := map[Filter]map[string]float64{}
	// count adds the arrivals one query of sql/forecast gives, per interval, queue and channel.
	count := func(file, what string) error {
		rows, err := db.QueryContext(ctx, sqlfiles.File(file), int64(step/time.Second), f.Queue, f.Channel)
		if err != nil {
			return fmt.Errorf("forecast: count %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			var at time.Time
			var queue, channel string
			var n int64
			if err := rows.Scan(&at, &queue, &channel, &n); err != nil {
				return fmt.Errorf("forecast: read %s: %w", what, err)
			}
			k := key(queue, channel)
			b, ok := byGroup[k]
			if !ok {
				b, _ = NewBucketer(step) // step was checked above
				byGroup[k] = b
				perChannel[k] = map[string]float64{}
			}
			b.Add(at, float64(n))
			all.Add(at, float64(n))
			perChannel[k][channel] += float64(n)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("forecast: read %s: %w", what, err)
		}
		return nil
	}
	if err := count("forecast/01_arrivals.sql", "arrivals"); err != nil {
		return nil, err
	}
	if routedIn {
		if err := count("forecast/04_routed_in.sql", "routed-in arrivals"); err != nil {
			return nil, err
		}
	}
	span := all.Series()
	if len(span.Days) == 0 {
		if routedIn {
			return nil, fmt.Errorf("forecast: no conversation arrives%s, at its first customer message or routed in", f.describe())
		}
		return nil, fmt.Errorf("forecast: the warehouse has no customer messages%s", f.describe())
	}
	last := span.Date(len(span.Days) - 1)
	keys := slices.SortedFunc(maps.Keys(byGroup), func(a, b Filter) int {
		return cmp.Or(cmp.Compare(a.Queue, b.Queue), cmp.Compare(a.Channel, b.Channel))
	})
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		g := Group{Filter: k, Series: byGroup[k].SeriesSpanning(span.First, last)}
		var most float64
		for _, ch := range slices.Sorted(maps.Keys(perChannel[k])) {
			if n := perChannel[k][ch]; n > most {
				g.MainChannel, most = ch, n
			}
		}
		out = append(out, g)
	}
	return out, nil
}

func (f Filter) describe() string {
	switch {
	case f.Queue != "" && f.Channel != "":
		return fmt.Sprintf(" in queue %q on channel %q", f.Queue, f.Channel)
	case f.Queue != "":
		return fmt.Sprintf(" in queue %q", f.Queue)
	case f.Channel != "":
		return fmt.Sprintf(" on channel %q", f.Channel)
	}
	return ""
}

// HandleTime is an average handle time read from the warehouse, with how it was obtained.
type HandleTime struct {
	// AHT is the mean over every arrival, one without agent work counting 0.
	AHT time.Duration
	// Conversations is how many arrivals were averaged, WithAgentWork how
	// many of them had any handle time.
	Conversations, WithAgentWork int64
	// Source is the column the figure comes from: "agent_handle_s".
	Source string
}

// ErrNoHandleTime is returned for a warehouse built before
// conversations.agent_handle_s existed: rebuilding it adds the column.
var ErrNoHandleTime = errors.New("the warehouse has no conversations.agent_handle_s (built by an older parley): rebuild it with `parley build`, or give --aht explicitly")

// ReadHandleTime derives the average handle time of the conversations that
// arrive (at their first customer message, in f's queue and channel) in
// [from, to) on the wall clock: the history a forecast learns from, and
// nothing after it. It is the mean of conversations.agent_handle_s, the one
// handle-time rule of the build (docs/metrics.md, "Agent handle time"), over
// all of them, those without agent work (bot-contained, abandoned) counting
// 0: the volume it is multiplied by counts them too, so volume × AHT is the
// agent work the history had.
func ReadHandleTime(ctx context.Context, db *sql.DB, from, to time.Time, f Filter) (HandleTime, error) {
	var has bool
	if err := db.QueryRowContext(ctx, sqlfiles.File("forecast/02_has_agent_handle.sql")).Scan(&has); err != nil {
		return HandleTime{}, fmt.Errorf("forecast: look for agent_handle_s: %w", err)
	}
	if !has {
		return HandleTime{}, fmt.Errorf("forecast: --aht auto: %w", ErrNoHandleTime)
	}
	h := HandleTime{Source: "agent_handle_s"}
	query, args := sqlfiles.File("forecast/03_aht_agent_handle.sql"), []any{from, to, f.Queue, f.Channel}
	var avg sql.NullFloat64
	if err := db.QueryRowContext(ctx, query, args...).Scan(&avg, &h.Conversations, &h.WithAgentWork); err != nil {
		return HandleTime{}, fmt.Errorf("forecast: average handle time from %s: %w", h.Source, err)
	}
	if !avg.Valid || avg.Float64 <= 0 {
		return HandleTime{}, errors.New("forecast: --aht auto: no conversation with agent work" + f.describe() + " in the history; give --aht explicitly")
	}
	h.AHT = time.Duration(avg.Float64 * float64(time.Second))
	return h, nil
}

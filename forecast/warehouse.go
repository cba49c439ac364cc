package forecast

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	parleysql "github.com/parley-cx/parley/sql"
)

// Filter narrows warehouse arrivals and handle times to one queue and/or channel; empty keeps all.
type Filter struct {
	Queue, Channel string
}

// ReadWarehouse counts arrivals per interval from the warehouse's messages
// view: a conversation arrives at its first customer message, at its
// wall-clock time in the org time zone (see sql/forecast/01_arrivals.sql).
func ReadWarehouse(ctx context.Context, db *sql.DB, step time.Duration, f Filter) (Series, error) {
	b, err := NewBucketer(step)
	if err != nil {
		return Series{}, err
	}
	rows, err := db.QueryContext(ctx, parleysql.File("forecast/01_arrivals.sql"), int64(step/time.Second), f.Queue, f.Channel)
	if err != nil {
		return Series{}, fmt.Errorf("forecast: count arrivals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var n int64
		if err := rows.Scan(&at, &n); err != nil {
			return Series{}, fmt.Errorf("forecast: read arrivals: %w", err)
		}
		b.Add(at, float64(n))
	}
	if err := rows.Err(); err != nil {
		return Series{}, fmt.Errorf("forecast: read arrivals: %w", err)
	}
	s := b.Series()
	if len(s.Days) == 0 {
		return Series{}, fmt.Errorf("forecast: the warehouse has no customer messages%s", f.describe())
	}
	return s, nil
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
	AHT           time.Duration
	Conversations int64
	// Source is the column the figure comes from: "agent_handle_s".
	Source string
}

// ErrNoHandleTime is returned for a warehouse built before
// conversations.agent_handle_s existed: rebuilding it adds the column.
var ErrNoHandleTime = errors.New("the warehouse has no conversations.agent_handle_s (built by an older parley): rebuild it with `parley build`, or give --aht explicitly")

// ReadHandleTime derives the average handle time of conversations that
// started on or after since (wall clock): the mean of
// conversations.agent_handle_s, the one handle-time rule of the build
// (docs/metrics.md, "Agent handle time").
func ReadHandleTime(ctx context.Context, db *sql.DB, since time.Time, f Filter) (HandleTime, error) {
	var has bool
	if err := db.QueryRowContext(ctx, parleysql.File("forecast/02_has_agent_handle.sql")).Scan(&has); err != nil {
		return HandleTime{}, fmt.Errorf("forecast: look for agent_handle_s: %w", err)
	}
	if !has {
		return HandleTime{}, fmt.Errorf("forecast: --aht auto: %w", ErrNoHandleTime)
	}
	h := HandleTime{Source: "agent_handle_s"}
	query, args := parleysql.File("forecast/03_aht_agent_handle.sql"), []any{since, f.Queue, f.Channel}
	var avg sql.NullFloat64
	if err := db.QueryRowContext(ctx, query, args...).Scan(&avg, &h.Conversations); err != nil {
		return HandleTime{}, fmt.Errorf("forecast: average handle time from %s: %w", h.Source, err)
	}
	if !avg.Valid || avg.Float64 <= 0 {
		return HandleTime{}, errors.New("forecast: --aht auto: no conversation with agent work" + f.describe() + " in the history; give --aht explicitly")
	}
	h.AHT = time.Duration(avg.Float64 * float64(time.Second))
	return h, nil
}

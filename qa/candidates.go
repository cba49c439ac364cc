package qa

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// warehouseInfo is what the run needs to know about the warehouse as a whole.
type warehouseInfo struct {
	loc       *time.Location
	lastEvent time.Time
	// lastKnown is the local date of the last event not in the future relative to the build
	// (zero: none); lastComplete, the last local date before it on which a conversation
	// started (zero: none), which ends the default period.
	lastKnown, lastComplete time.Time
}

// loadInfo reads warehouse_info. The warehouse's own time zone wins, since
// its local dates were computed in it; settings only fill in when it has none.
func loadInfo(ctx context.Context, db *warehouse.DB, settings *config.Config) (warehouseInfo, error) {
	var (
		tz                                   sql.NullString
		first, last, lastKnown, lastComplete sql.NullTime
	)
	err := db.QueryRowContext(ctx, sqlfiles.File("qa/01_period.sql")).Scan(&tz, &first, &last, &lastKnown, &lastComplete)
	if errors.Is(err, sql.ErrNoRows) {
		return warehouseInfo{}, errors.New("qa: warehouse_info is empty (was the build interrupted?)")
	}
	if err != nil {
		return warehouseInfo{}, fmt.Errorf("qa: read warehouse_info: %w", err)
	}
	name := tz.String
	if name == "" && settings != nil {
		name = settings.TimeZone
	}
	loc := time.UTC
	if name != "" {
		if loc, err = time.LoadLocation(name); err != nil {
			return warehouseInfo{}, fmt.Errorf("qa: warehouse time zone %q: %w", name, err)
		}
	}
	if !last.Valid {
		return warehouseInfo{}, errors.New("qa: the warehouse holds no events")
	}
	info := warehouseInfo{loc: loc, lastEvent: last.Time}
	date := func(d sql.NullTime) time.Time {
		if !d.Valid {
			return time.Time{}
		}
		return time.Date(d.Time.Year(), d.Time.Month(), d.Time.Day(), 0, 0, 0, 0, loc)
	}
	info.lastKnown, info.lastComplete = date(lastKnown), date(lastComplete)
	return info, nil
}

// candidate is one conversation that may be sampled.
type candidate struct {
	id       string
	agent    string // attributed agent; "" when no human replied
	complete bool
	flags    strataSet // strata known from the row alone; deciles are added later
	friction float64
	messages int64
	// autoFails are the automatic checks it failed (auto_qa), read only
	// when an auto_fail stratum is asked for.
	autoFails []string
}

// loadCandidates runs the candidate query, one pass over the conversations of
// the slice read as Arrow batches, sorts the candidates by id and marks each one's strata,
// including the decile strata ranked over the complete candidates of the period.
func loadCandidates(ctx context.Context, db *warehouse.DB, from, to string, sl slice, attributeTo string) ([]candidate, error) {
	flagCols := []struct {
		col     string
		stratum string
	}{
		{"low_csat", LowCSAT}, {"escalated", Escalated}, {"reopened", Reopened},
		{"abandoned", Abandoned}, {"sla_breach", SLABreach},
	}
	// Agent ids repeat across many rows; keep one copy of each string.
	agents := map[string]string{}
	var out []candidate
	err := db.Arrow(ctx, func(rec arrow.Record) error {
		r := warehouse.NewRecord(rec)
		ids, err := r.Strings("conversation_id")
		if err != nil {
			return err
		}
		agentIDs, err := r.Strings("agent_id")
		if err != nil {
			return err
		}
		complete, err := r.Bools("complete")
		if err != nil {
			return err
		}
		friction, err := r.Floats("friction_score")
		if err != nil {
			return err
		}
		messages, err := r.Ints("messages")
		if err != nil {
			return err
		}
		flags := make([]*array.Boolean, len(flagCols))
		for i, f := range flagCols {
			if flags[i], err = r.Bools(f.col); err != nil {
				return err
			}
		}
		for i := range int(rec.NumRows()) {
			a := agentIDs.Value(i)
			if k, ok := agents[a]; ok {
				a = k
			} else {
				a = string([]byte(a)) // detach from the batch, which is released
				agents[a] = a
			}
			c := candidate{
				id:       string([]byte(ids.Value(i))),
				agent:    a,
				complete: complete.Value(i),
				friction: friction.Value(i),
				messages: messages.Value(i),
			}
			for j, f := range flagCols {
				if flags[j].Value(i) {
					c.flags = c.flags.with(f.stratum)
				}
			}
			out = append(out, c)
		}
		return nil
	}, sqlfiles.File("qa/02_candidates.sql"), append(sl.args(from, to), attributeTo)...)
	if err != nil {
		return nil, fmt.Errorf("qa: load candidates: %w", err)
	}
	slices.SortFunc(out, func(a, b candidate) int { return strings.Compare(a.id, b.id) })
	markDeciles(out)
	return out, nil
}

// markDeciles adds high_friction and long: the top tenth (rounded up) of
// the complete candidates by friction score and by message count, with ties
// at the cut-off all in, and never a conversation whose value is zero.
func markDeciles(cs []candidate) {
	var friction []float64
	var messages []float64
	for _, c := range cs {
		if c.complete {
			friction = append(friction, c.friction)
			messages = append(messages, float64(c.messages))
		}
	}
	fCut, mCut := topDecileCut(friction), topDecileCut(messages)
	for i := range cs {
		c := &cs[i]
		if !c.complete {
			continue
		}
		if c.friction > 0 && c.friction >= fCut {
			c.flags = c.flags.with(HighFriction)
		}
		if c.messages > 0 && float64(c.messages) >= mCut {
			c.flags = c.flags.with(Long)
		}
	}
	// Strata only ever hold complete conversations.
	for i := range cs {
		if !cs[i].complete {
			cs[i].flags = 0
		}
	}
}

// topDecileCut is the k-th largest value, k = ceil(n/10): values at or
// above it are the top decile. It is +Inf when there are no values.
func topDecileCut(vals []float64) float64 {
	if len(vals) == 0 {
		return math.Inf(1)
	}
	k := (len(vals) + 9) / 10
	slices.Sort(vals)
	return vals[len(vals)-k]
}

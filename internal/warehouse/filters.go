package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/termsafe"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// Filter is one filter a command was given: keep only the conversations whose Dimension
// (queue, channel, market, reason, or arrival_queue and arrival_channel, those of their
// first customer message, or routed_queue, any queue an event puts them in: the files of
// sql/filters/) is Value. Flag is
// the flag that set it, for the message.
type Filter struct {
	Flag, Dimension, Value string
	// None is the value that stands for conversations without one ("(none)" for parley
	// report's --queue and --market); "" when the command cannot select those.
	None string
}

// filterValuesListed is the most values an error lists; the rest are counted.
const filterValuesListed = 20

// nearMissesListed is the most "did you mean" suggestions worth making.
const nearMissesListed = 3

// ErrUnknownFilterValue is wrapped by CheckFilters' errors: no conversation has the value.
var ErrUnknownFilterValue = errors.New("not in the warehouse")

// CheckFilters returns one fielderr.Error per filter whose value no conversation in the
// warehouse has (wrapping ErrUnknownFilterValue), naming the values that exist, the most
// frequent first, and the near misses. Filters with an empty Value (any) are not checked.
func (db *DB) CheckFilters(ctx context.Context, filters ...Filter) error {
	var errs []error
	for _, f := range filters {
		if f.Value == "" {
			continue
		}
		values, err := db.filterValues(ctx, f.Dimension)
		if err != nil {
			return err
		}
		var names []string
		found := false
		for _, v := range values {
			name := v.String
			if !v.Valid {
				if f.None == "" {
					continue
				}
				name = f.None
			}
			names = append(names, name)
			found = found || name == f.Value
		}
		if found {
			continue
		}
		why := "no conversation has it"
		switch {
		case f.Value == f.None:
			// "(none)" offered by --help, where every conversation has one.
			why = "every conversation has a " + strings.TrimSuffix(plural[f.Dimension], "s")
		case absent[f.Dimension] != "":
			why = absent[f.Dimension]
		}
		errs = append(errs, fielderr.New(f.Flag, "%q: %w (%s); %s", f.Value, ErrUnknownFilterValue, why, describeValues(f, names)))
	}
	return errors.Join(errs...)
}

// ErrOldWarehouse is wrapped by CheckFilterColumns' error: the warehouse was built by a parley
// before conversations had the columns the filters read (market, contact_reason), and only a
// full build adds them.
var ErrOldWarehouse = errors.New("the warehouse predates conversation markets and contact reasons")

// CheckFilterColumns returns an error wrapping ErrOldWarehouse, in one line naming the missing
// columns and the command that rebuilds the warehouse, when conversations lacks a column the
// filters read (sql/filters/columns.sql). Queries of such a warehouse would fail with DuckDB's
// binder error, which says nothing of the cause; the check runs whether or not a filter is given,
// since the queries read the columns either way.
func (db *DB) CheckFilterColumns(ctx context.Context) error {
	rows, err := db.QueryContext(ctx, sqlfiles.File("filters/columns.sql"))
	if err != nil {
		return fmt.Errorf("warehouse: look for the columns of conversations: %w", err)
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("warehouse: read filters/columns.sql: %w", err)
		}
		missing = append(missing, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: read filters/columns.sql: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w (conversations has no %s): rebuild it with parley build --full --lake LAKE --db FILE",
			ErrOldWarehouse, strings.Join(missing, ", no "))
	}
	return nil
}

// filterValues runs sql/filters/<dimension>.sql: the values, the most frequent first.
func (db *DB) filterValues(ctx context.Context, dimension string) ([]sql.NullString, error) {
	file := "filters/" + dimension + ".sql"
	rows, err := db.QueryContext(ctx, sqlfiles.File(file))
	if err != nil {
		return nil, fmt.Errorf("warehouse: list the %s: %w", plural[dimension], err)
	}
	defer rows.Close()
	var values []sql.NullString
	for rows.Next() {
		var (
			v sql.NullString
			n int64
		)
		if err := rows.Scan(&v, &n); err != nil {
			return nil, fmt.Errorf("warehouse: read %s: %w", file, err)
		}
		values = append(values, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: read %s: %w", file, err)
	}
	return values, nil
}

// absent says what a value CheckFilters does not find means, where it is
// not "no conversation has it": a queue conversations are transferred to
// but never arrive in (billing_tier2) is one conversations have.
var absent = map[string]string{
	"arrival_queue":   "no conversation arrives in it: arrivals count in the queue of their first customer message, not one they are transferred to (--routed-in counts those too)",
	"arrival_channel": "no conversation's first customer message came on it",
	"routed_queue":    "no event puts a conversation in it",
}

// plural names each dimension's values in messages.
var plural = map[string]string{"queue": "queues", "channel": "channels", "market": "markets", "reason": "contact reasons",
	"arrival_queue": "queues", "arrival_channel": "channels", "routed_queue": "queues"}

// describeValues names the values that exist, the near misses of f.Value first.
func describeValues(f Filter, names []string) string {
	if len(names) == 0 {
		return "no conversation has any " + plural[f.Dimension][:len(plural[f.Dimension])-1]
	}
	var b strings.Builder
	listed := names[:min(len(names), filterValuesListed)]
	fmt.Fprintf(&b, "its %s, most conversations first: %s", plural[f.Dimension], termsafe.Join(listed, ", "))
	if more := len(names) - len(listed); more > 0 {
		fmt.Fprintf(&b, " and %d more", more)
	}
	// Short names (markets: DE, FR) are all within two edits of each other: a suggestion
	// of most of the list says nothing.
	near := suggest.Among(f.Value, names)
	for _, n := range names {
		if strings.EqualFold(n, f.Value) { // de for DE: the one to suggest, however many are near
			near = []string{n}
			break
		}
	}
	if len(near) > 0 && len(near) <= nearMissesListed {
		fmt.Fprintf(&b, "; did you mean %s?", termsafe.Join(near, " or "))
	}
	return b.String()
}

package qa

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/termsafe"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// AutoFail is the stratum of conversations that failed an automatic check
// (auto_qa); AutoFail + ":" + CHECK holds those that failed that check.
const AutoFail = "auto_fail"

// autoStratum reports whether s is auto_fail or auto_fail:CHECK, and the check ("" for any).
func autoStratum(s string) (check string, ok bool) {
	if s == AutoFail {
		return "", true
	}
	check, ok = strings.CutPrefix(s, AutoFail+":")
	return check, ok && check != ""
}

// in reports whether c belongs to stratum s: a fixed stratum's flag, or
// for auto_fail[:CHECK] a failed check (complete conversations only, as
// every stratum).
func (c candidate) in(s string) bool {
	check, auto := autoStratum(s)
	if !auto {
		return c.flags.has(s)
	}
	if !c.complete || len(c.autoFails) == 0 {
		return false
	}
	return check == "" || slices.Contains(c.autoFails, check)
}

// strataOf lists the strata c belongs to: the fixed ones, then the
// auto_fail strata of requested that it is in.
func (c candidate) strataOf(requested []string) []string {
	out := c.flags.names()
	for _, s := range requested {
		if _, auto := autoStratum(s); auto && c.in(s) {
			out = append(out, s)
		}
	}
	return out
}

// loadAutoFails marks, on cands (sorted by id), the automatic checks each
// failed, when strata asks for an auto_fail stratum.
func loadAutoFails(ctx context.Context, db *warehouse.DB, cands []candidate, strata []string, from, to string, sl slice) error {
	if !slices.ContainsFunc(strata, func(s string) bool { _, ok := autoStratum(s); return ok }) {
		return nil
	}
	if err := checkAutoStrata(ctx, db, strata); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, sqlfiles.File("qa/05_auto_fails.sql"), sl.args(from, to)...)
	if err != nil {
		return fmt.Errorf("qa: read auto_qa (does the warehouse predate automatic checks? run parley build): %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var checks []any
		if err := rows.Scan(&id, &checks); err != nil {
			return fmt.Errorf("qa: read auto_qa: %w", err)
		}
		i, found := slices.BinarySearchFunc(cands, id, func(c candidate, id string) int { return strings.Compare(c.id, id) })
		if !found {
			continue
		}
		for _, ch := range checks {
			cands[i].autoFails = append(cands[i].autoFails, fmt.Sprint(ch))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("qa: read auto_qa: %w", err)
	}
	return nil
}

// checkAutoStrata refuses an auto_fail:CHECK stratum whose check has no
// verdicts in the warehouse (a misspelt name would otherwise draw that
// share at random without a word), naming the checks it has, and any
// auto_fail stratum when the warehouse has no verdicts at all.
func checkAutoStrata(ctx context.Context, db *warehouse.DB, strata []string) error {
	rows, err := db.QueryContext(ctx, sqlfiles.File("qa/08_auto_checks.sql"))
	if err != nil {
		return fmt.Errorf("qa: read auto_qa (does the warehouse predate automatic checks? run parley build): %w", err)
	}
	defer rows.Close()
	var known []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("qa: read the automatic checks: %w", err)
		}
		known = append(known, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("qa: read the automatic checks: %w", err)
	}
	for _, s := range strata {
		check, ok := autoStratum(s)
		if ok && len(known) == 0 {
			// Without verdicts the stratum is empty and its share would be drawn at
			// random without a word, as for a misspelt check.
			return fmt.Errorf("qa: %w", fielderr.New("strata", "%s: the warehouse holds no verdicts of automatic checks (%w: it was built with qa.auto.disabled: true, or every check disabled); "+
				"enable them under qa.auto in parley.yaml and run parley build, or sample without %s", s, warehouse.ErrUnknownFilterValue, s))
		}
		if ok && check != "" && !slices.Contains(known, check) {
			// Wrapping ErrUnknownFilterValue makes it a usage error, like an unknown --channel.
			return fmt.Errorf("qa: %w", fielderr.New("strata", "%s: automatic check %q: %w (its checks: %s)%s",
				s, check, warehouse.ErrUnknownFilterValue, termsafe.Join(known, ", "), suggest.Hint(check, known)))
		}
	}
	return nil
}

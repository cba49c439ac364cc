// Package verify recomputes conversations from the Parquet lake with the executable
// specification (metrics/spec) and compares every column of every row with the warehouse that
// `parley build` wrote: `parley verify`, and the differential test of the SQL build.
package verify

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics/spec"
)

// Config says what to verify.
type Config struct {
	// DB is the warehouse file; Lake the lake it was built from.
	DB, Lake string
	// Settings are the ones the warehouse was built with; Run fails with ErrSettings if the
	// warehouse records others. nil means config.Default().
	Settings *config.Config
	// Sample is how many conversations to verify, chosen by Seed; 0 verifies all of them (and
	// also checks that the warehouse has no conversation the lake lacks).
	Sample int
	Seed   int64
	// Show is how many disagreeing conversations the report details (default 5): for each
	// disagreeing column in turn, the smallest conversation that disagrees on it.
	Show int
	// Batch is how many conversations are verified at a time (default 10000): each batch reads
	// the lake once more and holds its conversations' events in memory.
	Batch int
	// Log receives each step (every lake file indexed, every part of a
	// batch compared); nil discards it.
	Log *slog.Logger
	// Progress, when set, receives a few lines for a person watching the
	// verification: the lake indexed, then each batch compared.
	Progress func(line string)
}

// Report is what a verification found.
type Report struct {
	// LakeRows and LakeConversations describe the lake read (duplicates included in the rows).
	LakeRows          int64
	LakeConversations int
	// Verified is how many conversations were recomputed and compared.
	Verified int
	// All says every conversation was verified.
	All bool
	// Columns is the agreement of every compared column, table by table; the pseudo-column
	// "(row)" counts rows that both sides have.
	Columns []ColumnAgreement
	// Unverified lists warehouse columns the specification does not compute (table.column).
	Unverified []string
	// Disagreeing is how many verified conversations disagree somewhere.
	Disagreeing int
	// Mismatches details up to Config.Show of them: the smallest example of each disagreeing
	// column, column by column.
	Mismatches []Mismatch
	// OnlyInWarehouse lists conversations of the warehouse the lake does not have (with All).
	OnlyInWarehouse []string
}

// ColumnAgreement counts, for one column of one table, the rows compared and those that agreed.
type ColumnAgreement struct {
	Table, Column    string
	Compared, Agreed int64
	// Example is the disagreeing conversation with the fewest events, if any disagrees.
	Example string
}

// Mismatch is one disagreeing conversation: its events as the specification orders them, and
// every row that differs.
type Mismatch struct {
	ConversationID string
	Events         []spec.EventRow
	Rows           []RowDiff
}

// OK reports whether the warehouse agrees with the specification everywhere it was compared.
func (r *Report) OK() bool { return r.Disagreeing == 0 && len(r.OnlyInWarehouse) == 0 }

// Run verifies the warehouse against the lake. A disagreement is not an error: it is in the
// Report. Errors are reasons the comparison could not be made (ErrSettings, ErrStale, I/O).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string) {}
	}
	settings, err := config.OrDefault(cfg.Settings)
	if err != nil {
		return nil, fmt.Errorf("verify: settings: %w", err)
	}
	if cfg.Show == 0 {
		cfg.Show = 5
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 10000
	}
	db, err := warehouse.Open(cfg.DB, true)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer db.Close()
	if err := checkSettings(ctx, db, settings); err != nil {
		return nil, err
	}

	start := time.Now()
	idx, err := indexLake(ctx, cfg.Lake, spec.Context{Settings: settings}, func(msg string, args ...any) { log.Info(msg, args...) })
	if err != nil {
		return nil, err
	}
	if err := checkFresh(ctx, db, idx.files, fileSize); err != nil {
		return nil, err
	}
	ids := sample(idx.conversations, cfg.Sample, cfg.Seed)
	rep := &Report{LakeRows: idx.rows, LakeConversations: len(idx.conversations), All: len(ids) == len(idx.conversations)}
	log.Info("verify: indexed the lake", "rows", idx.rows, "conversations", len(idx.conversations),
		"verifying", len(ids), "elapsed", time.Since(start).Round(time.Millisecond))
	progress(fmt.Sprintf("indexed the lake in %s: %d rows, %d conversations; verifying %d",
		time.Since(start).Round(time.Millisecond), idx.rows, len(idx.conversations), len(ids)))
	if rep.All {
		if rep.OnlyInWarehouse, err = onlyInWarehouse(ctx, db, idx.conversations); err != nil {
			return nil, err
		}
	}
	t := newTally()
	for _, tb := range tables {
		cols, err := tableColumns(ctx, db, tb.name)
		if err != nil {
			return nil, err
		}
		known := specColumns(tb.row)
		for _, c := range cols {
			if !slices.Contains(known, c) {
				rep.Unverified = append(rep.Unverified, tb.name+"."+c)
			}
		}
		t.declare(tb.name, known)
	}
	for from := 0; from < len(ids); from += cfg.Batch {
		batch := ids[from:min(from+cfg.Batch, len(ids))]
		raw, err := readConversations(ctx, idx, batch)
		if err != nil {
			return nil, err
		}
		// The warehouse's rows are read a tenth of a batch at a time: as Go maps they
		// take more room than the lake's rows.
		for wfrom := 0; wfrom < len(batch); wfrom += max(cfg.Batch/10, 1) {
			part := batch[wfrom:min(wfrom+max(cfg.Batch/10, 1), len(batch))]
			if err := verifyBatch(ctx, db, idx.ctx, part, raw, t, rep); err != nil {
				return nil, err
			}
			rep.Verified += len(part)
			log.Info("verify: compared", "conversations", fmt.Sprintf("%d/%d", rep.Verified, len(ids)),
				"disagreeing", rep.Disagreeing, "elapsed", time.Since(start).Round(time.Millisecond))
		}
		progress(fmt.Sprintf("compared %d of %d conversations in %s: %d disagree",
			rep.Verified, len(ids), time.Since(start).Round(time.Millisecond), rep.Disagreeing))
	}
	rep.Columns = t.columns()
	rep.Mismatches = t.examples(cfg.Show)
	return rep, nil
}

// verifyBatch compares one batch of conversations, every table.
func verifyBatch(ctx context.Context, db *warehouse.DB, sc spec.Context, batch []string, raw map[string][]lake.Row, t *tally, rep *Report) error {
	wh := map[string]map[string][]record{}
	for _, tb := range tables {
		recs, err := readRecords(ctx, db, tb.name, batch)
		if err != nil {
			return err
		}
		wh[tb.name] = recs
	}
	for _, id := range batch {
		res, err := spec.Compute(raw[id], sc)
		if err != nil {
			return fmt.Errorf("verify: conversation %s: %w", id, err)
		}
		var diffs []RowDiff
		for _, tb := range tables {
			cols := specColumns(tb.row)
			diffs = append(diffs, compareRows(tb.name, tb.key, cols, specRecords(tb.name, res), wh[tb.name][id], t.add(tb.name))...)
		}
		if len(diffs) == 0 {
			continue
		}
		rep.Disagreeing++
		t.example(Mismatch{ConversationID: id, Events: res.Events, Rows: diffs})
	}
	return nil
}

// onlyInWarehouse lists the warehouse's conversations that the lake does not have.
func onlyInWarehouse(ctx context.Context, db *warehouse.DB, lakeIDs []string) ([]string, error) {
	whIDs, err := warehouseConversations(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range whIDs {
		if _, found := slices.BinarySearch(lakeIDs, id); !found {
			out = append(out, id)
		}
	}
	return out, nil
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// tally counts agreement by table and column, in declaration order, and keeps the smallest
// disagreeing conversation of each column.
type tally struct {
	order    []string
	by       map[string]*ColumnAgreement
	smallest map[string]Mismatch
}

func newTally() *tally {
	return &tally{by: map[string]*ColumnAgreement{}, smallest: map[string]Mismatch{}}
}

func (t *tally) declare(table string, columns []string) {
	for _, c := range append([]string{"(row)"}, columns...) {
		k := table + "." + c
		t.order = append(t.order, k)
		t.by[k] = &ColumnAgreement{Table: table, Column: c}
	}
}

func (t *tally) add(table string) func(column string, agreed bool) {
	return func(column string, agreed bool) {
		a := t.by[table+"."+column]
		a.Compared++
		if agreed {
			a.Agreed++
		}
	}
}

// example offers a disagreeing conversation as the example of each column it disagrees on.
func (t *tally) example(m Mismatch) {
	for _, d := range m.Rows {
		for _, c := range d.Cells {
			k := d.Table + "." + c.Column
			if d.Missing != "" {
				k = d.Table + ".(row)"
			}
			if !c.Differs {
				continue
			}
			if old, ok := t.smallest[k]; !ok || len(m.Events) < len(old.Events) {
				t.smallest[k] = m
				t.by[k].Example = m.ConversationID
			}
		}
	}
}

// examples lists the examples of the disagreeing columns in column order, each conversation once,
// at most n.
func (t *tally) examples(n int) []Mismatch {
	var out []Mismatch
	seen := map[string]bool{}
	for _, k := range t.order {
		m, ok := t.smallest[k]
		if !ok || seen[m.ConversationID] || len(out) >= n {
			continue
		}
		seen[m.ConversationID] = true
		out = append(out, m)
	}
	return out
}

func (t *tally) columns() []ColumnAgreement {
	out := make([]ColumnAgreement, 0, len(t.order))
	for _, k := range t.order {
		out = append(out, *t.by[k])
	}
	return out
}

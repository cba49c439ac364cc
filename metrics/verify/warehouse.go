package verify

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/transform"
)

// queries holds the few statements verify runs on the warehouse, one file each with its header.
//
//go:embed queries/*.sql
var queries embed.FS

func query(name string) string {
	b, err := queries.ReadFile("queries/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("verify: no embedded query %s: %v", name, err)) // compiled in: a programming error
	}
	return string(b)
}

// ErrSettings is returned when the settings given are not the ones the warehouse was built with:
// comparing would report differences that are only the settings'.
var ErrSettings = errors.New("the warehouse was not built with these settings")

// ErrStale is returned when the lake holds files the warehouse was not built from.
var ErrStale = errors.New("the warehouse is older than the lake")

// checkSettings compares the settings the warehouse records with s, and names every difference.
// The build fingerprint covers what the tables do not (business hours, the build's SQL).
func checkSettings(ctx context.Context, db *warehouse.DB, s *config.Config) error {
	var problems []string
	differ := func(field string, wh, cfg any) {
		problems = append(problems, fmt.Sprintf("%s: warehouse %v, --config %v", field, wh, cfg))
	}
	var tz string
	var w [8]float64
	err := db.QueryRowContext(ctx, query("build_settings")).Scan(&tz, &w[0], &w[1], &w[2], &w[3], &w[4], &w[5], &w[6], &w[7])
	if err != nil {
		return fmt.Errorf("verify: read build_settings: %w", err)
	}
	if tz != s.TimeZone {
		differ("timezone", tz, s.TimeZone)
	}
	for i, f := range []struct {
		name string
		v    float64
	}{
		{"windows.repeat_contact (s)", s.Windows.RepeatContact.Seconds()},
		{"windows.escalation_effective (s)", s.Windows.EscalationEffective.Seconds()},
		{"windows.reopen (s)", s.Windows.Reopen.Seconds()},
		{"windows.idle_complete (s)", s.Windows.IdleComplete.Seconds()},
		{"friction.weights.time", s.Friction.Weights.Time},
		{"friction.weights.impersonal", s.Friction.Weights.Impersonal},
		{"friction.weights.directness", s.Friction.Weights.Directness},
		{"friction.weights.effort", s.Friction.Weights.Effort},
	} {
		if math.Abs(w[i]-f.v) > 1e-9 {
			differ(f.name, w[i], f.v)
		}
	}
	sla, err := channelTable(ctx, db, "sla_targets", 2)
	if err != nil {
		return err
	}
	want := map[string][]float64{}
	for ch, t := range s.SLA {
		want[ch] = []float64{t.FirstResponse.Seconds(), t.Goal}
	}
	compareChannels("sla", sla, want, differ)
	windows, err := channelTable(ctx, db, "reply_windows", 1)
	if err != nil {
		return err
	}
	want = map[string][]float64{}
	for ch, d := range s.ReplyWindows {
		want[ch] = []float64{d.Seconds()}
	}
	compareChannels("reply_windows", windows, want, differ)

	var fp string
	if err := db.QueryRowContext(ctx, query("build_state")).Scan(&fp); err != nil {
		return fmt.Errorf("verify: read build_state: %w", err)
	}
	if len(problems) == 0 && fp != transform.Fingerprint(s) {
		problems = append(problems, "the build fingerprint differs: business_hours or queues.*.hours differ, "+
			"or the warehouse was built by another version of parley (rebuild it with this one)")
	}
	if len(problems) > 0 {
		return fmt.Errorf("verify: %w:\n  %s", ErrSettings, strings.Join(problems, "\n  "))
	}
	return nil
}

// channelTable reads a (channel, values...) table.
func channelTable(ctx context.Context, db *warehouse.DB, name string, values int) (map[string][]float64, error) {
	rows, err := db.QueryContext(ctx, query(name))
	if err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", name, err)
	}
	defer rows.Close()
	out := map[string][]float64{}
	for rows.Next() {
		var ch string
		vals := make([]float64, values)
		dest := []any{&ch}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("verify: read %s: %w", name, err)
		}
		out[ch] = vals
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", name, err)
	}
	return out, nil
}

func compareChannels(field string, wh, cfg map[string][]float64, differ func(string, any, any)) {
	for _, ch := range slices.Sorted(maps.Keys(cfg)) {
		if !slices.EqualFunc(wh[ch], cfg[ch], func(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }) {
			differ(field+"."+ch, orNone(wh[ch]), cfg[ch])
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(wh)) {
		if _, ok := cfg[ch]; !ok {
			differ(field+"."+ch, wh[ch], "none")
		}
	}
}

func orNone(v []float64) any {
	if v == nil {
		return "none"
	}
	return v
}

// checkFresh fails unless the lake holds exactly the events files the warehouse was built from: a
// file new or changed since the build holds events the warehouse never saw, a file gone since
// (retention, erase, compaction) events the spec would not see. Files are matched by their path
// below the lake root and their size, so the lake may be given by another path than build's.
func checkFresh(ctx context.Context, db *warehouse.DB, files []string, size func(string) (int64, error)) error {
	rows, err := db.QueryContext(ctx, query("build_files"))
	if err != nil {
		return fmt.Errorf("verify: read build_files: %w", err)
	}
	defer rows.Close()
	built := map[string]int64{}
	for rows.Next() {
		var path string
		var n int64
		if err := rows.Scan(&path, &n); err != nil {
			return fmt.Errorf("verify: read build_files: %w", err)
		}
		built[lakeRelative(path)] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("verify: read build_files: %w", err)
	}
	var changed []string
	for _, f := range files {
		n, err := size(f)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		rel := lakeRelative(f)
		if b, ok := built[rel]; !ok || b != n {
			changed = append(changed, f)
		}
		delete(built, rel)
	}
	if len(changed) > 0 {
		return fmt.Errorf("verify: %w: %d lake files are new or changed since the build (first: %s); run parley build first",
			ErrStale, len(changed), changed[0])
	}
	if len(built) > 0 {
		gone := slices.Sorted(maps.Keys(built))
		return fmt.Errorf("verify: %w: %d lake files the warehouse was built from are gone (first: %s); run parley build first",
			ErrStale, len(gone), gone[0])
	}
	return nil
}

// lakeRelative is a lake file's path below the lake root: date=YYYY-MM-DD/NAME.parquet.
func lakeRelative(path string) string {
	return filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path))
}

// readRecords reads every row of table for a batch of conversations, by conversation.
func readRecords(ctx context.Context, db *warehouse.DB, table string, ids []string) (map[string][]record, error) {
	rows, err := db.QueryContext(ctx, query("rows_"+table), ids)
	if err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", table, err)
	}
	out := map[string][]record{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("verify: read %s: %w", table, err)
		}
		r := record{}
		for i, c := range cols {
			r[c] = vals[i]
		}
		id, _ := r["conversation_id"].(string)
		out[id] = append(out[id], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", table, err)
	}
	return out, nil
}

// tableColumns lists a table's columns as the warehouse has them.
func tableColumns(ctx context.Context, db *warehouse.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query("rows_"+table), []string{})
	if err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("verify: read %s: %w", table, err)
	}
	return cols, rows.Err()
}

// warehouseConversations lists every conversation_id of the warehouse.
func warehouseConversations(ctx context.Context, db *warehouse.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, query("conversation_ids"))
	if err != nil {
		return nil, fmt.Errorf("verify: list conversations: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("verify: list conversations: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

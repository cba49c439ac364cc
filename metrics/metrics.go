// Package metrics builds the warehouse's public metric tables and views (messages, episodes, escalations, conversations, daily rollups) from the events table, and serves the warehouse to people as query results and Parquet exports.
package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
	parleysql "github.com/parley-cx/parley/sql"
)

// Config says which warehouse to build and with which settings.
type Config struct {
	// DB is the warehouse file; transform.Run must have written its events table.
	DB string
	// Settings are the organisation's settings; nil means config.Default().
	Settings *config.Config
	// Incremental updates the metric tables of a warehouse built before,
	// recomputing only the conversations transform's incremental run listed
	// in build_affected (and those whose rows depend on them); otherwise DB
	// holds no metric tables yet and they are built whole.
	Incremental bool
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// PublicObjects lists the warehouse's public tables and views, the contract of docs/metrics.md.
var PublicObjects = []string{"events", "messages", "episodes", "conversations", "escalations", "kpi_daily", "agent_daily", "escalation_effectiveness", "resolution_split", "warehouse_info"}

// stagePrefix selects this stage's files in sql/build.
const stagePrefix = "2"

// Run creates, or with cfg.Incremental updates, every public metric table and view in cfg.DB.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	settings, err := config.OrDefault(cfg.Settings)
	if err != nil {
		return fmt.Errorf("metrics: settings: %w", err)
	}
	db, err := warehouse.Open(settings.Build.DSN(cfg.DB), false)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	runErr := run(ctx, db, settings, cfg.Incremental, log)
	if err := db.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("metrics: close %s: %w", cfg.DB, err)
	}
	return runErr
}

// scopeBefore names, by the file they precede, the statements that say
// which conversations the following files compute (stmt/scope_<mode>_<name>.sql):
// each defines views over a table the previous files have just written.
var scopeBefore = map[string]string{
	"210_messages.sql":      "events",
	"220_episodes.sql":      "messages",
	"240_conversations.sql": "escalations",
}

func run(ctx context.Context, db *warehouse.DB, s *config.Config, incremental bool, log *slog.Logger) error {
	mode := "all"
	if incremental {
		mode = "affected"
	}
	names, err := parleysql.Dir("build")
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	// Files that take parameters or need Go to fill what they create.
	args := map[string][]any{
		"200_settings.sql": {
			s.TimeZone,
			s.Windows.RepeatContact.Seconds(), s.Windows.EscalationEffective.Seconds(),
			s.Windows.Reopen.Seconds(), s.Windows.IdleComplete.Seconds(),
			s.Friction.Weights.Time, s.Friction.Weights.Impersonal,
			s.Friction.Weights.Directness, s.Friction.Weights.Effort,
		},
	}
	after := map[string]func(context.Context, *sql.Conn, *config.Config) error{
		"201_reference.sql": fillReference,
	}
	// One connection throughout: the reference tables are filled in a transaction on it.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("metrics: connect: %w", err)
	}
	defer conn.Close()
	for _, name := range names {
		base := path.Base(name)
		if !strings.HasPrefix(base, stagePrefix) {
			continue
		}
		if scope, ok := scopeBefore[base]; ok {
			t := time.Now()
			stmt := "build/stmt/scope_" + mode + "_" + scope + ".sql"
			if _, err := conn.ExecContext(ctx, parleysql.File(stmt)); err != nil {
				return fmt.Errorf("metrics: run %s: %w", stmt, err)
			}
			log.Info("metrics: ran "+path.Base(stmt), "elapsed", time.Since(t).Round(time.Millisecond))
		}
		t := time.Now()
		if _, err := conn.ExecContext(ctx, parleysql.File(name), args[base]...); err != nil {
			return fmt.Errorf("metrics: run %s: %w", name, err)
		}
		if fill := after[base]; fill != nil {
			if err := fill(ctx, conn, s); err != nil {
				return err
			}
		}
		log.Info("metrics: ran "+base, "elapsed", time.Since(t).Round(time.Millisecond))
	}
	return nil
}

// fillReference writes the SLA targets, reply windows and business-hours
// intervals of the configuration into the tables 201_reference.sql created.
func fillReference(ctx context.Context, conn *sql.Conn, s *config.Config) error {
	var first, last sql.NullTime
	if err := conn.QueryRowContext(ctx, parleysql.File("build/stmt/event_range.sql")).Scan(&first, &last); err != nil {
		return fmt.Errorf("metrics: event range: %w", err)
	}
	var queues []string
	rows, err := conn.QueryContext(ctx, parleysql.File("build/stmt/queues.sql"))
	if err != nil {
		return fmt.Errorf("metrics: list queues: %w", err)
	}
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return fmt.Errorf("metrics: list queues: %w", err)
		}
		queues = append(queues, q)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("metrics: list queues: %w", err)
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metrics: begin reference tables: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; Commit's error is the one that counts
	for _, ch := range slices.Sorted(maps.Keys(s.SLA)) {
		t := s.SLA[ch]
		if _, err := tx.ExecContext(ctx, parleysql.File("build/stmt/sla_target.sql"), ch, t.FirstResponse.Seconds(), t.Goal); err != nil {
			return fmt.Errorf("metrics: insert sla target %s: %w", ch, err)
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(s.ReplyWindows)) {
		if _, err := tx.ExecContext(ctx, parleysql.File("build/stmt/reply_window.sql"), ch, s.ReplyWindows[ch].Seconds()); err != nil {
			return fmt.Errorf("metrics: insert reply window %s: %w", ch, err)
		}
	}
	if first.Valid {
		// Two days of margin: every measured span lies between two events.
		from, to := first.Time.Add(-48*time.Hour), last.Time.Add(48*time.Hour)
		stmt, err := tx.PrepareContext(ctx, parleysql.File("build/stmt/business_open.sql"))
		if err != nil {
			return fmt.Errorf("metrics: prepare business hours insert: %w", err)
		}
		defer stmt.Close()
		for _, q := range queues {
			sched := s.ScheduleFor(q)
			loc := s.Location()
			if sched.TimeZone != "" {
				loc, err = time.LoadLocation(sched.TimeZone)
				if err != nil {
					return fmt.Errorf("metrics: queue %q: time zone: %w", q, err)
				}
			}
			alwaysOpen := len(sched.Weekly) == 0 && len(sched.Holidays) == 0
			if _, err := tx.ExecContext(ctx, parleysql.File("build/stmt/queue_hours.sql"), q, alwaysOpen); err != nil {
				return fmt.Errorf("metrics: insert hours of queue %q: %w", q, err)
			}
			var before int64 // microseconds, so that sums stay exact
			for _, iv := range OpenIntervals(sched, loc, from, to) {
				if _, err := stmt.ExecContext(ctx, q, iv.Open, iv.Close, before); err != nil {
					return fmt.Errorf("metrics: insert business hours of queue %q: %w", q, err)
				}
				before += iv.Close.Sub(iv.Open).Microseconds()
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("metrics: commit reference tables: %w", err)
	}
	return nil
}

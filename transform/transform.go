// Package transform turns the Parquet lake's raw events into the warehouse's `events` table: deduplicated, ordered and split into episodes.
package transform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	parleysql "github.com/parley-cx/parley/sql"
)

// ErrNoEvents is returned when the lake holds no complete events file.
var ErrNoEvents = errors.New("no complete events files in the lake")

// Config says where to read and write.
type Config struct {
	// Lake is the lake root (the folder holding events/).
	Lake string
	// DB is the warehouse file; it is created if missing and its tables replaced.
	DB string
	// Settings supplies the organisation's time zone; nil means config.Default().
	Settings *config.Config
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Stats describes one transform run.
type Stats struct {
	Files         int   // lake files read
	RawRows       int64 // rows in those files, duplicates included
	Events        int64 // rows of the events table
	Duplicates    int64 // RawRows - Events
	Conversations int64
	Elapsed       time.Duration
}

// stagePrefix selects this stage's files in sql/build.
const stagePrefix = "1"

// Run reads every complete events file under cfg.Lake and (re)creates the
// warehouse's events table in cfg.DB.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	start := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	settings := cfg.Settings
	if settings == nil {
		settings = config.Default()
	}
	if err := settings.Validate(); err != nil {
		return Stats{}, fmt.Errorf("transform: settings: %w", err)
	}
	glob := lake.EventsGlob(cfg.Lake)
	files, err := filepath.Glob(glob)
	if err != nil {
		return Stats{}, fmt.Errorf("transform: list %s: %w", glob, err)
	}
	if len(files) == 0 {
		return Stats{}, fmt.Errorf("transform: %s: %w", glob, ErrNoEvents)
	}
	log.Info("transform: reading lake", "files", len(files), "lake", cfg.Lake)

	db, err := warehouse.Open(cfg.DB, false)
	if err != nil {
		return Stats{}, fmt.Errorf("transform: %w", err)
	}
	stats, runErr := run(ctx, db, glob, settings.TimeZone, log)
	if err := db.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("transform: close %s: %w", cfg.DB, err)
	}
	if runErr != nil {
		return Stats{}, runErr
	}
	stats.Files = len(files)
	stats.Elapsed = time.Since(start)
	log.Info("transform: done", "events", stats.Events, "duplicates", stats.Duplicates,
		"conversations", stats.Conversations, "elapsed", stats.Elapsed.Round(time.Millisecond))
	return stats, nil
}

func run(ctx context.Context, db *warehouse.DB, glob, timeZone string, log *slog.Logger) (Stats, error) {
	names, err := parleysql.Dir("build")
	if err != nil {
		return Stats{}, fmt.Errorf("transform: %w", err)
	}
	for _, name := range names {
		if !strings.HasPrefix(filepath.Base(name), stagePrefix) {
			continue
		}
		t := time.Now()
		if _, err := db.ExecContext(ctx, parleysql.File(name), glob, timeZone); err != nil {
			return Stats{}, fmt.Errorf("transform: run %s: %w", name, err)
		}
		log.Info("transform: ran "+filepath.Base(name), "elapsed", time.Since(t).Round(time.Millisecond))
	}
	var s Stats
	if err := db.QueryRowContext(ctx, parleysql.File("build/stmt/raw_rows.sql"), glob).Scan(&s.RawRows); err != nil {
		return Stats{}, fmt.Errorf("transform: count lake rows: %w", err)
	}
	if err := db.QueryRowContext(ctx, parleysql.File("build/stmt/event_counts.sql")).Scan(&s.Events, &s.Conversations); err != nil {
		return Stats{}, fmt.Errorf("transform: count events: %w", err)
	}
	s.Duplicates = s.RawRows - s.Events
	return s, nil
}

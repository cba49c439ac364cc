// Package build is `parley build`: the stage that makes the DuckDB
// warehouse from the Parquet lake. Run does all of it: the transform
// (lake → events), the metrics (events → the public tables and views,
// the automatic QA checks included), as an incremental update of a copy of
// the existing warehouse when it can, falling back to a full build when it
// cannot, and the rename that puts the new warehouse in place. The SQL it
// runs, in order, is declared in build/plan.
package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/metrics"
	"github.com/parley-cx/parley/transform"
)

// ErrNoEvents is returned when Lake is no lake (transform.ErrNoEvents).
var ErrNoEvents = transform.ErrNoEvents

// Config says which lake to build into which warehouse, and how.
type Config struct {
	// Lake is the lake root (the folder holding events/).
	Lake string
	// Source is the lake the warehouse records as built from when Lake is
	// a local copy of it (an s3:// lake's cache): transform.Config.Source.
	Source string
	// DB is the warehouse file. When it exists (and Full is not set) Run
	// updates a copy of it with the lake files it was not built from.
	DB string
	// Settings are the organisation's settings; nil means config.Default().
	Settings *config.Config
	// Full rebuilds the whole warehouse even when DB could be updated.
	Full bool
	// Chunks is metrics.Config.Chunks: the passes of a full build's
	// per-conversation steps; 0 picks them from build.memory_limit.
	Chunks int
	// Log receives progress; nil discards it.
	Log *slog.Logger
	// Progress, when set, receives a few lines for a person watching the
	// build (Log has the details): why an update is rebuilt in full, and
	// the end of the transform, of the metric tables and of the automatic
	// checks. It is never called from two goroutines at once, but may be
	// called from another than Run's.
	Progress func(line string)
}

// Stats describes one build.
type Stats struct {
	transform.Stats
	// FullRebuild is why an update was rebuilt in full instead (the
	// warehouse was built with other settings or SQL, a lake file it was
	// built from is gone or changed, ...); "" when it was not.
	FullRebuild string
}

// Run builds cfg.DB from cfg.Lake: as an update of a copy of the existing
// warehouse unless cfg.Full is set or the warehouse cannot be updated,
// else from scratch. Either way it builds next to the target (DB.building)
// and renames at the end, so readers never see a half-built warehouse and
// a failed build keeps the old one. An update that finds nothing new
// leaves DB untouched (Stats.UpToDate). One build of a DB runs at a time:
// while another holds DB.lock, Run returns a *RunningError at once.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string) {}
	}
	// Two builds of one warehouse would share DB.building: the second
	// refuses at once instead (parley run retries its build next time).
	unlock, err := lockWarehouse(cfg.DB)
	if err != nil {
		return Stats{}, err
	}
	defer func() {
		if uerr := unlock(); uerr != nil {
			log.Warn("build: could not release the build lock", "db", cfg.DB, "err", uerr)
		}
	}()
	tmp := cfg.DB + ".building"
	if err := removeWarehouse(tmp); err != nil {
		return Stats{}, err
	}
	var (
		stats       Stats
		incremental bool
	)
	if !cfg.Full {
		t := time.Now()
		if incremental, err = copyWarehouse(cfg.DB, tmp); err != nil {
			return stats, err
		}
		if incremental {
			log.Info("build: copied the warehouse to update it", "to", tmp, "elapsed", time.Since(t).Round(time.Millisecond))
		}
	}
	tcfg := transform.Config{Lake: cfg.Lake, Source: cfg.Source, DB: tmp, Settings: cfg.Settings, Log: log}
	if incremental {
		tcfg.Incremental = true
		stats.Stats, err = transform.Run(ctx, tcfg)
		switch {
		case errors.Is(err, transform.ErrFullRebuild):
			log.Info("build: rebuilding in full", "reason", err)
			progress(err.Error()) // says it needs a full rebuild, and why
			stats.FullRebuild = err.Error()
			incremental, tcfg.Incremental = false, false
			if err = removeWarehouse(tmp); err != nil {
				return stats, err
			}
		case err == nil && stats.UpToDate():
			return stats, removeWarehouse(tmp)
		}
	}
	if !incremental && err == nil {
		stats.Stats, err = transform.Run(ctx, tcfg)
	}
	if err == nil {
		progress(transformDone(stats.Stats))
		err = metrics.Run(ctx, metrics.Config{DB: tmp, Settings: cfg.Settings, Incremental: incremental, Chunks: cfg.Chunks, Log: log, Progress: cfg.Progress})
	}
	if err != nil {
		if rmErr := removeWarehouse(tmp); rmErr != nil {
			log.Warn("build: could not remove the partial warehouse", "path", tmp, "err", rmErr)
		}
		return stats, err
	}
	if err := atomicfile.Publish(tmp, cfg.DB); err != nil {
		return stats, fmt.Errorf("build: replace %s: %w", cfg.DB, err)
	}
	return stats, nil
}

// transformDone is the progress line of a finished transform.
func transformDone(s transform.Stats) string {
	line := fmt.Sprintf("transform done in %s: %d events (%d duplicates dropped) in %d conversations from %d files",
		s.Elapsed.Round(time.Millisecond), s.Events, s.Duplicates, s.Conversations, s.Files)
	if s.Incremental {
		line += fmt.Sprintf("; %d new files, %d conversations to recompute", s.NewFiles, s.Affected)
	}
	return line
}

// copyWarehouse copies the warehouse at from (and its write-ahead log, if
// any) to to, and reports whether there was one to copy.
func copyWarehouse(from, to string) (bool, error) {
	if _, err := os.Stat(from); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	for _, suffix := range []string{"", ".wal"} {
		if err := copyFile(from+suffix, to+suffix); err != nil {
			if suffix != "" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return false, err
		}
	}
	return true, nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("build: copy warehouse: %w", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("build: copy warehouse: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		return errors.Join(fmt.Errorf("build: copy %s to %s: %w", from, to, err), dst.Close())
	}
	startWriteback(dst)
	if err := dst.Close(); err != nil {
		return fmt.Errorf("build: copy %s to %s: %w", from, to, err)
	}
	return nil
}

// removeWarehouse deletes a DuckDB file and its write-ahead log, if present.
func removeWarehouse(path string) error {
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("build: remove %s: %w", p, err)
		}
	}
	return nil
}

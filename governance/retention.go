package governance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// RetentionConfig configures Retention.
type RetentionConfig struct {
	// Lake is the lake root: a directory, or s3://bucket/prefix.
	Lake string
	// S3 says how to reach the bucket of an s3:// Lake.
	S3 objstore.Options
	// Keep is the retention window: a date partition goes once its whole day
	// lies before Now - Keep.
	Keep time.Duration
	// DryRun lists what would be dropped and changes nothing but the audit log.
	DryRun bool
	// Reason is recorded in the audit log.
	Reason string
	// Now is the end of the window; zero means time.Now.
	Now time.Time
	// Log receives one line per dropped partition; nil discards them.
	Log *slog.Logger
}

// Validate checks the configuration and returns every problem, each naming its field.
func (c *RetentionConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if c.Keep < 24*time.Hour {
		errs = append(errs, fielderr.New("keep", "must be at least one day (1d), got %s", c.Keep))
	}
	return errors.Join(errs...)
}

// RetentionStats counts what Retention dropped (or, in a dry run, would drop).
type RetentionStats struct {
	// Oldest is the first date kept; every partition before it was dropped.
	Oldest time.Time
	// EventPartitions, DeadLetterPartitions and ReviewPartitions (of the QA
	// reviews dataset, dated by the day each file was recorded) dropped,
	// holding Files files of Bytes bytes.
	EventPartitions, DeadLetterPartitions, ReviewPartitions int
	Files                                                   int
	Bytes                                                   int64
	// Leftovers of interrupted lake commands removed first (lake.Sweep).
	Leftovers int
}

// String is a one-line summary for the CLI.
func (s RetentionStats) String() string {
	out := fmt.Sprintf("dropped %d event date partitions, %d dead-letter and %d QA review date partitions before %s (%d files, %.1f MB)",
		s.EventPartitions, s.DeadLetterPartitions, s.ReviewPartitions, s.Oldest.Format(time.DateOnly), s.Files, float64(s.Bytes)/1e6)
	if s.Leftovers > 0 {
		out += fmt.Sprintf(", %d leftovers of interrupted commands removed", s.Leftovers)
	}
	return out
}

// Retention drops the lake's date partitions, of events, dead letters and
// QA reviews (reviews/date=…, the day a review file was recorded), that lie
// wholly outside the retention window. Each partition is first
// renamed to a temporary name (which no reader's glob matches, so it
// vanishes from the lake in one step) and then deleted. It holds the lake's
// exclusive lock, starts by removing what interrupted lake commands left
// behind (lake.Sweep), and records itself in the audit log before it
// changes anything and when it ends, whether it succeeds or fails part way. Checkpoints are untouched: dropped files all lie below
// them, so ingest neither re-reads nor skips anything.
func Retention(ctx context.Context, cfg RetentionConfig) (RetentionStats, error) {
	var st RetentionStats
	if err := cfg.Validate(); err != nil {
		return st, fmt.Errorf("governance: retention: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	// The day holding the window's edge still has data inside the window, so
	// it is the oldest day kept; every day before it lies wholly outside.
	edge := now.UTC().Add(-cfg.Keep)
	st.Oldest = time.Date(edge.Year(), edge.Month(), edge.Day(), 0, 0, 0, 0, time.UTC)
	h, err := holdLake(ctx, cfg.Lake, cfg.S3, "retention", log)
	if err != nil {
		return st, fmt.Errorf("governance: retention: %w", err)
	}
	defer func() {
		if uerr := h.unlock(); uerr != nil {
			log.Warn("retention: could not release the lake", "err", uerr)
		}
	}()

	e := newEntry("retention", cfg.Reason, cfg.DryRun, now)
	e.Params["keep"] = cfg.Keep.String()
	e.Params["oldest_kept"] = st.Oldest.Format(time.DateOnly)
	err = auditedRun(h.audit, e, log, func(e *Entry) error {
		var runErr error
		if h.bucket != nil {
			runErr = retainBucket(ctx, cfg, h, &st, log)
		} else {
			runErr = retain(ctx, cfg, &st, log)
		}
		e.Counts["event_partitions"] = int64(st.EventPartitions)
		e.Counts["dead_letter_partitions"] = int64(st.DeadLetterPartitions)
		e.Counts["review_partitions"] = int64(st.ReviewPartitions)
		e.Counts["files"] = int64(st.Files)
		e.Counts["bytes"] = st.Bytes
		e.Counts["leftovers_removed"] = int64(st.Leftovers)
		return runErr
	})
	return st, err
}

func retain(ctx context.Context, cfg RetentionConfig, st *RetentionStats, log *slog.Logger) error {
	// A partition an interrupted run was deleting, among other leftovers.
	sw, err := lake.Sweep(cfg.Lake, lake.SweepOptions{DryRun: cfg.DryRun, Log: log})
	st.Leftovers = len(sw.Removed)
	if err != nil {
		return fmt.Errorf("governance: retention: %w", err)
	}
	for _, top := range []struct {
		dir   string
		count *int
	}{{lake.EventsDir, &st.EventPartitions}, {lake.DeadLetterDir, &st.DeadLetterPartitions}, {lake.ReviewsDir, &st.ReviewPartitions}} {
		if err := dropBefore(ctx, filepath.Join(cfg.Lake, top.dir), st.Oldest, cfg.DryRun, top.count, st, log); err != nil {
			return err
		}
	}
	return nil
}

// dropBefore removes the date=YYYY-MM-DD directories of dir dated before oldest.
func dropBefore(ctx context.Context, dir string, oldest time.Time, dryRun bool, count *int, st *RetentionStats, log *slog.Logger) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("governance: retention: list %s: %w", dir, err)
	}
	dropped := false
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		ds, ok := strings.CutPrefix(e.Name(), "date=")
		if !ok {
			continue
		}
		day, err := time.Parse(time.DateOnly, ds)
		if err != nil || !day.Before(oldest) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		files, bytes, err := measure(path, e.Type())
		if err != nil {
			return err
		}
		if !dryRun {
			if err := dropDir(path); err != nil {
				return err
			}
			dropped = true
		}
		*count++
		st.Files += files
		st.Bytes += bytes
		log.Info(didOrWould(dryRun, "retention: dropped", "retention: would drop"), "partition", path, "files", files, "bytes", bytes, "dry_run", dryRun)
	}
	if dropped {
		return atomicfile.SyncDir(dir)
	}
	return nil
}

// measure counts the files and bytes of a partition. A symlinked partition
// counts as nothing: dropping it removes the link, never what it points to.
func measure(path string, typ fs.FileMode) (files int, bytes int64, err error) {
	if typ&fs.ModeSymlink != 0 {
		return 0, 0, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return 0, 0, fmt.Errorf("governance: retention: list %s: %w", path, err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return 0, 0, fmt.Errorf("governance: retention: stat %s: %w", filepath.Join(path, e.Name()), err)
		}
		if info.Mode().IsRegular() {
			files++
			bytes += info.Size()
		}
	}
	return files, bytes, nil
}

// dropDir makes the partition vanish from the lake with one rename, then
// deletes it. If the deletion fails part way, what is left sits under a
// temporary name that no reader sees and the next run removes.
func dropDir(path string) error {
	gone := filepath.Join(filepath.Dir(path), lake.DropPrefix+filepath.Base(path))
	if err := os.Rename(path, gone); err != nil {
		return fmt.Errorf("governance: retention: take %s out of the lake: %w", path, err)
	}
	// RemoveAll does not follow symlinks: a planted link goes, its target stays.
	if err := os.RemoveAll(gone); err != nil {
		return fmt.Errorf("governance: retention: delete %s: %w", gone, err)
	}
	return nil
}

// didOrWould is the log message for a change: what was done, or in a dry
// run what would have been, so a dry run's log never claims a change.
func didOrWould(dryRun bool, did, would string) string {
	if dryRun {
		return would
	}
	return did
}

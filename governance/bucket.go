package governance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// heldLake is the lake an erase or retention run has to itself: a folder
// under its exclusive lock, or a bucket under the maintenance lease (which
// compact holds too; ingest and import need neither, since they never
// change a file another process published).
type heldLake struct {
	audit auditLog
	// bucket and lease are set for a lake in object storage.
	bucket *objstore.Bucket
	lease  *lake.Lease
	unlock func() error
}

// holdLake takes the lake at root for command. In a bucket it also
// finishes what an interrupted compact, erase or retention left (journals,
// compaction's staged files), as a folder's lock finishes a half-done swap.
func holdLake(ctx context.Context, root string, opt objstore.Options, command string, log *slog.Logger) (*heldLake, error) {
	if !objstore.IsURL(root) {
		unlock, err := lake.Lock(root, true)
		if err != nil {
			return nil, err
		}
		return &heldLake{audit: folderAudit(root), unlock: unlock}, nil
	}
	b, err := lake.OpenBucket(ctx, root, opt)
	if err != nil {
		return nil, err
	}
	l, err := lake.AcquireLease(ctx, b, command, log)
	if err != nil {
		return nil, err
	}
	if _, err := lake.RecoverMaintenance(ctx, b, log); err != nil {
		return nil, errors.Join(err, l.Release())
	}
	return &heldLake{audit: bucketAudit{ctx: ctx, b: b}, bucket: b, lease: l, unlock: l.Release}, nil
}

// eraseBucket erases from a lake in object storage: it finishes committed
// batches, removes leftovers, copies events, dead letters and reviews into
// a scratch folder, runs the folder erase there, and uploads each file it
// rewrites over its object, conditional on the ETag copied (If-Match).
func eraseBucket(ctx context.Context, cfg EraseConfig, h *heldLake, log *slog.Logger, st *EraseStats) (lakeErased, error) {
	b := h.bucket
	if !cfg.DryRun {
		// Safe beside a live owner doing the same: the staged copy is
		// deleted before erase rewrites anything, so a late copy by the
		// owner finds it gone instead of overwriting the erased file.
		n, err := lake.FinishPending(ctx, b)
		if err != nil {
			return lakeErased{}, fmt.Errorf("governance: erase: %w", err)
		}
		if n > 0 {
			log.Info("erase: copied into place batches their ingest had committed but not finished publishing", "batches", n)
		}
	}
	sw, err := lake.SweepBucket(ctx, b, lake.SweepOptions{DryRun: cfg.DryRun, Log: log})
	st.Leftovers, st.LeftoversInUse = len(sw.Removed), len(sw.InUse)
	if err != nil {
		return lakeErased{}, fmt.Errorf("governance: erase: %w", err)
	}
	warnInUse(log, sw.InUse)
	scratch, err := os.MkdirTemp("", "parley-erase-")
	if err != nil {
		return lakeErased{}, fmt.Errorf("governance: erase: scratch folder: %w", err)
	}
	defer os.RemoveAll(scratch) // copies of the lake, the customer's included
	synced, err := lake.SyncCache(ctx, b, scratch, []string{lake.EventsDir + "/", lake.DeadLetterDir + "/", lake.ReviewsDir + "/"}, log)
	if err != nil {
		return lakeErased{}, fmt.Errorf("governance: erase: copy the lake: %w", err)
	}
	local := cfg
	local.Lake = scratch
	return eraseLake(ctx, local, h.audit, log, st, func(file string) error {
		if err := h.lease.Check(); err != nil {
			return fmt.Errorf("governance: erase: %w", err)
		}
		rel, err := filepath.Rel(scratch, file)
		if err != nil {
			return fmt.Errorf("governance: erase: %w", err)
		}
		key := lake.Key(rel)
		if _, err := b.PutFile(ctx, key, file, objstore.Condition{IfMatch: synced.ETags[key]}); err != nil {
			return fmt.Errorf("governance: erase: replace %s: %w", key, err)
		}
		return nil
	})
}

// retainBucket drops the date partitions before the window from a lake in
// object storage. Objects cannot vanish together, so it first writes a
// journal naming every object to delete, in state committed (one write,
// If-None-Match: *): from then on a reader that follows journals no longer
// sees them; then it deletes them, then the journal. A crash part-way is
// finished by the next compact, erase or retention.
func retainBucket(ctx context.Context, cfg RetentionConfig, h *heldLake, st *RetentionStats, log *slog.Logger) error {
	b := h.bucket
	sw, err := lake.SweepBucket(ctx, b, lake.SweepOptions{DryRun: cfg.DryRun, Log: log})
	st.Leftovers = len(sw.Removed)
	if err != nil {
		return fmt.Errorf("governance: retention: %w", err)
	}
	j := lake.Journal{State: lake.JournalCommitted}
	for _, top := range []struct {
		dir   string
		count *int
	}{{lake.EventsDir, &st.EventPartitions}, {lake.DeadLetterDir, &st.DeadLetterPartitions}, {lake.ReviewsDir, &st.ReviewPartitions}} {
		objs, err := b.List(ctx, top.dir+"/")
		if err != nil {
			return fmt.Errorf("governance: retention: %w", err)
		}
		seen := map[string]bool{}
		for _, o := range objs {
			part := path.Base(path.Dir(o.Key))
			ds, ok := strings.CutPrefix(part, "date=")
			if !ok || path.Dir(path.Dir(o.Key)) != top.dir {
				continue
			}
			day, err := time.Parse(time.DateOnly, ds)
			if err != nil || !day.Before(st.Oldest) {
				continue
			}
			if !seen[part] {
				seen[part] = true
				*top.count++
				log.Info(didOrWould(cfg.DryRun, "retention: dropped", "retention: would drop"), "partition", top.dir+"/"+part, "dry_run", cfg.DryRun)
			}
			st.Files++
			st.Bytes += o.Size
			j.Inputs = append(j.Inputs, o.Key)
		}
	}
	if cfg.DryRun || len(j.Inputs) == 0 {
		return nil
	}
	if err := h.lease.Check(); err != nil {
		return fmt.Errorf("governance: retention: %w", err)
	}
	raw, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("governance: retention: encode journal: %w", err)
	}
	key := path.Join(lake.JournalDir, "retention-"+st.Oldest.Format("2006-01-02")+".json")
	if _, err := b.PutBytes(ctx, key, raw, objstore.Condition{IfAbsent: true}); err != nil {
		return fmt.Errorf("governance: retention: write journal %s: %w", key, err)
	}
	return lake.FinishJournal(ctx, b, key, j)
}

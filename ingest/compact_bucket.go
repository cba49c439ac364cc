package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// compactBucket is Compact for a lake in object storage, which has no
// directory swap. Under the maintenance lease, per date partition: the
// inputs are downloaded and merged locally, the merged files staged, a
// journal created in state prepared, the merged files copied into place,
// the inputs checked unchanged (same ETags), and the journal switched to
// committed by one conditional write: the moment the partition's live
// files change for a reader that follows journals. The inputs are then
// deleted, and the journal. See docs/ingest.md for what a reader that
// lists objects directly sees meanwhile.
func compactBucket(ctx context.Context, cfg CompactConfig, log *slog.Logger) (CompactStats, error) {
	var st CompactStats
	b, err := OpenBucket(ctx, cfg.Lake, cfg.S3)
	if err != nil {
		return st, err
	}
	var lease *lake.Lease
	if !cfg.DryRun {
		l, err := lake.AcquireLease(ctx, b, "compact", log)
		if err != nil {
			return st, fmt.Errorf("ingest: compact: %w", err)
		}
		defer func() {
			if rerr := l.Release(); rerr != nil {
				log.Warn("compact: could not release the maintenance lease; it expires by itself", "err", rerr)
			}
		}()
		if _, err := lake.RecoverMaintenance(ctx, b, log); err != nil {
			return st, fmt.Errorf("ingest: compact: %w", err)
		}
		if _, err := lake.SweepBucket(ctx, b, lake.SweepOptions{Log: log}); err != nil {
			log.Error("could not remove the leftovers of interrupted commands; the next command tries again", "lake", cfg.Lake, "err", err)
		}
		lease = l
	}
	objs, err := b.List(ctx, lake.EventsDir+"/")
	if err != nil {
		return st, fmt.Errorf("ingest: compact: %w", err)
	}
	byDay := map[string][]kafkaFile{}
	etags := map[string]string{}
	for _, o := range objs {
		day := path.Dir(o.Key)
		if path.Dir(day) != lake.EventsDir || !isDatePartition(path.Base(day)) {
			continue
		}
		f, ok := parseAnyKafkaName(path.Base(o.Key))
		if !ok {
			continue
		}
		f.size = o.Size
		byDay[day] = append(byDay[day], f)
		etags[o.Key] = o.ETag
	}
	checkpoints := make(map[string]checkpoint)
	read := func(topic string, partition int32) (checkpoint, bool, error) {
		cp, _, ok, err := readBucketCheckpoint(ctx, b, topic, partition)
		return cp, ok, err
	}
	for _, day := range slices.Sorted(maps.Keys(byDay)) {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("ingest: compact: %w", err)
		}
		groups, err := selectGroups(byDay[day], cfg.SmallFileBytes, checkpoints, read)
		if err != nil || len(groups) == 0 {
			if err != nil {
				return st, err
			}
			continue
		}
		for _, g := range groups {
			log.Info("merge", "partition_dir", path.Base(day), "files", len(g), "into", mergedName(g), "dry_run", cfg.DryRun)
			st.FilesBefore += len(g)
			st.FilesAfter++
		}
		st.Partitions++
		if cfg.DryRun {
			continue
		}
		rows, err := compactBucketDay(ctx, b, lease, day, groups, etags)
		if err != nil {
			return st, err
		}
		st.Rows += rows
	}
	return st, nil
}

// isDatePartition reports whether name is date=YYYY-MM-DD.
func isDatePartition(name string) bool {
	return len(name) == len("date=2006-01-02") && name[:5] == "date="
}

// testHookBucketJournal, when set by a test, runs when a compaction's
// journal has reached state ("prepared" after the merged files are in
// place, "committed" right after the switch); an error it returns stops
// the compaction there, as a crash would.
var testHookBucketJournal func(state string) error

// compactBucketDay merges the groups of one date partition (day is
// events/date=…) and switches them in with a journal. The caller holds
// the maintenance lease.
func compactBucketDay(ctx context.Context, b *objstore.Bucket, l *lake.Lease, day string, groups [][]kafkaFile, etags map[string]string) (int64, error) {
	scratch, err := os.MkdirTemp("", "parley-compact-")
	if err != nil {
		return 0, fmt.Errorf("ingest: compact: scratch folder: %w", err)
	}
	defer os.RemoveAll(scratch)
	in, out := filepath.Join(scratch, "in"), filepath.Join(scratch, "out")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return 0, fmt.Errorf("ingest: compact: %w", err)
	}
	j := lake.Journal{State: lake.JournalPrepared}
	var rows int64
	var fs fileSet
	for _, g := range groups {
		for _, f := range g {
			key := day + "/" + f.name
			etag, err := downloadTo(ctx, b, key, filepath.Join(in, f.name))
			if err != nil {
				return rows, err
			}
			if etag != etags[key] {
				return rows, fmt.Errorf("ingest: compact: %s changed since it was listed (erase ran); nothing switched, run compact again", key)
			}
			j.Inputs, j.ETags = append(j.Inputs, key), append(j.ETags, etag)
		}
		n, err := mergeFiles(ctx, &fs, in, out, g, map[string]os.FileInfo{})
		if err == nil {
			err = fs.publish()
		}
		if err != nil {
			return rows, errors.Join(err, fs.abort())
		}
		rows += n
		j.Merged = append(j.Merged, day+"/"+mergedName(g))
	}
	staged := path.Join(lake.StagingDir, lake.CompactStagingDir, newToken()) + "/"
	for _, key := range j.Merged {
		if _, err := b.PutFile(ctx, staged+key, filepath.Join(out, path.Base(key)), objstore.Condition{}); err != nil {
			return rows, fmt.Errorf("ingest: compact: stage %s: %w", key, err)
		}
	}
	journal := path.Join(lake.JournalDir, "compact-"+path.Base(day)+".json")
	raw, err := json.Marshal(j)
	if err != nil {
		return rows, fmt.Errorf("ingest: compact: encode journal: %w", err)
	}
	etag, err := b.PutBytes(ctx, journal, raw, objstore.Condition{IfAbsent: true})
	if err != nil {
		return rows, fmt.Errorf("ingest: compact: create journal %s: %w", journal, err)
	}
	rollBack := func(cause error) error {
		return errors.Join(cause, lake.FinishJournal(context.WithoutCancel(ctx), b, journal, j))
	}
	if err := lake.RollForward(ctx, b, staged, j.Merged); err != nil {
		return rows, rollBack(err)
	}
	if testHookBucketJournal != nil {
		if err := testHookBucketJournal(lake.JournalPrepared); err != nil {
			return rows, err
		}
	}
	// The inputs must still be the files merged: a file rewritten since
	// (erase) would come back through the merged copy.
	for i, key := range j.Inputs {
		info, err := b.Head(ctx, key)
		if err != nil || info.ETag != j.ETags[i] {
			return rows, rollBack(fmt.Errorf("ingest: compact: %s was rewritten or removed while merging (erase or retention ran); nothing switched, run compact again: %w", key, errors.Join(err, errFenced)))
		}
	}
	if err := l.Check(); err != nil {
		return rows, rollBack(fmt.Errorf("ingest: compact: %w", err))
	}
	j.State = lake.JournalCommitted
	if raw, err = json.Marshal(j); err != nil {
		return rows, rollBack(fmt.Errorf("ingest: compact: encode journal: %w", err))
	}
	if _, err := b.PutBytes(ctx, journal, raw, objstore.Condition{IfMatch: etag}); err != nil {
		return rows, fmt.Errorf("ingest: compact: switch %s to committed (the next compact finishes or undoes it): %w", journal, err)
	}
	if testHookBucketJournal != nil {
		if err := testHookBucketJournal(lake.JournalCommitted); err != nil {
			return rows, err
		}
	}
	return rows, lake.FinishJournal(ctx, b, journal, j)
}

// downloadTo copies the object key to the local file at local and returns its ETag.
func downloadTo(ctx context.Context, b *objstore.Bucket, key, local string) (string, error) {
	f, err := os.Create(local)
	if err != nil {
		return "", fmt.Errorf("ingest: compact: %w", err)
	}
	etag, _, err := b.Download(ctx, key, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("ingest: compact: download %s: %w", key, err)
	}
	return etag, nil
}

package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// lakeStore is where Run publishes a topic's batches: a lake folder
// (fsLake: renames under flock) or a bucket (bucketLake: conditional
// writes). Both keep the same layout and the same guarantee, that every
// offset below a partition's checkpoint is in the lake exactly once; only
// the mechanism that fences a process which lost a partition differs.
type lakeStore interface {
	// recover makes the partition's files agree with its checkpoint,
	// claims the partition for this process, and returns the checkpoint
	// and how many files of unfinished batches it removed.
	recover(ctx context.Context, partition int32) (checkpoint, int, error)
	// publish writes b's files and advances its partition's checkpoint
	// past it, as one step for every other process, or returns an error
	// wrapping errFenced if another owner moved the checkpoint since b began.
	publish(ctx context.Context, b *batch) (files int, err error)
	// reset records e in the audit log and replaces the partition's
	// checkpoint cp by next, only if cp is still the partition's
	// checkpoint (else an error wrapping errFenced).
	reset(ctx context.Context, partition int32, cp, next checkpoint, e lake.AuditEntry) error
	// close releases what the store holds (a bucket's scratch folder).
	close() error
}

// openLake opens cfg.Lake for Run and removes what interrupted commands
// left behind: a folder, or with an s3:// location a bucket, which must
// enforce conditional writes.
func openLake(ctx context.Context, cfg Config) (lakeStore, error) {
	if !objstore.IsURL(cfg.Lake) {
		sweepLake(cfg.Lake, false, cfg.Log)
		return &fsLake{root: cfg.Lake, topic: cfg.Topic}, nil
	}
	b, err := OpenBucket(ctx, cfg.Lake, cfg.S3)
	if err != nil {
		return nil, err
	}
	return newBucketLake(ctx, b, cfg.Topic, cfg.Log)
}

// OpenBucket opens the lake at an s3:// location (lake.OpenBucket): the
// store must enforce conditional writes.
func OpenBucket(ctx context.Context, lakeURL string, opt objstore.Options) (*objstore.Bucket, error) {
	b, err := lake.OpenBucket(ctx, lakeURL, opt)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return b, nil
}

// fsLake is a lake folder: publishing renames files into place and moves
// the checkpoint under the partition's flock.
type fsLake struct {
	root, topic string
}

func (l *fsLake) recover(_ context.Context, partition int32) (cp checkpoint, removed int, err error) {
	// Under the partition lock, so recovery cannot interleave with a
	// publish by a previous owner.
	unlock, err := lake.LockPartition(l.root, l.topic, partition)
	if err != nil {
		return cp, 0, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	return recoverPartition(l.root, l.topic, partition)
}

func (l *fsLake) publish(_ context.Context, b *batch) (int, error) {
	return publishKafkaBatch(l.root, l.topic, b)
}

func (l *fsLake) reset(_ context.Context, partition int32, cp, next checkpoint, e lake.AuditEntry) (err error) {
	unlock, err := lake.LockPartition(l.root, l.topic, partition)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	cur, ok, err := readCheckpoint(l.root, l.topic, partition)
	if err != nil {
		return err
	}
	if !ok || cur.NextOffset != cp.NextOffset || cur.Epoch != cp.Epoch {
		return fmt.Errorf("the checkpoint moved while deciding (another process owns the partition now): %w", errFenced)
	}
	if err := lake.AppendAudit(l.root, e); err != nil {
		return err
	}
	return writeCheckpoint(l.root, l.topic, partition, next.Epoch, next.NextOffset)
}

func (l *fsLake) close() error { return nil }

// discardLog is the logger of callers that gave none.
func discardLog(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

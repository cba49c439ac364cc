package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

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

	mu sync.Mutex
	// owners are this process's claims, by partition: the token recovery
	// wrote into the checkpoint, which every publish compares.
	owners map[int32]string
}

// recover recovers the partition under its lock, so that recovery cannot
// interleave with a publish by a previous owner, and claims it: the
// checkpoint is rewritten with a new owner token, so that a previous owner
// that wakes up with a batch continuing the same checkpoint (its files
// just removed by this recovery) is fenced rather than publishing under
// this process, whose own next publish would then be refused.
func (l *fsLake) recover(_ context.Context, partition int32) (cp checkpoint, removed int, err error) {
	unlock, err := lake.LockPartition(l.root, l.topic, partition)
	if err != nil {
		return cp, 0, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if cp, removed, err = recoverPartition(l.root, l.topic, partition); err != nil {
		return cp, removed, err
	}
	cp.Owner = newToken()
	if err := putCheckpoint(l.root, cp); err != nil {
		return cp, removed, err
	}
	l.mu.Lock()
	if l.owners == nil {
		l.owners = make(map[int32]string)
	}
	l.owners[partition] = cp.Owner
	l.mu.Unlock()
	return cp, removed, nil
}

func (l *fsLake) owner(partition int32) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.owners[partition]
}

func (l *fsLake) publish(_ context.Context, b *batch) (int, error) {
	return publishKafkaBatch(l.root, l.topic, l.owner(b.partition), b)
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
	owner := l.owner(partition)
	if !ok || cur.NextOffset != cp.NextOffset || cur.Epoch != cp.Epoch || cur.Owner != owner {
		return fmt.Errorf("the checkpoint moved while deciding (another process owns the partition now): %w", errFenced)
	}
	if err := lake.AppendAudit(l.root, e); err != nil {
		return err
	}
	next.Owner = owner
	return putCheckpoint(l.root, next)
}

func (l *fsLake) close() error { return nil }

// discardLog is the logger of callers that gave none.
func discardLog(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

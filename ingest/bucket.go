package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// pendingBatch is the batch a bucket checkpoint committed: its objects
// wait under the owner's staging prefix until they are copied to their
// final keys. Whoever reads a checkpoint with a pending batch finishes
// the copies (they are idempotent) before anything else.
type pendingBatch struct {
	First int64 `json:"first"`
	Last  int64 `json:"last"`
	// Files are the final keys, relative to the lake root.
	Files []string `json:"files"`
	// Staged is the prefix the files wait under: the staging of the claim
	// that committed them, which later claims of the partition do not change.
	Staged string `json:"staged"`
}

// bucketLake publishes one topic's batches to a lake in object storage.
//
// The partition's checkpoint object (_offsets/<topic>/<p>.json) is the only
// thing ever compared: it is written only with If-Match on the ETag this
// process last saw (If-None-Match: * to create it), so exactly one of two
// processes that both believe they own a partition can move it. A batch is
// uploaded under the owner's staging prefix, committed by the checkpoint
// write that names it (Pending), then copied to its final keys; a fenced
// owner's commit fails with 412 and it deletes what it staged. Final keys
// are written only by copies of committed batches, so no late writer can
// overwrite or delete what another process published.
type bucketLake struct {
	b     *objstore.Bucket
	topic string
	log   *slog.Logger
	// scratch is the local folder batches are encoded in before upload.
	scratch string

	mu  sync.Mutex
	own map[int32]*claim
}

// claim is this process's hold on a partition: the checkpoint it last
// wrote and that write's ETag, the condition of its next write.
type claim struct {
	cp   checkpoint
	etag string
}

func newBucketLake(ctx context.Context, b *objstore.Bucket, topic string, log *slog.Logger) (*bucketLake, error) {
	scratch, err := os.MkdirTemp("", "parley-ingest-")
	if err != nil {
		return nil, fmt.Errorf("ingest: scratch folder for encoding batches: %w", err)
	}
	bl := &bucketLake{b: b, topic: topic, log: discardLog(log), scratch: scratch, own: make(map[int32]*claim)}
	if _, err := lake.SweepBucket(ctx, b, lake.SweepOptions{Log: bl.log}); err != nil {
		bl.log.Error("could not remove the leftovers of interrupted commands; the next command tries again", "lake", b.URL(), "err", err)
	}
	return bl, nil
}

func (bl *bucketLake) close() error {
	if err := os.RemoveAll(bl.scratch); err != nil {
		return fmt.Errorf("ingest: remove scratch folder: %w", err)
	}
	return nil
}

func checkpointKey(topic string, partition int32) string {
	return lake.Key(lake.CheckpointPath("", topic, partition))
}

// newToken names one claim of a partition (or one import attempt).
func newToken() string {
	id := make([]byte, 8)
	_, _ = rand.Read(id) // crypto/rand never fails
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(id)
}

func (bl *bucketLake) readCheckpoint(ctx context.Context, partition int32) (checkpoint, string, bool, error) {
	return readBucketCheckpoint(ctx, bl.b, bl.topic, partition)
}

// readBucketCheckpoint reads topic/partition's checkpoint object and its
// ETag; found is false if there is none.
func readBucketCheckpoint(ctx context.Context, b *objstore.Bucket, topic string, partition int32) (cp checkpoint, etag string, found bool, err error) {
	key := checkpointKey(topic, partition)
	raw, etag, err := b.Get(ctx, key)
	if errors.Is(err, objstore.ErrNotFound) {
		return checkpoint{}, "", false, nil
	}
	if err != nil {
		return checkpoint{}, "", false, fmt.Errorf("ingest: read checkpoint: %w", err)
	}
	cp, err = decodeCheckpoint(raw, b.URL()+"/"+key, topic, partition)
	return cp, etag, err == nil, err
}

// writeCheckpoint replaces the checkpoint if its ETag is still etag
// (creates it if etag is ""), and returns the new ETag; an error wrapping
// objstore.ErrPrecondition if another process wrote it meanwhile.
func (bl *bucketLake) writeCheckpoint(ctx context.Context, cp checkpoint, etag string) (string, error) {
	cp.WrittenAt = time.Now().UTC()
	raw, err := json.Marshal(cp)
	if err != nil {
		return "", fmt.Errorf("ingest: encode checkpoint: %w", err)
	}
	cond := objstore.Condition{IfMatch: etag, IfAbsent: etag == ""}
	return bl.b.PutBytes(ctx, checkpointKey(bl.topic, cp.Partition), append(raw, '\n'), cond)
}

// claimAttempts bounds recover's retries when another process writes the
// checkpoint between its read and its claim (a rebalance in progress).
const claimAttempts = 5

// recover claims the partition: it reads the checkpoint and writes it back
// with a new owner token, conditionally, which from then on makes every
// earlier owner's commit fail. Then it finishes the pending batch the
// checkpoint names (roll forward: it is committed) and deletes everything
// staged under other tokens (batches that never committed, and never can).
// Recovery lists only the partition's staging prefix: final objects at or
// past the checkpoint cannot exist, since only copies of committed batches
// write them.
func (bl *bucketLake) recover(ctx context.Context, partition int32) (checkpoint, int, error) {
	for attempt := 1; ; attempt++ {
		cp, etag, found, err := bl.readCheckpoint(ctx, partition)
		if err != nil {
			return cp, 0, err
		}
		if !found {
			// Deleted by hand, or a partition seen for the first time: the
			// files are the best record (as in a folder), and none is the
			// usual answer.
			files, err := bl.partitionFiles(ctx, partition)
			if err != nil {
				return cp, 0, err
			}
			cp = checkpointFromFiles(bl.topic, partition, files)
		}
		prev := cp
		cp.Owner = newToken()
		etag, err = bl.writeCheckpoint(ctx, cp, etag)
		if (errors.Is(err, objstore.ErrPrecondition) || errors.Is(err, objstore.ErrConflict)) && attempt < claimAttempts {
			continue // moved, or being moved, between the read and the claim: read it again
		}
		if err != nil {
			return cp, 0, fmt.Errorf("ingest: claim %s/%d: %w", bl.topic, partition, err)
		}
		c := &claim{cp: cp, etag: etag}
		bl.mu.Lock()
		bl.own[partition] = c
		bl.mu.Unlock()
		if testHookClaimed != nil {
			if err := testHookClaimed(); err != nil {
				return cp, 0, err
			}
		}
		if p := prev.Pending; p != nil {
			if err := lake.RollForward(ctx, bl.b, p.Staged, p.Files); err != nil {
				return cp, 0, err
			}
			bl.log.Warn("finished publishing a batch its previous owner committed but did not copy into place",
				"topic", bl.topic, "partition", partition, "offsets", fmt.Sprintf("%d-%d", p.First, p.Last), "files", len(p.Files))
			if err := bl.settle(ctx, partition, c); err != nil {
				return cp, 0, err
			}
		}
		removed, err := bl.removeStaged(ctx, lake.PartitionStaging(bl.topic, partition, ""), cp.Owner)
		return c.cp, removed, err
	}
}

// testHookClaimed, when set by a test, runs right after a claim is
// written; an error it returns stops recovery there, as a crash would.
var testHookClaimed func() error

// testHookSettled, when set by a test, runs right after a settle is
// written; an error it returns stands for the write's answer.
var testHookSettled func() error

// settle writes the claim's checkpoint without its pending batch, once
// that batch is in place: compact and erase leave a partition's pending
// batch alone, so it should not stay pending longer than needed.
func (bl *bucketLake) settle(ctx context.Context, partition int32, c *claim) error {
	next := c.cp
	next.Pending = nil
	etag, err := bl.writeCheckpoint(ctx, next, c.etag)
	if err == nil && testHookSettled != nil {
		err = testHookSettled()
	}
	if err != nil {
		return fmt.Errorf("ingest: %s/%d: record the published batch: %w", bl.topic, partition, err)
	}
	c.cp, c.etag = next, etag
	return nil
}

// removeStaged deletes every staged object under prefix except the
// owner's, and returns how many it deleted.
func (bl *bucketLake) removeStaged(ctx context.Context, prefix, owner string) (int, error) {
	objs, err := bl.b.List(ctx, prefix)
	if err != nil {
		return 0, fmt.Errorf("ingest: list staged objects: %w", err)
	}
	removed := 0
	for _, o := range objs {
		if strings.HasPrefix(o.Key, prefix+owner+"/") {
			continue
		}
		if err := bl.b.Delete(ctx, o.Key); err != nil {
			return removed, fmt.Errorf("ingest: remove staged object of an unfinished batch: %w", err)
		}
		removed++
	}
	return removed, nil
}

// publish stages b's files, commits them with one conditional write of the
// checkpoint, copies them into place and settles the checkpoint. If the
// commit is refused, another process claimed the partition: b's staged
// objects are deleted and errFenced returned. A publish that failed after
// its commit is finished by the next attempt (or by the next owner).
func (bl *bucketLake) publish(ctx context.Context, b *batch) (int, error) {
	bl.mu.Lock()
	c := bl.own[b.partition]
	bl.mu.Unlock()
	if c == nil {
		return 0, fmt.Errorf("ingest: publish %s/%d: the partition was not recovered first", bl.topic, b.partition)
	}
	staged := lake.PartitionStaging(bl.topic, b.partition, c.cp.Owner)
	if p := c.cp.Pending; p != nil && p.First == b.first && p.Last == b.last && c.cp.Epoch == b.epoch {
		// Committed by an earlier attempt that failed while copying.
		return len(p.Files), bl.finish(ctx, b.partition, c)
	}
	if c.cp.NextOffset != b.after || c.cp.Epoch != b.epoch || c.cp.Pending != nil {
		return 0, fmt.Errorf("ingest: %s/%d offsets %d-%d (epoch %d) continue checkpoint %d, but this process last wrote %d (epoch %d): %w",
			bl.topic, b.partition, b.first, b.last, b.epoch, b.after, c.cp.NextOffset, c.cp.Epoch, errFenced)
	}
	dir, err := os.MkdirTemp(bl.scratch, "batch-")
	if err != nil {
		return 0, fmt.Errorf("ingest: scratch folder: %w", err)
	}
	defer os.RemoveAll(dir) // the local copies only
	var fs fileSet
	files, err := b.writeTemp(dir, &fs)
	if err != nil {
		return 0, err
	}
	keys := make([]string, len(fs.files))
	for i, f := range fs.files {
		rel, err := filepath.Rel(dir, f.Path())
		if err != nil {
			return 0, fmt.Errorf("ingest: %w", err)
		}
		keys[i] = lake.Key(rel)
		if _, err := bl.b.PutFile(ctx, staged+keys[i], f.Name(), objstore.Condition{}); err != nil {
			return 0, errors.Join(fmt.Errorf("ingest: stage %s: %w", keys[i], err), unstage(bl.b, staged, keys[:i+1]))
		}
	}
	next := c.cp
	next.NextOffset = b.last + 1
	next.Pending = &pendingBatch{First: b.first, Last: b.last, Files: keys, Staged: staged}
	etag, err := bl.writeCheckpoint(ctx, next, c.etag)
	if err == nil && testHookCommitted != nil {
		err = testHookCommitted()
	}
	if errors.Is(err, objstore.ErrPrecondition) {
		return bl.refused(ctx, b, c, next)
	}
	if err != nil {
		// Unknown whether it was written (an answer lost on the way): the
		// staged objects stay. The next attempt's commit is refused if this
		// one landed, and refused() then recognises it.
		return 0, fmt.Errorf("ingest: commit %s/%d offsets %d-%d: %w", bl.topic, b.partition, b.first, b.last, err)
	}
	c.cp, c.etag = next, etag
	return files, bl.finish(ctx, b.partition, c)
}

// testHookCommitted, when set by a test, runs right after a batch's commit
// is written; an error it returns stands for the commit's answer, as a
// crash or a lost answer right after the write would.
var testHookCommitted func() error

// refused handles a commit the store refused (412). Either another process
// claimed the partition (this batch is fenced: its staged objects go), or
// an earlier attempt of this very commit landed and its answer was lost:
// then the checkpoint names this batch, staged under this claim. If this
// process still holds the claim it finishes the batch; if another claimed
// the partition since, that owner finishes it, so nothing is deleted.
func (bl *bucketLake) refused(ctx context.Context, b *batch, c *claim, mine checkpoint) (int, error) {
	cur, etag, found, err := bl.readCheckpoint(ctx, b.partition)
	if err != nil {
		return 0, err
	}
	p := cur.Pending
	landed := found && p != nil && p.Staged == mine.Pending.Staged && p.First == b.first && p.Last == b.last && cur.Epoch == b.epoch
	switch {
	case landed && cur.Owner == c.cp.Owner:
		c.cp, c.etag = cur, etag
		return len(p.Files), bl.finish(ctx, b.partition, c)
	case landed:
		return 0, fmt.Errorf("ingest: %s/%d offsets %d-%d are committed, and the partition's new owner copies them into place: %w",
			bl.topic, b.partition, b.first, b.last, errFenced)
	}
	return 0, errors.Join(fmt.Errorf("ingest: %s/%d offsets %d-%d (epoch %d): the checkpoint is no longer the one this process wrote at %d: %w",
		bl.topic, b.partition, b.first, b.last, b.epoch, c.cp.NextOffset, errFenced), unstage(bl.b, mine.Pending.Staged, mine.Pending.Files))
}

// finish copies the claim's pending batch into place and settles the
// checkpoint. Losing the partition now costs nothing: the batch is
// committed, and whoever claimed the partition finishes it too.
func (bl *bucketLake) finish(ctx context.Context, partition int32, c *claim) error {
	if err := lake.RollForward(ctx, bl.b, c.cp.Pending.Staged, c.cp.Pending.Files); err != nil {
		// A process that stalled here may find its batch finished by the
		// partition's next owner and compacted since: not its to redo.
		if info, herr := bl.b.Head(ctx, checkpointKey(bl.topic, partition)); herr == nil && info.ETag != c.etag {
			return fmt.Errorf("ingest: %s/%d: the batch committed at %d was finished by the partition's next owner: %w", bl.topic, partition, c.cp.NextOffset, errFenced)
		}
		return err
	}
	err := bl.settle(ctx, partition, c)
	if errors.Is(err, objstore.ErrPrecondition) {
		// Either an earlier settle of this batch landed and its answer was
		// lost (the checkpoint is this claim's, settled: carry on from it),
		// or another process claimed the partition (it resumes after the
		// batch, and this process's next commit is refused).
		cur, etag, found, rerr := bl.readCheckpoint(ctx, partition)
		if rerr == nil && found && cur.Owner == c.cp.Owner && cur.Pending == nil && cur.NextOffset == c.cp.NextOffset && cur.Epoch == c.cp.Epoch {
			c.cp, c.etag = cur, etag
			return nil
		}
		bl.log.Info("ingest: partition claimed by another process after this batch was committed; the new owner resumes after it",
			"topic", bl.topic, "partition", partition, "next_offset", c.cp.NextOffset)
		return nil
	}
	return err
}

// unstage deletes staged objects of a batch that will not be committed.
// It runs even when the batch's context ended.
func unstage(b *objstore.Bucket, staged string, keys []string) error {
	var errs []error
	for _, k := range keys {
		if err := b.Delete(context.Background(), staged+k); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (bl *bucketLake) reset(ctx context.Context, partition int32, cp, next checkpoint, e lake.AuditEntry) error {
	bl.mu.Lock()
	c := bl.own[partition]
	bl.mu.Unlock()
	if c == nil || c.cp.NextOffset != cp.NextOffset || c.cp.Epoch != cp.Epoch {
		return fmt.Errorf("the checkpoint is not the one this process claimed: %w", errFenced)
	}
	// The checkpoint must still be this claim's before anything is
	// recorded; then the audit entry, since a reset whose record could be
	// lost did not happen, as far as an auditor can tell. A claim taken
	// between the two (a moment) leaves an entry for a reset that the
	// checkpoint write below then refuses.
	if info, err := bl.b.Head(ctx, checkpointKey(bl.topic, partition)); err != nil || info.ETag != c.etag {
		return errors.Join(fmt.Errorf("the checkpoint is no longer the one this process claimed: %w", errFenced), err)
	}
	if err := lake.AppendAuditBucket(ctx, bl.b, e); err != nil {
		return err
	}
	etag, err := bl.writeCheckpoint(ctx, next, c.etag)
	if errors.Is(err, objstore.ErrPrecondition) {
		return fmt.Errorf("the checkpoint moved while deciding (another process owns the partition now): %w", errFenced)
	}
	if err != nil {
		return err
	}
	c.cp, c.etag = next, etag
	return nil
}

// partitionFiles lists the partition's final objects (data files and gap
// records), as partitionFiles does in a folder; only recovery of a
// missing checkpoint needs it.
func (bl *bucketLake) partitionFiles(ctx context.Context, partition int32) ([]partitionFile, error) {
	var out []partitionFile
	for _, prefix := range []string{lake.EventsDir + "/", lake.DeadLetterDir + "/", lake.Key(lake.GapDir("", bl.topic)) + "/"} {
		objs, err := bl.b.List(ctx, prefix)
		if err != nil {
			return nil, fmt.Errorf("ingest: list %s: %w", prefix, err)
		}
		for _, o := range objs {
			name := path.Base(o.Key)
			first, last, epoch, ok := lake.ParseKafkaFileName(name, bl.topic, partition)
			if !ok && strings.HasPrefix(prefix, lake.GapsDir) {
				first, last, epoch, ok = lake.ParseGapFileName(name, partition)
			}
			if ok {
				out = append(out, partitionFile{path: o.Key, first: first, last: last, epoch: epoch})
			}
		}
	}
	return out, nil
}

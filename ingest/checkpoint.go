package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/lake"
)

// checkpoint is the lake's record of one partition: every offset below
// NextOffset is in the lake (as a row, a dead letter or part of a gap
// record) or held nothing to keep (a transaction marker, an aborted
// record); nothing at or above it is. NextOffset -1 means nothing is yet,
// start at the earliest.
type checkpoint struct {
	Topic      string `json:"topic"`
	Partition  int32  `json:"partition"`
	NextOffset int64  `json:"next_offset"`
	// Epoch counts the partition's resets (--reset-partition); NextOffset
	// and the files named with this epoch belong together.
	Epoch     int       `json:"epoch,omitempty"`
	WrittenAt time.Time `json:"written_at"`
	// Owner and Pending exist only in a lake on object storage (bucket.go):
	// Owner is the token of the process that claimed the partition last,
	// and Pending the batch this checkpoint committed whose objects may
	// not all be copied into place yet.
	Owner   string        `json:"owner,omitempty"`
	Pending *pendingBatch `json:"pending,omitempty"`
}

func readCheckpoint(root, topic string, partition int32) (checkpoint, bool, error) {
	path := lake.CheckpointPath(root, topic, partition)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return checkpoint{}, false, nil
	}
	if err != nil {
		return checkpoint{}, false, fmt.Errorf("ingest: read checkpoint %s: %w", path, err)
	}
	cp, err := decodeCheckpoint(raw, path, topic, partition)
	return cp, err == nil, err
}

// decodeCheckpoint parses the checkpoint read from where and checks that it
// is topic/partition's.
func decodeCheckpoint(raw []byte, where, topic string, partition int32) (checkpoint, error) {
	var cp checkpoint
	if err := json.Unmarshal(raw, &cp); err != nil {
		return checkpoint{}, fmt.Errorf("ingest: parse checkpoint %s: %w", where, err)
	}
	if cp.Topic != topic || cp.Partition != partition || cp.NextOffset < -1 || cp.Epoch < 0 {
		return checkpoint{}, fmt.Errorf("ingest: checkpoint %s is for %s/%d at %d, not %s/%d", where, cp.Topic, cp.Partition, cp.NextOffset, topic, partition)
	}
	return cp, nil
}

func writeCheckpoint(root, topic string, partition int32, epoch int, next int64) error {
	return putCheckpoint(root, checkpoint{Topic: topic, Partition: partition, NextOffset: next, Epoch: epoch})
}

// putCheckpoint replaces cp's partition's checkpoint with cp, stamped now.
func putCheckpoint(root string, cp checkpoint) error {
	cp.WrittenAt = time.Now().UTC()
	raw, err := json.Marshal(cp)
	if err != nil {
		return fmt.Errorf("ingest: encode checkpoint: %w", err)
	}
	return writeFileAtomic(lake.CheckpointPath(root, cp.Topic, cp.Partition), append(raw, '\n'))
}

// partitionFile is a data file or gap record of one partition found in the lake.
type partitionFile struct {
	path        string
	first, last int64
	epoch       int
	temp        bool
}

// partitionFiles lists every file of topic/partition under events/ and
// deadletter/, and its gap records, complete or temporary.
func partitionFiles(root, topic string, partition int32) ([]partitionFile, error) {
	out, err := gapFiles(root, topic, partition)
	if err != nil {
		return nil, err
	}
	for _, top := range []string{lake.EventsDir, lake.DeadLetterDir} {
		days, err := filepath.Glob(filepath.Join(root, top, "date=*"))
		if err != nil {
			return nil, fmt.Errorf("ingest: list %s: %w", top, err)
		}
		for _, day := range days {
			entries, err := os.ReadDir(day)
			if err != nil {
				return nil, fmt.Errorf("ingest: list %s: %w", day, err)
			}
			for _, e := range entries {
				name, temp := finalName(e.Name())
				if first, last, epoch, ok := lake.ParseKafkaFileName(name, topic, partition); ok {
					out = append(out, partitionFile{path: filepath.Join(day, e.Name()), first: first, last: last, epoch: epoch, temp: temp})
				}
			}
		}
	}
	return out, nil
}

// gapFiles lists the gap records of topic/partition, complete or temporary.
func gapFiles(root, topic string, partition int32) ([]partitionFile, error) {
	dir := lake.GapDir(root, topic)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: list %s: %w", dir, err)
	}
	var out []partitionFile
	for _, e := range entries {
		name, temp := finalName(e.Name())
		if from, to, epoch, ok := lake.ParseGapFileName(name, partition); ok {
			out = append(out, partitionFile{path: filepath.Join(dir, e.Name()), first: from, last: to, epoch: epoch, temp: temp})
		}
	}
	return out, nil
}

// finalName maps a temporary file's name to the name it was going to get.
func finalName(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, lake.TempPrefix)
	if !ok {
		return name, false
	}
	rest, ok = strings.CutSuffix(rest, tempSuffix)
	if i := strings.LastIndexByte(rest, '.'); ok && i > 0 {
		return rest[:i], true
	}
	return "", true
}

// recoverPartition makes the lake consistent with the partition's checkpoint
// and returns it (NextOffset -1: resume at the earliest available offset).
// Files of the checkpoint's epoch at or past the checkpoint belong to a
// batch that did not finish (the process died between its renames and its
// checkpoint), and temporary files to one that never got that far: both are
// removed, because the batch will be read again from Kafka. Files of earlier
// epochs were all read before a reset and are never touched.
func recoverPartition(root, topic string, partition int32) (cp checkpoint, removed int, err error) {
	files, err := partitionFiles(root, topic, partition)
	if err != nil {
		return cp, 0, err
	}
	cp, ok, err := readCheckpoint(root, topic, partition)
	if err != nil {
		return cp, 0, err
	}
	if !ok {
		cp = checkpointFromFiles(topic, partition, files)
	}
	// A crash while the checkpoint itself was being replaced leaves its temporary file.
	cpPath := lake.CheckpointPath(root, topic, partition)
	cpTemps, err := filepath.Glob(filepath.Join(filepath.Dir(cpPath), tempPattern(filepath.Base(cpPath))))
	if err != nil {
		return cp, 0, fmt.Errorf("ingest: list temporary checkpoints: %w", err)
	}
	for _, tmp := range cpTemps {
		files = append(files, partitionFile{path: tmp, temp: true})
	}
	dirs := make(map[string]struct{})
	for _, f := range files {
		if f.temp || (ok && f.epoch == cp.Epoch && f.first >= cp.NextOffset) {
			if err := os.Remove(f.path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return cp, removed, fmt.Errorf("ingest: remove unfinished batch file %s: %w", f.path, err)
			}
			dirs[filepath.Dir(f.path)] = struct{}{}
			removed++
		}
	}
	for d := range dirs {
		if err := atomicfile.SyncDir(d); err != nil {
			return cp, removed, fmt.Errorf("ingest: %w", err)
		}
	}
	if !ok {
		// Record the starting point before the first batch, so that a crash
		// inside the first batch is recognised as such on the next start.
		if err := writeCheckpoint(root, topic, partition, cp.Epoch, cp.NextOffset); err != nil {
			return cp, removed, err
		}
	}
	return cp, removed, nil
}

// checkpointFromFiles is the checkpoint of a partition whose checkpoint is
// missing although it may have files: it was deleted by hand. The files are
// the best record left; trust them, since a first batch always writes a -1
// checkpoint before any file, and a reset its new epoch.
func checkpointFromFiles(topic string, partition int32, files []partitionFile) checkpoint {
	cp := checkpoint{Topic: topic, Partition: partition, NextOffset: -1}
	for _, f := range files {
		switch {
		case f.temp:
		case f.epoch > cp.Epoch:
			cp.Epoch, cp.NextOffset = f.epoch, f.last+1
		case f.epoch == cp.Epoch && f.last+1 > cp.NextOffset:
			cp.NextOffset = f.last + 1
		}
	}
	return cp
}

// errFenced reports that another owner moved a partition's checkpoint
// since a batch began: the partition was reassigned, and the new owner is
// (re)writing those offsets, so this batch must not be published.
var errFenced = errors.New("the partition's checkpoint was moved by another owner")

// publishKafkaBatch writes b to the lake and advances its partition's
// checkpoint past it, as one step for every other process: under the
// partition lock it checks that the checkpoint still stands where b began
// and still names owner (the claim of the process that recovered the
// partition; "" for none), and otherwise discards b's files and returns
// errFenced. This is what keeps a process that stalled past its session
// timeout from duplicating offsets the group has already given to someone
// else, or from publishing under the new owner, which would then be fenced.
func publishKafkaBatch(root, topic, owner string, b *batch) (files int, err error) {
	fs := fileSet{root: root}
	if files, err = b.writeTemp(root, &fs); err != nil {
		return 0, errors.Join(err, fs.abort())
	}
	unlock, err := lake.LockPartition(root, topic, b.partition)
	if err != nil {
		return 0, errors.Join(err, fs.abort())
	}
	defer func() { err = errors.Join(err, unlock()) }()
	cp, ok, err := readCheckpoint(root, topic, b.partition)
	if err != nil {
		return 0, errors.Join(err, fs.abort())
	}
	if current := cp.NextOffset; !ok || current != b.after || cp.Epoch != b.epoch || cp.Owner != owner {
		if !ok {
			current = -1
		}
		return 0, errors.Join(fmt.Errorf("ingest: %s/%d offsets %d-%d (epoch %d) continue checkpoint %d, but the lake is at %d (epoch %d) or another process claimed the partition: %w",
			topic, b.partition, b.first, b.last, b.epoch, b.after, current, cp.Epoch, errFenced), fs.abort())
	}
	if err := fs.publish(); err != nil {
		return 0, errors.Join(err, fs.abort())
	}
	return files, putCheckpoint(root, checkpoint{Topic: topic, Partition: b.partition, NextOffset: b.last + 1, Epoch: b.epoch, Owner: owner})
}

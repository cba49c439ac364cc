package lake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/objstore"
)

// StagingDir holds, in a lake on object storage, the objects of batches
// not yet published: _staging/<topic>/<partition>/<owner>/<final key> for
// ingest, _staging/_imports/<source>-<hash>/<token>/<final key> for
// import. Object stores cannot rename, so a batch is uploaded here, made
// part of the lake by one conditional write (the partition's checkpoint,
// the input's import record) naming it, and only then copied to its final
// keys. No reader's glob matches it (events/date=*/*.parquet), and Spark,
// Hive and Trino skip paths starting with "_".
const StagingDir = "_staging"

// PartitionStaging is the prefix under which the claim owner of a Kafka
// partition stages its batches: _staging/<topic>/<partition>/<owner>/
// (owner "" gives the prefix of every claim's).
func PartitionStaging(topic string, partition int32, owner string) string {
	p := path.Join(StagingDir, topic, strconv.Itoa(int(partition))) + "/"
	if owner != "" {
		p += owner + "/"
	}
	return p
}

// Key is the object key of the lake path rel (relative to the root, in the
// platform's separators), as a bucket names it.
func Key(rel string) string { return filepath.ToSlash(rel) }

// AuditKey is the audit log's key in a lake on object storage.
var AuditKey = path.Join(AuditDir, AuditFile)

// maxAuditRetries bounds the attempts to append to a bucket's audit log
// while other processes append at the same moment.
const maxAuditRetries = 20

// AppendAuditBucket appends e to the audit log of the lake in b. Object
// stores cannot append, so the log is read and written back whole with
// If-Match on the ETag read (If-None-Match: * to create it): two appends at
// once never lose one another's line, the second one retries.
func AppendAuditBucket(ctx context.Context, b *objstore.Bucket, e AuditEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("lake: encode audit entry: %w", err)
	}
	for range maxAuditRetries {
		old, etag, err := b.Get(ctx, AuditKey)
		cond := objstore.Condition{IfMatch: etag}
		switch {
		case errors.Is(err, objstore.ErrNotFound):
			old, cond = nil, objstore.Condition{IfAbsent: true}
		case err != nil:
			return fmt.Errorf("lake: read audit log: %w", err)
		}
		if len(old) > 0 && old[len(old)-1] != '\n' {
			old = append(old, '\n')
		}
		_, err = b.PutBytes(ctx, AuditKey, append(append(old, line...), '\n'), cond)
		if !errors.Is(err, objstore.ErrPrecondition) {
			if err != nil {
				return fmt.Errorf("lake: append to audit log: %w", err)
			}
			return nil
		}
	}
	return fmt.Errorf("lake: append to audit log: %d attempts lost to concurrent appends", maxAuditRetries)
}

// ReadAuditBucket returns every entry of the audit log of the lake in b,
// oldest first, as ReadAudit does for a folder.
func ReadAuditBucket(ctx context.Context, b *objstore.Bucket) ([]AuditEntry, error) {
	data, _, err := b.Get(ctx, AuditKey)
	if errors.Is(err, objstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lake: read audit log: %w", err)
	}
	return decodeAudit(bytes.NewReader(data), b.URL()+"/"+AuditKey)
}

// decodeAudit reads audit lines; a line that does not decode is skipped
// and named in the error, which comes with every entry that did.
func decodeAudit(r io.Reader, where string) ([]AuditEntry, error) {
	var out []AuditEntry
	var bad []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			bad = append(bad, fmt.Errorf("lake: audit log %s line %d: %w", where, n, err))
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("lake: read audit log %s: %w", where, err)
	}
	return out, errors.Join(bad...)
}

// ImportStagingDir, under StagingDir, holds the staged objects of imports:
// _staging/_imports/<source>-<hash>/<token>/<final key>.
const ImportStagingDir = "_imports"

// StaleStagingAfter is how old the staged objects of an import that
// committed nothing must be before a sweep takes them for the leftovers of
// an import that died: an import stages its files only after converting
// the whole input, then commits at once, so a live one is never near it.
const StaleStagingAfter = 6 * time.Hour

// RollForward copies each file of a committed batch from the staging
// prefix staged to its final key and deletes the staged copy. Every step
// can be repeated: a staged object already gone means its copy was made
// (by this process, or by another finishing the same batch), which the
// final key confirms.
func RollForward(ctx context.Context, b *objstore.Bucket, staged string, keys []string) error {
	for _, key := range keys {
		if _, err := b.Copy(ctx, staged+key, key); err != nil {
			if !errors.Is(err, objstore.ErrNotFound) {
				return fmt.Errorf("lake: publish %s: %w", key, err)
			}
			if _, herr := b.Head(ctx, key); herr != nil {
				return fmt.Errorf("lake: publish %s: its staged copy is gone and it is not in place: %w", key, errors.Join(err, herr))
			}
		}
		if err := b.Delete(ctx, staged+key); err != nil {
			return fmt.Errorf("lake: remove staged %s: %w", key, err)
		}
	}
	return nil
}

// stagedRecord is what a sweep reads of a checkpoint or an import record:
// who may still publish what is staged.
type stagedRecord struct {
	// Topic, Partition and Owner are a checkpoint's: whose partition, and
	// its current claim.
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Owner     string `json:"owner"`
	// Pending is, in a checkpoint, the committed batch its owner may not
	// have copied into place yet.
	Pending *struct {
		Files  []string `json:"files"`
		Staged string   `json:"staged"`
	} `json:"pending"`
	Staged string   `json:"staged"` // import record: the committed attempt not yet in place
	Files  []string `json:"files"`  // import record: its final keys
}

// FinishPending copies into place every batch a checkpoint committed and
// whose owner has not finished copying it (it died, or is about to), and
// returns how many it finished. Ingest's own copies of the same batch may
// run at the same moment: both copy the same staged bytes, and whichever
// deletes the staged copy first makes the other's copy fail harmlessly
// (the final key is there). Erase calls it so that it sees every
// committed batch; because the staged copies are gone before it rewrites
// anything, no late copy can overwrite an erased file.
func FinishPending(ctx context.Context, b *objstore.Bucket) (int, error) {
	objs, err := b.List(ctx, OffsetsDir+"/")
	if err != nil {
		return 0, fmt.Errorf("lake: list checkpoints: %w", err)
	}
	n := 0
	for _, o := range objs {
		if !strings.HasSuffix(o.Key, ".json") {
			continue
		}
		raw, _, err := b.Get(ctx, o.Key)
		if errors.Is(err, objstore.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("lake: read checkpoint: %w", err)
		}
		var cp stagedRecord
		if err := json.Unmarshal(raw, &cp); err != nil {
			return n, fmt.Errorf("lake: parse checkpoint %s: %w", o.Key, err)
		}
		if cp.Pending == nil {
			continue
		}
		if err := RollForward(ctx, b, cp.Pending.Staged, cp.Pending.Files); err != nil {
			return n, fmt.Errorf("lake: finish the batch committed in %s: %w", o.Key, err)
		}
		n++
	}
	return n, nil
}

// SweepBucket removes what interrupted commands left in a lake on object
// storage, all of it under StagingDir (final keys are only ever written by
// copies of committed batches, so nothing else is a leftover):
//
//   - a partition's objects staged under another token than the one its
//     checkpoint names: their writer lost the partition, and its commit,
//     conditional on a checkpoint that has since changed, must fail;
//   - an import's objects staged under the token its record names: the
//     import committed and died while copying, so the copies are finished
//     (roll forward) and the record settled;
//   - an import's objects staged under another token, when its record
//     exists (another attempt won), or when none does and they are older
//     than StaleStagingAfter (the import died before committing).
//
// Objects staged by a partition's current owner, or by an import younger
// than StaleStagingAfter, may belong to a live process: they are left and
// listed in Swept.InUse. DryRun lists without changing anything.
func SweepBucket(ctx context.Context, b *objstore.Bucket, opt SweepOptions) (Swept, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	objs, err := b.List(ctx, StagingDir+"/")
	if err != nil {
		return Swept{}, fmt.Errorf("lake: sweep: %w", err)
	}
	// Group by <owner-record>/<token>/: partitions are <topic>/<p>, imports _imports/<name>.
	type group struct {
		record, token, prefix string
		keys                  []string
		newest                time.Time
	}
	var groups []*group
	byPrefix := map[string]*group{}
	for _, o := range objs {
		parts := strings.SplitN(strings.TrimPrefix(o.Key, StagingDir+"/"), "/", 4)
		if len(parts) < 4 || parts[0] == CompactStagingDir {
			continue // a compaction's: see RecoverMaintenance
		}
		prefix := path.Join(StagingDir, parts[0], parts[1], parts[2]) + "/"
		g := byPrefix[prefix]
		if g == nil {
			record := Key(CheckpointPath("", parts[0], 0))
			record = path.Join(path.Dir(record), parts[1]+".json")
			if parts[0] == ImportStagingDir {
				record = path.Join(ImportsDir, parts[1]+".json")
			}
			g = &group{record: record, token: parts[2], prefix: prefix}
			byPrefix[prefix] = g
			groups = append(groups, g)
		}
		g.keys = append(g.keys, strings.TrimPrefix(o.Key, prefix))
		if o.Modified.After(g.newest) {
			g.newest = o.Modified
		}
	}
	var out Swept
	for _, g := range groups {
		raw, etag, err := b.Get(ctx, g.record)
		found := err == nil
		if err != nil && !errors.Is(err, objstore.ErrNotFound) {
			return out, fmt.Errorf("lake: sweep: %w", err)
		}
		var rec stagedRecord
		if found {
			if err := json.Unmarshal(raw, &rec); err != nil {
				return out, fmt.Errorf("lake: sweep: parse %s: %w", g.record, err)
			}
		}
		isImport := strings.HasPrefix(g.prefix, path.Join(StagingDir, ImportStagingDir)+"/")
		switch {
		case isImport && found && rec.Staged == g.token:
			out.Removed = append(out.Removed, g.prefix)
			if opt.DryRun {
				continue
			}
			if err := RollForward(ctx, b, g.prefix, rec.Files); err != nil {
				return out, fmt.Errorf("lake: sweep: finish the import recorded in %s: %w", g.record, err)
			}
			if err := settleImportRecord(ctx, b, g.record, raw, etag); err != nil {
				return out, err
			}
			log.Warn("lake: finished publishing an import that committed and stopped", "record", g.record, "files", len(rec.Files))
		case !isImport && found && (rec.Owner == g.token || rec.Pending != nil && rec.Pending.Staged == g.prefix),
			isImport && !found && time.Since(g.newest) < StaleStagingAfter:
			out.InUse = append(out.InUse, g.prefix)
			log.Info("lake: left staged objects alone", "prefix", g.prefix, "what", "a batch a live process may still commit")
		default:
			out.Removed = append(out.Removed, g.prefix)
			if opt.DryRun {
				log.Warn("lake: would remove staged objects of an interrupted command", "prefix", g.prefix, "objects", len(g.keys))
				continue
			}
			for _, k := range g.keys {
				if err := b.Delete(ctx, g.prefix+k); err != nil {
					return out, fmt.Errorf("lake: sweep: %w", err)
				}
			}
			log.Warn("lake: removed staged objects of an interrupted command", "prefix", g.prefix, "objects", len(g.keys))
		}
	}
	return out, nil
}

// settleImportRecord rewrites an import record without its "staged" field,
// once its files are in place; if someone else settled it first, fine.
func settleImportRecord(ctx context.Context, b *objstore.Bucket, key string, raw []byte, etag string) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("lake: parse %s: %w", key, err)
	}
	delete(fields, "staged")
	out, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return fmt.Errorf("lake: encode %s: %w", key, err)
	}
	if _, err := b.PutBytes(ctx, key, append(out, '\n'), objstore.Condition{IfMatch: etag}); err != nil && !errors.Is(err, objstore.ErrPrecondition) {
		return fmt.Errorf("lake: settle %s: %w", key, err)
	}
	return nil
}

// JournalDir holds, in a lake on object storage, the journal of a
// compaction in progress (JournalDir/compact-<date>.json): the stand-in
// for a folder's atomic directory swap. See Journal.
const JournalDir = "_journal"

// Journal states.
const (
	// JournalPrepared: the merged files may be in place, but the inputs
	// are still the partition's live files; readers skip Merged.
	JournalPrepared = "prepared"
	// JournalCommitted: the merged files are the live ones; readers skip
	// Inputs, which are being deleted.
	JournalCommitted = "committed"
)

// Journal is the record of one compaction of a date partition on object
// storage. It is created (If-None-Match: *) in state prepared before the
// merged files are copied into place, and switched to committed by one
// conditional write (If-Match): that write is the moment the partition's
// live files change, for every reader that follows journals (Parley's own
// sync, SyncCache). The inputs are deleted after it, then the journal. A
// crash part-way is finished by the next compact: rolled back (merged
// files deleted) while prepared, forward (inputs deleted) once committed.
type Journal struct {
	State  string   `json:"state"`
	Merged []string `json:"merged"`
	Inputs []string `json:"inputs"`
	// ETags are the inputs' ETags as merged; the commit is refused if one
	// changed (erase rewrote it).
	ETags []string `json:"etags"`
}

// ReadJournals returns every compaction journal of the lake in b, with
// its key and ETag.
func ReadJournals(ctx context.Context, b *objstore.Bucket) (map[string]Journal, map[string]string, error) {
	objs, err := b.List(ctx, JournalDir+"/")
	if err != nil {
		return nil, nil, fmt.Errorf("lake: list journals: %w", err)
	}
	out, etags := map[string]Journal{}, map[string]string{}
	for _, o := range objs {
		raw, etag, err := b.Get(ctx, o.Key)
		if errors.Is(err, objstore.ErrNotFound) {
			continue // finished since the listing
		}
		if err != nil {
			return nil, nil, fmt.Errorf("lake: read journal: %w", err)
		}
		var j Journal
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, nil, fmt.Errorf("lake: parse journal %s: %w", o.Key, err)
		}
		out[o.Key], etags[o.Key] = j, etag
	}
	return out, etags, nil
}

// hiddenByJournals is the set of keys a reader that follows journals
// skips: the merged files of prepared compactions, the inputs of committed ones.
func hiddenByJournals(ctx context.Context, b *objstore.Bucket) (map[string]bool, error) {
	js, _, err := ReadJournals(ctx, b)
	if err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	for _, j := range js {
		keys := j.Merged
		if j.State == JournalCommitted {
			keys = j.Inputs
		}
		for _, k := range keys {
			hidden[k] = true
		}
	}
	return hidden, nil
}

// OpenBucket opens the lake at an s3:// location and checks that the store
// enforces the conditional writes every lake command on a bucket relies on
// (objstore.ErrNoConditionalWrites if not): without them a fenced-out
// writer could overwrite what a partition's new owner published.
func OpenBucket(ctx context.Context, lakeURL string, opt objstore.Options) (*objstore.Bucket, error) {
	b, err := objstore.Open(ctx, lakeURL, opt)
	if err != nil {
		return nil, err
	}
	if err := b.CheckConditionalWrites(ctx); err != nil {
		return nil, fmt.Errorf("lake: refusing to use the lake %s: %w", lakeURL, err)
	}
	return b, nil
}

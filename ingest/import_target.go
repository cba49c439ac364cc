package ingest

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

// importTarget is where Import publishes whole inputs: a lake folder, or a
// lake in object storage.
type importTarget interface {
	// record returns the record of the input of source whose SHA-256 is
	// sum, if the lake holds it.
	record(ctx context.Context, source, sum string) (importRecord, bool, error)
	// root is the folder batches are written in; lockRoot is the lake
	// whose lock guards them there ("" for a scratch folder).
	root() string
	lockRoot() string
	// publish puts the importer's files in place with the input's record,
	// or returns the record another import of the same input published
	// first (found), leaving imp's temporary files to the caller.
	publish(ctx context.Context, imp *importer, sum string) (importRecord, bool, error)
	// partitionsGone reports whether none of the date partitions that
	// files (an input's record's, relative to the lake root) were written
	// to is left: retention dropped them all. False for no files.
	partitionsGone(ctx context.Context, files []string) (bool, error)
	close() error
}

// partitionDirs are the distinct date partitions (relative folders) of
// files, in the order first named.
func partitionDirs(files []string) []string {
	var dirs []string
	seen := map[string]bool{}
	for _, f := range files {
		if d := filepath.Dir(f); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return dirs
}

func openImportTarget(ctx context.Context, cfg ImportConfig, log *slog.Logger) (importTarget, error) {
	if !objstore.IsURL(cfg.Lake) {
		sweepLake(cfg.Lake, false, log)
		return folderImport{lake: cfg.Lake}, nil
	}
	b, err := OpenBucket(ctx, cfg.Lake, cfg.S3)
	if err != nil {
		return nil, err
	}
	if _, err := lake.SweepBucket(ctx, b, lake.SweepOptions{Log: log}); err != nil {
		log.Error("could not remove the leftovers of interrupted commands; the next command tries again", "lake", cfg.Lake, "err", err)
	}
	scratch, err := os.MkdirTemp("", "parley-import-")
	if err != nil {
		return nil, fmt.Errorf("import: scratch folder: %w", err)
	}
	return &bucketImport{b: b, scratch: scratch, log: log}, nil
}

type folderImport struct{ lake string }

func (f folderImport) record(_ context.Context, source, sum string) (importRecord, bool, error) {
	return readImportRecord(f.lake, source, sum)
}
func (f folderImport) root() string     { return f.lake }
func (f folderImport) lockRoot() string { return f.lake }
func (f folderImport) publish(_ context.Context, imp *importer, sum string) (importRecord, bool, error) {
	return imp.publish(sum)
}
func (f folderImport) close() error { return nil }
func (f folderImport) partitionsGone(_ context.Context, files []string) (bool, error) {
	for _, d := range partitionDirs(files) {
		switch _, err := os.Stat(filepath.Join(f.lake, d)); {
		case err == nil:
			return false, nil
		case !errors.Is(err, os.ErrNotExist):
			return false, fmt.Errorf("ingest: import: %w", err)
		}
	}
	return len(files) > 0, nil
}

// bucketImport publishes inputs to a lake in object storage. An input's
// files are uploaded under _staging/_imports/<source>-<hash>/<token>/, then
// its record is created with If-None-Match: * naming that token (the
// commit: of two imports of one input at once, exactly one creates it),
// then the files are copied to their final keys and the record settled.
type bucketImport struct {
	b       *objstore.Bucket
	scratch string
	log     *slog.Logger
}

func (bi *bucketImport) root() string     { return bi.scratch }
func (bi *bucketImport) lockRoot() string { return "" }
func (bi *bucketImport) close() error     { return os.RemoveAll(bi.scratch) }

// partitionsGone lists each partition's prefix: a bucket has no folders,
// only objects, and retention deletes them all.
func (bi *bucketImport) partitionsGone(ctx context.Context, files []string) (bool, error) {
	for _, d := range partitionDirs(files) {
		objs, err := bi.b.List(ctx, lake.Key(d)+"/")
		if err != nil {
			return false, fmt.Errorf("ingest: import: %w", err)
		}
		if len(objs) > 0 {
			return false, nil
		}
	}
	return len(files) > 0, nil
}

func importRecordKey(source, sum string) string {
	return lake.Key(lake.ImportRecordPath("", source, sum))
}

func importStaging(source, sum, token string) string {
	name := strings.TrimSuffix(path.Base(importRecordKey(source, sum)), ".json")
	return path.Join(lake.StagingDir, lake.ImportStagingDir, name, token) + "/"
}

// record reads the input's record; one that commits files still being
// copied (its import stopped part-way) is finished first, so that an
// input found is an input whose files are all in place.
func (bi *bucketImport) record(ctx context.Context, source, sum string) (importRecord, bool, error) {
	key := importRecordKey(source, sum)
	raw, etag, err := bi.b.Get(ctx, key)
	if errors.Is(err, objstore.ErrNotFound) {
		return importRecord{}, false, nil
	}
	var rec importRecord
	if err == nil {
		err = json.Unmarshal(raw, &rec)
	}
	if err != nil {
		return rec, false, fmt.Errorf("import: read record %s: %w", key, err)
	}
	if rec.Staged != "" {
		if err := bi.finish(ctx, source, sum, rec, etag); err != nil {
			return rec, false, err
		}
	}
	return rec, true, nil
}

func (bi *bucketImport) finish(ctx context.Context, source, sum string, rec importRecord, etag string) error {
	if err := lake.RollForward(ctx, bi.b, importStaging(source, sum, rec.Staged), rec.Files); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	rec.Staged = ""
	raw, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("import: encode record: %w", err)
	}
	_, err = bi.b.PutBytes(ctx, importRecordKey(source, sum), append(raw, '\n'), objstore.Condition{IfMatch: etag})
	if err != nil && !errors.Is(err, objstore.ErrPrecondition) { // settled by another import meanwhile: fine
		return fmt.Errorf("import: settle record: %w", err)
	}
	return nil
}

func (bi *bucketImport) publish(ctx context.Context, imp *importer, sum string) (importRecord, bool, error) {
	source := imp.b.source
	if rec, found, err := bi.record(ctx, source, sum); found || err != nil {
		return rec, found, err
	}
	token := newToken()
	staged := importStaging(source, sum, token)
	rec := importRecord{
		Source: source, Input: imp.input, SHA256: sum,
		Read: imp.st.Read, Events: imp.st.Events, DeadLetters: imp.st.DeadLetters, Skipped: imp.st.Skipped,
		Files: make([]string, len(imp.fs.files)), ImportedAt: time.Now().UTC(), Staged: token,
	}
	for i, f := range imp.fs.files {
		rel, err := filepath.Rel(bi.scratch, filepath.Join(filepath.Dir(f.Path()), lake.ImportFileName(source, sum, imp.ranges[i][0], imp.ranges[i][1])))
		if err != nil {
			return rec, false, fmt.Errorf("import: %w", err)
		}
		rec.Files[i] = lake.Key(rel)
		if _, err := bi.b.PutFile(ctx, staged+rec.Files[i], f.Name(), objstore.Condition{}); err != nil {
			return rec, false, errors.Join(fmt.Errorf("import %s: stage %s: %w", imp.input, rec.Files[i], err), unstage(bi.b, staged, rec.Files[:i+1]))
		}
	}
	raw, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return rec, false, fmt.Errorf("import: encode record: %w", err)
	}
	etag, err := bi.b.PutBytes(ctx, importRecordKey(source, sum), append(raw, '\n'), objstore.Condition{IfAbsent: true})
	if errors.Is(err, objstore.ErrPrecondition) {
		// Another import of the same input committed first.
		if uerr := unstage(bi.b, staged, rec.Files); uerr != nil {
			return rec, false, uerr
		}
		return bi.record(ctx, source, sum)
	}
	if err != nil {
		return rec, false, fmt.Errorf("import %s: commit its record: %w", imp.input, err)
	}
	if err := bi.finish(ctx, source, sum, rec, etag); err != nil {
		return rec, false, fmt.Errorf("import %s: its record is committed; the next import of it or any lake command finishes the copies: %w", imp.input, err)
	}
	rec.Staged = ""
	return rec, false, nil
}

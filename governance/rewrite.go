package governance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/lake"
)

// edit decides the fate of one row: drop it, or keep it (possibly changed in
// place, which counts as a change).
type edit[T any] func(row *T) (keep, changed bool)

// rewriteResult counts what one file rewrite did.
type rewriteResult struct {
	rows, removed, changed int64
}

// scanFile applies ed to every row of the Parquet file at path without
// writing anything, and reports what a rewrite would do.
func scanFile[T any](ctx context.Context, path string, ed edit[T]) (rewriteResult, error) {
	var res rewriteResult
	err := lake.EachRow(ctx, path, func(row *T) error {
		res.rows++
		keep, changed := ed(row)
		switch {
		case !keep:
			res.removed++
		case changed:
			res.changed++
		}
		return nil
	})
	return res, err
}

// testHookBeforeReplace, when set by a test, runs when a rewritten file is
// complete and about to replace the original: the moment a crash leaves a
// finished temporary copy and no end line in the audit log.
var testHookBeforeReplace func()

// rewriteFile replaces the Parquet file at path by one holding only the rows
// ed keeps, under the same name (lake file names carry the offset ranges
// ingest recovers and compacts by). A file whose every row goes stays as an
// empty file, keeping its name.
func rewriteFile[T any](ctx context.Context, path string, ed edit[T]) (res rewriteResult, err error) {
	err = replaceFile(path, func(out io.Writer) error {
		w := parquet.NewGenericWriter[T](out, lake.WriterOptions()...)
		one := make([]T, 1)
		err := lake.EachRow(ctx, path, func(row *T) error {
			res.rows++
			keep, changed := ed(row)
			if !keep {
				res.removed++
				return nil
			}
			if changed {
				res.changed++
			}
			one[0] = *row
			_, err := w.Write(one)
			return err
		})
		if err != nil {
			return err
		}
		return w.Close()
	})
	return res, err
}

// replaceFile writes a new version of the file at path through write into
// a temporary file beside it (_tmp-<name>.<random>.erase, which no reader's
// glob matches and lake.Sweep removes if a crash leaves it), fsyncs it and
// renames it over path, so readers see the old file or the new one, never a
// mix. The new file keeps the old one's permissions.
func replaceFile(path string, write func(w io.Writer) error) (err error) {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("governance: rewrite %s: %w", path, err)
	}
	tmp, err := atomicfile.Create(path, atomicfile.Options{Pattern: lake.TempPrefix + filepath.Base(path) + ".*.erase", Perm: info.Mode().Perm()})
	if err != nil {
		return fmt.Errorf("governance: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tmp.Cleanup())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Seal()
	}
	if err != nil {
		return fmt.Errorf("governance: rewrite %s: %w", path, err)
	}
	if testHookBeforeReplace != nil {
		testHookBeforeReplace()
	}
	if err = tmp.Commit(); err != nil {
		return fmt.Errorf("governance: replace %s: %w", path, err)
	}
	return nil
}

// lakeFiles lists the complete Parquet files matching glob under root.
// A file that is not a regular file, or that resolves outside root (a
// symlink planted in the lake, or a symlinked date directory), is an error
// rather than followed, so a rewrite can never land outside the lake.
func lakeFiles(root, glob string) ([]string, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("governance: resolve lake %s: %w", root, err)
	}
	paths, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("governance: list %s: %w", glob, err)
	}
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			return nil, fmt.Errorf("governance: stat %s: %w", p, err)
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("governance: %s is not a regular file (%s); refusing to rewrite it", p, info.Mode().Type())
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil, fmt.Errorf("governance: resolve %s: %w", p, err)
		}
		if rel, err := filepath.Rel(realRoot, real); err != nil || !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("governance: %s resolves to %s, outside the lake; refusing to rewrite it", p, real)
		}
	}
	return paths, nil
}

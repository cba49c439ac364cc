// Package atomicfile replaces files so that a reader, or the system after a
// crash, sees the old content or the new one and never a mix: the content
// goes to a temporary file beside the target, which is fsynced, renamed over
// the target, and the directory fsynced so the rename itself survives.
//
// It is the one place Parley does this; every writer of the lake, the
// warehouse, reports, QA packets and forecasts goes through it.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// TempPrefix starts the name of every temporary file, so that globs for
// finished files (`*.parquet`, `*.html`) never match one and the lake's
// sweep can recognise the leftovers of a crash.
const TempPrefix = "_tmp-"

// Options shape the temporary file. The zero value is the common case.
type Options struct {
	// Pattern is the os.CreateTemp pattern of the temporary file, in the
	// target's folder; empty means TempPrefix + the target's name + "-*".
	Pattern string
	// Perm is the mode the file gets; 0 means 0o644.
	Perm fs.FileMode
}

// File is a temporary file that becomes path once committed. Writes go to
// the temporary file; Cleanup removes it unless it was renamed, so it is
// safe to defer right after Create.
type File struct {
	f      *os.File
	path   string
	perm   fs.FileMode
	sealed bool
	done   bool // the temporary file is gone: renamed to path, or removed
}

// Create opens a temporary file in path's folder that Commit will rename
// to path. The folder must exist.
func Create(path string, o Options) (*File, error) {
	pattern := o.Pattern
	if pattern == "" {
		pattern = TempPrefix + filepath.Base(path) + "-*"
	}
	perm := o.Perm
	if perm == 0 {
		perm = 0o644
	}
	f, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return nil, fmt.Errorf("atomicfile: create temporary file for %s: %w", path, err)
	}
	return &File{f: f, path: path, perm: perm}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Name is the temporary file's path.
func (f *File) Name() string { return f.f.Name() }

// Path is the file's final path.
func (f *File) Path() string { return f.path }

// SetName changes the name the file will get in its folder: for a writer
// that can name its output only once it is complete (an import names its
// files by the hash of the whole input).
func (f *File) SetName(name string) { f.path = filepath.Join(filepath.Dir(f.path), name) }

// Seal gives the temporary file its mode, fsyncs and closes it: its content
// is then durable, under the temporary name. Seal twice is a no-op.
func (f *File) Seal() error {
	if f.sealed {
		return nil
	}
	f.sealed = true
	err := f.f.Chmod(f.perm)
	if err == nil {
		err = f.f.Sync()
	}
	// A Close error on a file we wrote is a write error, never dropped.
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", f.f.Name(), err)
	}
	return nil
}

// Rename seals the file if needed and renames it to its final path, without
// fsyncing the folder: for callers that publish several files and then
// fsync each folder once (SyncDir). Most callers want Commit.
func (f *File) Rename() error {
	if err := f.Seal(); err != nil {
		return err
	}
	if err := os.Rename(f.f.Name(), f.path); err != nil {
		return fmt.Errorf("atomicfile: rename %s to %s: %w", f.f.Name(), f.path, err)
	}
	f.done = true
	return nil
}

// Commit seals the file, renames it to its final path and fsyncs the
// folder, after which the new content survives a crash.
func (f *File) Commit() error {
	if err := f.Rename(); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(f.path))
}

// Cleanup closes and removes the temporary file unless it was renamed; the
// target is untouched. It is safe to call more than once and after Commit.
func (f *File) Cleanup() error {
	if f.done {
		return nil
	}
	if !f.sealed {
		f.sealed = true
		f.f.Close() // the error of a write being abandoned says nothing
	}
	if err := os.Remove(f.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("atomicfile: remove %s: %w", f.f.Name(), err)
	}
	f.done = true
	return nil
}

// Write replaces path with what write puts into its writer (buffered), creating path's
// folder if needed. On any error the temporary file is removed and path keeps
// its old content.
func Write(path string, o Options, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("atomicfile: create folder %s: %w", filepath.Dir(path), err)
	}
	f, err := Create(path, o)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, f.Cleanup())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", f.Name(), err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", f.Name(), err)
	}
	return f.Commit()
}

// WriteFile replaces path with data (mode 0o644), creating its folder if needed.
func WriteFile(path string, data []byte) error {
	return Write(path, Options{}, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Publish makes tmp, a complete file another program wrote (DuckDB's COPY,
// a finished warehouse), durable and renames it to path, then fsyncs
// path's folder. tmp must be on the same file system as path.
func Publish(tmp, path string) error {
	if err := syncPath(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: rename %s to %s: %w", tmp, path, err)
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir makes the directory entries of dir (new names, renames) durable.
func SyncDir(dir string) error { return syncPath(dir) }

// syncPath fsyncs the file or directory at path.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("atomicfile: open %s for fsync: %w", path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("atomicfile: fsync %s: %w", path, err)
	}
	return nil
}

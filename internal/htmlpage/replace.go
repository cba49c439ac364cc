package htmlpage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/lake"
)

// TempPrefix starts the name of every file and folder this kit writes
// before it is complete (WritePage, ReplaceEntries), as it does for every
// temporary file Parley writes (atomicfile.TempPrefix).
const TempPrefix = atomicfile.TempPrefix

// ReplaceEntries writes a set of outputs (pages, a packet folder) into dir
// so that a failure never leaves some of them new and others old or gone.
// fill writes the outputs into stage, a new folder inside dir named
// _tmp-<name>-<random>; only when it has returned without error are the
// top-level entries of stage moved into dir, each replacing the entry of the
// same name: a file by a rename, a folder by exchanging it with the old one
// (lake.SwapDirs: one atomic call on Linux and macOS, three renames
// elsewhere), after which the old one is removed. A failure part-way through fill (a full disk, say) therefore
// leaves dir as it was, and the stage is removed.
//
// Entries of dir that fill did not write (other reports, QA packets, the
// user's own files) are never touched. An entry that would have to replace
// one of another kind (a page where dir holds a folder of that name) is an
// error before anything is moved. The renames happen one after the other
// once everything is written, so a reader (or a crash) in the microseconds
// between them can meet old and new pages side by side, never a missing or
// half-written one.
//
// The stage is locked while it is written: a stage left by a process that
// died is removed by the next ReplaceEntries of the same name in dir, and a
// live one is left alone.
func ReplaceEntries(dir, name string, fill func(stage string) error) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: create folder %s: %w", dir, err)
	}
	stage, lock, err := newStage(dir, TempPrefix+name+"-")
	if err != nil {
		return err
	}
	defer func() {
		if rmErr := os.RemoveAll(stage); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("reports: remove temporary folder: %w", rmErr))
		}
		lock.Close() //nolint:errcheck // closing a folder opened to lock it releases the lock; nothing was written through it
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return fmt.Errorf("reports: temporary folder %s: %w", stage, err)
	}
	if err := fill(stage); err != nil {
		return err
	}
	entries, err := os.ReadDir(stage)
	if err != nil {
		return fmt.Errorf("reports: list %s: %w", stage, err)
	}
	// Check every target first, so that one that cannot be replaced stops
	// the whole set before any of it is moved.
	exchange := make([]bool, len(entries))
	for i, e := range entries {
		target := filepath.Join(dir, e.Name())
		old, err := os.Lstat(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("reports: %w", err)
		case e.IsDir() != old.IsDir():
			return fmt.Errorf("reports: cannot replace %s (%s) with a %s; move it away, nothing was written", target, kind(old.IsDir()), kind(e.IsDir()))
		default:
			exchange[i] = e.IsDir()
		}
	}
	for i, e := range entries {
		from, to := filepath.Join(stage, e.Name()), filepath.Join(dir, e.Name())
		if !exchange[i] {
			if err := os.Rename(from, to); err != nil {
				return fmt.Errorf("reports: move %s into place: %w", to, err)
			}
			continue
		}
		if err := lake.SwapDirs(to, from); err != nil {
			return fmt.Errorf("reports: swap %s into place: %w", to, err)
		}
		// from now holds the replaced folder; the deferred RemoveAll of the
		// stage deletes it.
	}
	return nil
}

func kind(dir bool) string {
	if dir {
		return "folder"
	}
	return "file"
}

// newStage removes the stages in dir that a dead process left (prefix
// names them), then creates and locks a new one. dir itself is locked
// meanwhile, so that no stage is ever seen between its creation and its
// lock, which would make it look abandoned.
func newStage(dir, prefix string) (stage string, lock *os.File, err error) {
	parent, err := lockDir(dir, true)
	if err != nil {
		return "", nil, err
	}
	defer parent.Close() //nolint:errcheck // releases the lock; nothing was written through it
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, fmt.Errorf("reports: list %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		dead, err := lockDir(path, false)
		if err != nil {
			continue // still being written (its lock is held), or gone meanwhile
		}
		err = os.RemoveAll(path)
		dead.Close() //nolint:errcheck // releases the lock
		if err != nil {
			return "", nil, fmt.Errorf("reports: remove %s, left by an interrupted run: %w", path, err)
		}
	}
	stage, err = os.MkdirTemp(dir, prefix)
	if err != nil {
		return "", nil, fmt.Errorf("reports: create temporary folder in %s: %w", dir, err)
	}
	if lock, err = lockDir(stage, true); err != nil {
		return "", nil, errors.Join(err, os.Remove(stage))
	}
	return stage, lock, nil
}

// lockDir takes the exclusive advisory lock on the folder at path, waiting
// for it or, without wait, failing at once when another process holds it.
// Closing the returned file releases it, as does the process's death.
func lockDir(path string, wait bool) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: open %s: %w", path, err)
	}
	locked, err := lake.LockOpen(f, true, wait)
	if err == nil && !locked {
		err = errors.New("held by another process")
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("reports: lock %s: %w", path, err), f.Close())
	}
	return f, nil
}

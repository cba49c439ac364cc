package lake

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-cx/parley/internal/atomicfile"
)

// Names of the temporary entries lake commands make, beside the files
// ingest and import write (_tmp-<name>.<random>.part) and the files erase
// rewrites (_tmp-<name>.<random>.erase) inside a date partition.
const (
	// StagePrefix starts compact's staging directory in events/
	// (_tmp-date=YYYY-MM-DD-<random>): the merged copy of a date directory
	// before the swap, the old files after it.
	StagePrefix = TempPrefix + "date="
	// DropPrefix starts a partition retention has taken out of the lake and
	// is deleting (_tmp-drop-date=YYYY-MM-DD).
	DropPrefix = TempPrefix + "drop-"
	// CompactLockFile, relative to the root, is held exclusively by the one
	// compact that may run at a time, from before it makes a staging
	// directory until that directory is gone. A staging directory found
	// while it is free is the leftover of a compact that died.
	CompactLockFile = ".compact.lock"
)

// LockCompact takes the compaction lock, blocking until no other compact runs.
func LockCompact(root string) (unlock func() error, err error) {
	return lockFile(filepath.Join(root, CompactLockFile), true)
}

// HoldTemp marks the temporary file at path as being written by this
// process until release is called or the process dies, so that Sweep leaves
// it alone. Create the file and hold it under the lake's shared lock: Sweep
// runs under the exclusive one, so it never sees a new file not yet held.
func HoldTemp(path string) (release func() error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lake: open %s to hold it: %w", path, err)
	}
	if err := lockFD(f, false); err != nil {
		return nil, errors.Join(fmt.Errorf("lake: hold %s: %w", path, err), f.Close())
	}
	return f.Close, nil
}

// SweepOptions configures Sweep.
type SweepOptions struct {
	// DryRun lists the leftovers without removing them.
	DryRun bool
	// HoldsCompactLock says the caller holds the compaction lock itself, so
	// every staging directory is a leftover (the lock cannot tell, since a
	// second attempt to take it would fail against the caller's own hold).
	HoldsCompactLock bool
	// Log receives one line per leftover; nil discards them.
	Log *slog.Logger
}

// Swept is what Sweep found, as paths relative to the lake root.
type Swept struct {
	// Removed are leftovers of commands that died (or, in a dry run, would be removed).
	Removed []string
	// InUse are temporary entries a live process is still writing: a
	// compact's staging directory, or an ingest or import batch not yet
	// published. They are left alone.
	InUse []string
}

// Sweep removes what interrupted lake commands left behind in events/,
// deadletter/ and reviews/: temporary files of ingest, import, qa import and
// erase inside the date partitions, compact's staging directories (the whole old partition, if
// compact died right after its swap) and partitions retention was
// deleting. None of them is visible to readers, but they hold copies of
// events, so erasure must not leave them.
//
// The caller must hold the lake's lock exclusively. Then nothing is being
// published, erased or dropped, and every process still writing a
// temporary entry holds it (HoldTemp, or the compaction lock for staging
// directories), so whatever is not held belongs to a process that died.
// Checkpoint temporaries under _offsets/ are left to ingest's recovery,
// which holds the partition's lock. Symlinks are removed, never followed.
func Sweep(root string, opt SweepOptions) (Swept, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := sweeper{root: root, opt: opt, log: log, synced: map[string]bool{}}
	for _, top := range []string{EventsDir, DeadLetterDir, ReviewsDir} {
		if err := s.top(filepath.Join(root, top)); err != nil {
			return s.out, err
		}
	}
	for dir := range s.synced {
		if err := atomicfile.SyncDir(dir); err != nil {
			return s.out, err
		}
	}
	return s.out, nil
}

// SweepLocked is Sweep under the lake's exclusive lock, taken for the
// sweep alone: how a command that adds to the lake starts, so that a
// crash's leftovers last until the next command at most.
func SweepLocked(root string, opt SweepOptions) (Swept, error) {
	unlock, err := Lock(root, true)
	if err != nil {
		return Swept{}, err
	}
	sw, err := Sweep(root, opt)
	return sw, errors.Join(err, unlock())
}

type sweeper struct {
	root string
	opt  SweepOptions
	log  *slog.Logger
	out  Swept
	// compactFree caches whether no compact runs: "" unknown, "yes", "no".
	compactFree string
	// synced collects the directories whose entries were removed.
	synced map[string]bool
}

// top sweeps events/ or deadletter/ and the date partitions inside.
func (s *sweeper) top(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lake: sweep: list %s: %w", dir, err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), DropPrefix):
			// Retention holds the exclusive lock from the rename to the
			// deletion, so under that lock a drop directory is always a leftover.
			if err := s.remove(path, "partition retention was deleting"); err != nil {
				return err
			}
		case strings.HasPrefix(e.Name(), TempPrefix) && e.IsDir():
			free, err := s.compactIsFree()
			if err != nil {
				return err
			}
			if !free {
				s.inUse(path, "staging directory of a running compact")
				continue
			}
			if err := s.remove(path, "staging directory of a compact that did not finish"); err != nil {
				return err
			}
		case strings.HasPrefix(e.Name(), TempPrefix):
			if err := s.file(path); err != nil {
				return err
			}
		case strings.HasPrefix(e.Name(), "date=") && e.IsDir(): // a symlinked partition is not entered
			if err := s.partition(path); err != nil {
				return err
			}
		}
	}
	return nil
}

// partition sweeps the temporary files of one date directory.
func (s *sweeper) partition(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("lake: sweep: list %s: %w", dir, err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), TempPrefix) {
			continue
		}
		if err := s.file(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// file removes a temporary file unless a live writer holds it.
func (s *sweeper) file(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lake: sweep: stat %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		// A link or anything else under a temporary name is nobody's work in progress.
		return s.remove(path, "temporary entry that is not a regular file")
	}
	// Write access, because NFS emulates flock with fcntl locks, whose
	// exclusive kind needs it; O_NOFOLLOW in case it was swapped for a link.
	f, err := os.OpenFile(path, os.O_RDWR|noFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lake: sweep: open %s: %w", path, err)
	}
	defer f.Close() // only read and locked; the lock goes with it
	switch locked, err := tryLockFD(f, true); {
	case err != nil:
		return fmt.Errorf("lake: sweep: lock %s: %w", path, err)
	case !locked:
		s.inUse(path, "temporary file a live process is writing")
		return nil
	}
	return s.remove(path, "temporary file of a command that did not finish")
}

// compactIsFree reports whether no compact is running (or the caller is the one).
func (s *sweeper) compactIsFree() (bool, error) {
	if s.opt.HoldsCompactLock {
		return true, nil
	}
	if s.compactFree == "" {
		f, err := os.OpenFile(filepath.Join(s.root, CompactLockFile), os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			s.compactFree = "yes" // every compact creates it before staging anything
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("lake: sweep: open compaction lock: %w", err)
		}
		defer f.Close() // releases the lock if it was taken
		switch locked, err := tryLockFD(f, true); {
		case err != nil:
			return false, fmt.Errorf("lake: sweep: try compaction lock: %w", err)
		case !locked:
			s.compactFree = "no"
		default:
			// Released on return: a compact that starts afterwards waits for
			// the exclusive lake lock the caller holds before it can sweep or
			// swap, and its new staging directory is held from the start.
			s.compactFree = "yes"
		}
	}
	return s.compactFree == "yes", nil
}

func (s *sweeper) inUse(path, what string) {
	rel := s.rel(path)
	s.out.InUse = append(s.out.InUse, rel)
	s.log.Info("lake: left a temporary entry alone", "path", rel, "what", what)
}

// remove deletes path (a directory with everything in it; a symlink as a
// link) and logs it, or in a dry run only lists it.
func (s *sweeper) remove(path, what string) error {
	rel := s.rel(path)
	s.out.Removed = append(s.out.Removed, rel)
	if s.opt.DryRun {
		s.log.Warn("lake: would remove a leftover of an interrupted command", "path", rel, "what", what)
		return nil
	}
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("lake: sweep: remove %s (%s): %w", path, what, err)
	}
	s.synced[filepath.Dir(path)] = true
	s.log.Warn("lake: removed a leftover of an interrupted command", "path", rel, "what", what)
	return nil
}

func (s *sweeper) rel(path string) string {
	if r, err := filepath.Rel(s.root, path); err == nil {
		return r
	}
	return path
}

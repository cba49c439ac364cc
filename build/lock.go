package build

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/parley-cx/parley/internal/lake"
)

// ErrBuildRunning is returned (wrapped in a *RunningError) when another
// build of the same warehouse holds its lock.
var ErrBuildRunning = errors.New("another build of this warehouse is running")

// RunningError is Run's error when another build of DB holds the lock file
// beside it: two builds would share DB.building and break each other.
// PID is the process that holds it, as it wrote in the lock file (0 when
// unknown).
type RunningError struct {
	DB  string
	PID int
}

func (e *RunningError) Error() string {
	who := ""
	if e.PID > 0 {
		who = fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("build: another build of %s is running%s; nothing was changed: run this one again once it ends (lock %s)", e.DB, who, lockPath(e.DB))
}

// Is makes errors.Is(err, ErrBuildRunning) true.
func (e *RunningError) Is(target error) bool { return target == ErrBuildRunning }

// lockPath is the build lock of the warehouse db.
func lockPath(db string) string { return db + ".lock" }

// lockWarehouse takes the build lock of db without waiting: an exclusive
// flock (LockFileEx on Windows) on db.lock, which the kernel releases when
// the process ends, however it ends, so a crashed build never leaves the
// warehouse locked. The file is left in place (removing it would let a
// third build lock a new file while the second still holds the old one);
// it holds the PID of the build holding it, for the error of the next.
func lockWarehouse(db string) (unlock func() error, err error) {
	path := lockPath(db)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("build: open lock %s: %w", path, err)
	}
	switch locked, err := lake.LockOpen(f, true, false); {
	case err != nil:
		return nil, errors.Join(fmt.Errorf("build: lock %s: %w", path, err), f.Close())
	case !locked:
		return nil, errors.Join(&RunningError{DB: db, PID: lockHolder(f)}, f.Close())
	}
	if err := writePID(f); err != nil {
		return nil, errors.Join(fmt.Errorf("build: write lock %s: %w", path, err), f.Close())
	}
	// Closing the descriptor releases the lock.
	return f.Close, nil
}

// writePID replaces the lock file's content with this process's ID.
func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// lockHolder is the PID the lock file's holder wrote, or 0 if it wrote
// none yet (it takes the lock, then writes).
func lockHolder(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0) //nolint:errcheck // a short or empty file is a PID not written yet
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}

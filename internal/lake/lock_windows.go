//go:build windows

package lake

import (
	"errors"
	"math"
	"os"

	"golang.org/x/sys/windows"
)

// lockFD takes LockFileEx on the whole of f, blocking: shared, or exclusive
// with LOCKFILE_EXCLUSIVE_LOCK. Windows releases it when the handle closes,
// as flock does on Unix.
func lockFD(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, math.MaxUint32, math.MaxUint32, new(windows.Overlapped))
}

// tryLockFD takes LockFileEx on f if it is free (LOCKFILE_FAIL_IMMEDIATELY)
// and reports whether it did: false when another process holds a
// conflicting lock.
func tryLockFD(f *os.File, exclusive bool) (bool, error) {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, math.MaxUint32, math.MaxUint32, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

// noFollow is 0: Windows has no O_NOFOLLOW, and the lake holds no links
// Parley made.
const noFollow = 0

//go:build windows

package lake

import (
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

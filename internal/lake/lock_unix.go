//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package lake

import (
	"os"
	"syscall"
)

// lockFD takes flock(2) on f, blocking: shared (LOCK_SH) or exclusive (LOCK_EX).
func lockFD(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	return syscall.Flock(int(f.Fd()), how)
}

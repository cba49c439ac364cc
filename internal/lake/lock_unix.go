//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package lake

import (
	"errors"
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

// tryLockFD takes flock(2) on f if it is free, without waiting, and reports
// whether it did: false when another process holds a conflicting lock.
func tryLockFD(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// noFollow makes os.OpenFile refuse a symbolic link as the last element.
const noFollow = syscall.O_NOFOLLOW

package lake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// LockFile is the lake's advisory lock, relative to the root. Writers
// publish new files under a shared lock; commands that rewrite or remove
// existing files (compact, erase, retention) hold it exclusively, so a
// rewrite never races a publish into the directory it is replacing.
const LockFile = ".lock"

// Lock takes the lake's lock, shared or exclusive, blocking until it is
// free. The lock lives as long as the returned unlock is not called; it is
// also released if the process dies, so a crash never leaves a lake locked.
func Lock(root string, exclusive bool) (unlock func() error, err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("lake: create %s: %w", root, err)
	}
	path := filepath.Join(root, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lake: open lock %s: %w", path, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		return nil, errors.Join(fmt.Errorf("lake: lock %s: %w", path, err), f.Close())
	}
	// Closing the descriptor releases the lock.
	return f.Close, nil
}

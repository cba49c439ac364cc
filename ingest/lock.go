package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile is the lake's advisory lock: writers publish under a shared lock,
// compact swaps a date directory under an exclusive one.
const lockFile = ".lock"

// lockLake takes the lake's lock, shared or exclusive, blocking until it is free.
func lockLake(root string, exclusive bool) (unlock func() error, err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("ingest: create lake %s: %w", root, err)
	}
	path := filepath.Join(root, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ingest: open lake lock %s: %w", path, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		return nil, errors.Join(fmt.Errorf("ingest: lock %s: %w", path, err), f.Close())
	}
	// Closing the descriptor releases the lock.
	return f.Close, nil
}

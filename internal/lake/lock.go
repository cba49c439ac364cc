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
	return flock(filepath.Join(root, LockFile), exclusive)
}

// LockPartition takes the exclusive lock of one Kafka partition's
// checkpoint. Whoever holds it may compare the checkpoint with what it
// expects and move it: that compare-and-move is what fences off a process
// that lost the partition in a rebalance but still has a batch to publish.
func LockPartition(root, topic string, partition int32) (unlock func() error, err error) {
	path := CheckpointPath(root, topic, partition) + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lake: create %s: %w", filepath.Dir(path), err)
	}
	return flock(path, true)
}

// LockImport takes the exclusive lock of one import input, named by its
// source and SHA-256 (the lock file sits beside ImportRecordPath). Whoever
// holds it may check the input's record and publish the input, so two
// imports of the same input at once cannot both publish it.
func LockImport(root, source, hash string) (unlock func() error, err error) {
	path := ImportRecordPath(root, source, hash) + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lake: create %s: %w", filepath.Dir(path), err)
	}
	return flock(path, true)
}

// flock locks path, creating it if needed. The lock lives until unlock is
// called; it is also released if the process dies, so a crash never leaves
// the lake locked.
func flock(path string, exclusive bool) (unlock func() error, err error) {
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

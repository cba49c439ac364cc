package lake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockFile is the lake's advisory lock, relative to the root. Writers
// publish new files under a shared lock; commands that rewrite or remove
// existing files (compact, erase, retention) hold it exclusively, so a
// rewrite never races a publish into the directory it is replacing.
const LockFile = ".lock"

// Lock takes the lake's lock, shared or exclusive, blocking until it is
// free. The lock lives as long as the returned unlock is not called; it is
// also released if the process dies, so a crash never leaves a lake locked.
//
// A directory swap that a crash interrupted half-way (possible only where
// SwapDirs takes two renames, see swap.go) is finished first, under the
// exclusive lock, so no writer ever publishes into a half-swapped lake.
func Lock(root string, exclusive bool) (unlock func() error, err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("lake: create %s: %w", root, err)
	}
	path := filepath.Join(root, LockFile)
	events := filepath.Join(root, EventsDir)
	for {
		unlock, err := lockFile(path, exclusive)
		if err != nil || !swapPending(events) {
			return unlock, err
		}
		if exclusive {
			if err := RecoverSwap(events); err != nil {
				return nil, errors.Join(err, unlock())
			}
			return unlock, nil
		}
		// Recovery renames directories: it needs the lock to itself. Take
		// it exclusively, recover, and start again for the shared lock.
		if err := unlock(); err != nil {
			return nil, fmt.Errorf("lake: unlock %s: %w", path, err)
		}
		unlockEx, err := lockFile(path, true)
		if err != nil {
			return nil, err
		}
		err = RecoverSwap(events)
		if err = errors.Join(err, unlockEx()); err != nil {
			return nil, err
		}
	}
}

// RemoveIfBare removes the lock file of root, and with folderToo root
// itself, if root holds nothing but its lock file: the trace of a command
// that created the lake (or the lock in an empty folder) and then wrote
// nothing into it (an import whose every input was refused). It works under the
// exclusive lock, so it never takes the folder from a writer that is
// publishing into it; one that opened the lock file and waits on it finds
// the folder gone and makes it again.
func RemoveIfBare(root string, folderToo bool) (err error) {
	unlock, err := Lock(root, true)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(root)
	if err != nil || len(entries) != 1 || entries[0].Name() != LockFile {
		return errors.Join(err, unlock())
	}
	err = os.Remove(filepath.Join(root, LockFile))
	if err = errors.Join(err, unlock()); err != nil {
		return fmt.Errorf("lake: remove the unused lake %s: %w", root, err)
	}
	if !folderToo {
		return nil
	}
	if err := os.Remove(root); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lake: remove the unused lake %s: %w", root, err)
	}
	return nil
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
	return lockFile(path, true)
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
	return lockFile(path, true)
}

// lockFile locks path, creating it if needed, with the platform's advisory
// whole-file lock (flock on Unix, LockFileEx on Windows). The lock lives
// until unlock is called; it is also released if the process dies, so a
// crash never leaves the lake locked.
func lockFile(path string, exclusive bool) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lake: open lock %s: %w", path, err)
	}
	if err := lockFD(f, exclusive); err != nil {
		return nil, errors.Join(fmt.Errorf("lake: lock %s: %w", path, err), f.Close())
	}
	// Closing the descriptor releases the lock.
	return f.Close, nil
}

// LockOpen takes the platform's advisory lock (flock on Unix, LockFileEx on
// Windows) on the open file f, shared or exclusive. With wait it blocks
// until the lock is free; without, it reports false at once when another
// process holds a conflicting lock. Closing f releases the lock, as does
// the process's death.
func LockOpen(f *os.File, exclusive, wait bool) (locked bool, err error) {
	if wait {
		return true, lockFD(f, exclusive)
	}
	return tryLockFD(f, exclusive)
}

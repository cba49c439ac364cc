//go:build linux

package build

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f's dirty pages to disk
// and returns without waiting. An update copies the whole warehouse, and
// DuckDB's first checkpoint waits until that copy is on disk; started here,
// the writing overlaps the transform's first statements (at L: 0.4-1.1 s
// less per update, three paired runs). It is only a hint, so its error is
// dropped: without it the same pages are written at that checkpoint.
func startWriteback(f *os.File) {
	_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}

//go:build linux

package lake

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SwapDirs exchanges the sibling directories live and stage atomically with
// renameat2(RENAME_EXCHANGE): a reader sees one or the other, never neither.
// The caller fsyncs their parent to make the exchange durable.
func SwapDirs(live, stage string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, stage, unix.AT_FDCWD, live, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("lake: swap %s and %s (renameat2 RENAME_EXCHANGE): %w", live, stage, err)
	}
	return nil
}

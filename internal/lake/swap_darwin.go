//go:build darwin

package lake

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SwapDirs exchanges the sibling directories live and stage atomically with
// renamex_np(RENAME_SWAP): a reader sees one or the other, never neither.
// The caller fsyncs their parent to make the exchange durable.
func SwapDirs(live, stage string) error {
	if err := unix.RenamexNp(stage, live, unix.RENAME_SWAP); err != nil {
		return fmt.Errorf("lake: swap %s and %s (renamex_np RENAME_SWAP): %w", live, stage, err)
	}
	return nil
}

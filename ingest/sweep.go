package ingest

import (
	"errors"
	"log/slog"
	"os"

	"github.com/parley-cx/parley/internal/lake"
)

// sweepLake removes what interrupted lake commands left behind (lake.Sweep)
// under the lake's exclusive lock, held only for the sweep. Every command
// that writes the lake starts with it, so a crash's leftovers last until
// the next command at most. A sweep that fails (a lake not writable yet,
// which ingest waits out) is logged at ERROR and does not stop the
// command; erase, which must not leave copies behind, fails instead.
func sweepLake(root string, holdsCompactLock bool, log *slog.Logger) {
	if _, err := os.Stat(root); errors.Is(err, os.ErrNotExist) {
		return
	}
	if _, err := lake.SweepLocked(root, lake.SweepOptions{HoldsCompactLock: holdsCompactLock, Log: log}); err != nil {
		log.Error("could not remove the leftovers of interrupted commands; the next command tries again", "lake", root, "err", err)
	}
}

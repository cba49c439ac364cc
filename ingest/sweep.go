package ingest

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/parley-cx/parley/internal/lake"
)

// sweepLake removes what interrupted lake commands left behind (lake.Sweep)
// under the lake's exclusive lock, held only for the sweep. Every command
// that writes the lake starts with it, so a crash's leftovers last until
// the next command at most. A lake that does not exist yet has none.
func sweepLake(root string, holdsCompactLock bool, log *slog.Logger) (lake.Swept, error) {
	if _, err := os.Stat(root); errors.Is(err, os.ErrNotExist) {
		return lake.Swept{}, nil
	}
	unlock, err := lake.Lock(root, true)
	if err != nil {
		return lake.Swept{}, err
	}
	sw, err := lake.Sweep(root, lake.SweepOptions{HoldsCompactLock: holdsCompactLock, Log: log})
	if err != nil {
		err = fmt.Errorf("remove leftovers of interrupted commands: %w", err)
	}
	return sw, errors.Join(err, unlock())
}

package lake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-cx/parley/internal/atomicfile"
)

// The directory swap behind `parley compact`: a compacted copy of a date
// directory is prepared beside it, then the two are exchanged.
//
// On Linux (renameat2 RENAME_EXCHANGE, swap_linux.go) and macOS (renamex_np
// RENAME_SWAP, swap_darwin.go) the exchange is one atomic call: a reader sees
// the old directory or the new one, never neither. Elsewhere (Windows,
// swap_other.go) no such call exists and swapByRenames does it in three
// renames, with a journal so that a crash half-way is finished by the next
// lake Lock (RecoverSwap): nothing is lost, but a reader that lists the
// directory in the instant between the first two renames finds it missing.

// SwapJournal is the journal of a swap in progress, in the swapped
// directories' parent. It and the aside directory are not temporary files:
// they hold the only path back to the live data until the swap is finished,
// so cleanup of leftovers must leave them alone.
const SwapJournal = "swap-journal"

// swapAsidePrefix names the live directory while it is moved aside.
const swapAsidePrefix = "swap-aside-"

// swapByRenames exchanges live and stage (siblings) in three renames:
//
//  1. write the journal (live's and stage's names) and make it durable;
//  2. rename live to swap-aside-<live>;  live is missing from here ...
//  3. rename stage to live;              ... to here
//  4. rename swap-aside-<live> to stage;
//  5. remove the journal.
//
// The caller holds the exclusive lake lock, so no writer publishes in between,
// and fsyncs dir afterwards. crashAfter, for tests, stops after that step as
// a crash would; 0 runs every step.
func swapByRenames(live, stage string, crashAfter int) error {
	dir := filepath.Dir(live)
	if filepath.Dir(stage) != dir {
		return fmt.Errorf("lake: swap %s and %s: not in the same directory", live, stage)
	}
	aside := filepath.Join(dir, swapAsidePrefix+filepath.Base(live))
	journal := filepath.Join(dir, SwapJournal)
	steps := []func() error{
		func() error { return writeJournal(journal, filepath.Base(live), filepath.Base(stage)) },
		func() error { return os.Rename(live, aside) },
		func() error { return os.Rename(stage, live) },
		func() error { return os.Rename(aside, stage) },
		func() error { return os.Remove(journal) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("lake: swap %s and %s, step %d: %w", live, stage, i+1, err)
		}
		if i+1 == crashAfter {
			return errSimulatedCrash
		}
	}
	return nil
}

// errSimulatedCrash is what swapByRenames returns when a test stops it.
var errSimulatedCrash = errors.New("lake: swap stopped (simulated crash)")

// writeJournal writes the names of a swap to path and makes it durable
// before any directory moves, so a journal that cannot be read was never
// followed by a rename.
func writeJournal(path, live, stage string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s\n%s\n", live, stage)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// swapPending reports whether dir holds the journal of an unfinished swap.
func swapPending(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, SwapJournal))
	return err == nil
}

// RecoverSwap finishes a swap in dir that a crash interrupted, from its
// journal; with no journal it does nothing. The caller holds the exclusive
// lake lock. Where the swap stopped decides the way out:
//
//   - live missing, aside present (stopped after step 2): the aside
//     directory goes back to live; the prepared copy stays behind as
//     stage, unused. Nothing changed for readers.
//   - live and aside both present (stopped after step 3): live is the new
//     copy, which supersedes every file of the aside one; aside goes to stage
//     for removal, as after a finished swap.
//   - no aside: the swap had not started (step 1) or had finished (step 4).
func RecoverSwap(dir string) error {
	journal := filepath.Join(dir, SwapJournal)
	b, err := os.ReadFile(journal)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lake: read swap journal: %w", err)
	}
	names := strings.Fields(string(b))
	if len(names) == 2 && validSwapName(names[0]) && validSwapName(names[1]) {
		live := filepath.Join(dir, names[0])
		stage := filepath.Join(dir, names[1])
		aside := filepath.Join(dir, swapAsidePrefix+names[0])
		if exists(aside) {
			to := stage
			if !exists(live) {
				to = live
			}
			if err := os.Rename(aside, to); err != nil {
				return fmt.Errorf("lake: recover swap of %s: %w", live, err)
			}
		}
	}
	// A journal that does not parse was cut short before step 2: nothing moved.
	if err := os.Remove(journal); err != nil {
		return fmt.Errorf("lake: remove swap journal: %w", err)
	}
	return atomicfile.SyncDir(dir)
}

// validSwapName rejects a journal line that is not a plain sibling name.
func validSwapName(name string) bool {
	return name != "" && name != "." && name != ".." && filepath.Base(name) == name
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

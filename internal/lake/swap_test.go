package lake

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// swapFixture is a lake whose events directory holds a live date directory
// (files a, b) and its compacted copy beside it (files ab, c).
func swapFixture(t *testing.T) (root, live, stage string) {
	t.Helper()
	root = t.TempDir()
	live = filepath.Join(root, EventsDir, "date=2024-01-01")
	stage = filepath.Join(root, EventsDir, TempPrefix+"date=2024-01-01-1")
	for dir, files := range map[string][]string{live: {"a", "b"}, stage: {"ab", "c"}} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(f), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root, live, stage
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestSwapDirs: the platform's swap (renameat2 here) exchanges the two
// directories, as the two-rename protocol does when it runs to the end.
func TestSwapDirs(t *testing.T) {
	for name, swap := range map[string]func(live, stage string) error{
		"platform":   SwapDirs,
		"by renames": func(live, stage string) error { return swapByRenames(live, stage, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			root, live, stage := swapFixture(t)
			if err := swap(live, stage); err != nil {
				t.Fatal(err)
			}
			if got := names(t, live); !slices.Equal(got, []string{"ab", "c"}) {
				t.Errorf("live holds %v, want the staged [ab c]", got)
			}
			if got := names(t, stage); !slices.Equal(got, []string{"a", "b"}) {
				t.Errorf("stage holds %v, want the old [a b]", got)
			}
			if got := names(t, filepath.Join(root, EventsDir)); len(got) != 2 {
				t.Errorf("events holds %v, want the two directories only (no journal, no aside)", got)
			}
		})
	}
}

// TestSwapRecovery stops the two-rename swap after each step, as a crash
// would, then takes the lake lock as the next writer does: the swap is
// rolled back or finished, live holds one complete set, and no file is lost.
func TestSwapRecovery(t *testing.T) {
	tests := []struct {
		crashAfter int
		exclusive  bool
		wantLive   []string
	}{
		{1, false, []string{"a", "b"}},  // journal written, nothing moved
		{2, false, []string{"a", "b"}},  // live moved aside: rolled back
		{2, true, []string{"a", "b"}},   // the same, found by an exclusive lock
		{3, false, []string{"ab", "c"}}, // stage is live: finished
		{4, true, []string{"ab", "c"}},  // only the journal left
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			root, live, stage := swapFixture(t)
			if err := swapByRenames(live, stage, tt.crashAfter); !errors.Is(err, errSimulatedCrash) {
				t.Fatalf("swap stopped after step %d: %v", tt.crashAfter, err)
			}
			events := filepath.Join(root, EventsDir)
			if !swapPending(events) {
				t.Fatal("no journal after an interrupted swap")
			}
			unlock, err := Lock(root, tt.exclusive)
			if err != nil {
				t.Fatal(err)
			}
			defer unlock()
			if got := names(t, live); !slices.Equal(got, tt.wantLive) {
				t.Errorf("after a crash after step %d, live holds %v, want %v", tt.crashAfter, got, tt.wantLive)
			}
			all := append(names(t, live), names(t, stage)...)
			slices.Sort(all)
			if !slices.Equal(all, []string{"a", "ab", "b", "c"}) {
				t.Errorf("live and stage hold %v together, want every file [a ab b c]", all)
			}
			if swapPending(events) {
				t.Error("journal left after recovery")
			}
			if _, err := os.Stat(filepath.Join(events, swapAsidePrefix+filepath.Base(live))); err == nil {
				t.Error("aside directory left after recovery")
			}
		})
	}
}

// TestSwapJournalCutShort: a journal cut short by a crash while it was
// written (before any rename) is dropped and the lake is untouched.
func TestSwapJournalCutShort(t *testing.T) {
	root, live, _ := swapFixture(t)
	events := filepath.Join(root, EventsDir)
	if err := os.WriteFile(filepath.Join(events, SwapJournal), []byte("date=2024-"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := Lock(root, false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if swapPending(events) {
		t.Error("journal left")
	}
	if got := names(t, live); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("live holds %v, want [a b]", got)
	}
}

package metrics

import (
	"runtime/debug"
	"testing"
)

// TestRaiseGCPercent: the checks' step raises GOGC while it runs and puts
// back what the process had, whether lower or higher than its own (off
// stays off); of two steps at once, the last to end restores it.
func TestRaiseGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, before := range []int{50, 1000, -1} {
		debug.SetGCPercent(before)
		a := raiseGCPercent()
		during := debug.SetGCPercent(before)
		debug.SetGCPercent(during)
		want := max(before, autoQAGCPercent)
		if before < 0 {
			want = -1
		}
		if during != want {
			t.Errorf("GOGC %d: %d while the checks run, want %d", before, during, want)
		}
		b := raiseGCPercent()
		a()
		if now := debug.SetGCPercent(during); now != during {
			t.Errorf("GOGC %d: %d after the first of two steps ended, want %d", before, now, during)
		}
		b()
		if after := debug.SetGCPercent(before); after != before {
			t.Errorf("GOGC %d: %d after the checks, want it restored", before, after)
		}
	}
}

package lake

import (
	"testing"
	"time"
)

// TestLockExcludes checks the two properties the lake relies on: shared
// holders coexist, and an exclusive holder waits for every shared one (and
// the other way round).
func TestLockExcludes(t *testing.T) {
	tests := []struct {
		name              string
		first, second     bool // exclusive?
		secondMustWaitFor bool
	}{
		{"shared with shared", false, false, false},
		{"exclusive after shared", false, true, true},
		{"shared after exclusive", true, false, true},
		{"exclusive after exclusive", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			unlock1, err := Lock(root, tt.first)
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan func() error, 1)
			go func() {
				unlock2, err := Lock(root, tt.second)
				if err != nil {
					t.Error(err)
				}
				got <- unlock2
			}()
			var unlock2 func() error
			if tt.secondMustWaitFor {
				// Being granted at all while the first is held is the bug; a
				// short look cannot give a false failure.
				select {
				case unlock2 = <-got:
					t.Fatal("second lock granted while the first is held")
				case <-time.After(200 * time.Millisecond):
				}
			} else {
				select {
				case unlock2 = <-got:
				case <-time.After(5 * time.Second):
					t.Fatal("second shared lock blocked by a shared lock")
				}
			}
			if err := unlock1(); err != nil {
				t.Fatal(err)
			}
			if unlock2 == nil {
				select {
				case unlock2 = <-got:
				case <-time.After(5 * time.Second):
					t.Fatal("second lock not granted after the first was released")
				}
			}
			if unlock2 != nil {
				if err := unlock2(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

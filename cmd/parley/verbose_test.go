package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
)

// TestProgressLogKeepsLinesWhole: the build's goroutines warn while
// another reports progress (the dictionaries parse beside the metric SQL);
// on a writer that is not safe for concurrent use, such as the buffer of
// an in-process run, every warning and progress line still arrives whole.
func TestProgressLogKeepsLinesWhole(t *testing.T) {
	var stderr bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetErr(&stderr)
	log, progress := progressLog(cmd, false)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if w%2 == 0 {
					log.Warn("a warning", "writer", w, "i", i)
				} else {
					progress(fmt.Sprintf("progress %d %d", w, i))
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	whole := 0
	for _, line := range lines {
		var w, i int
		if _, err := fmt.Sscanf(line, "progress %d %d", &w, &i); err == nil ||
			strings.Contains(line, `level=WARN msg="a warning" writer=`) && strings.HasPrefix(line, "time=") {
			whole++
		}
	}
	if len(lines) != writers*each || whole != writers*each {
		t.Errorf("%d lines, %d of them whole; want %d whole lines", len(lines), whole, writers*each)
	}
}

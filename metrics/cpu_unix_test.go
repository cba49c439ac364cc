//go:build unix

package metrics_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuSeconds is the user + system CPU time this process has used so far.
func cpuSeconds(b *testing.B) float64 {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

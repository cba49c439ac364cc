//go:build windows

package metrics_test

import (
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// cpuSeconds is the user + system CPU time this process has used so far.
func cpuSeconds(b *testing.B) float64 {
	b.Helper()
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user); err != nil {
		b.Fatal(err)
	}
	// A Filetime here is a duration in 100 ns ticks.
	ticks := func(t windows.Filetime) time.Duration {
		return time.Duration(int64(t.HighDateTime)<<32|int64(t.LowDateTime)) * 100
	}
	return (ticks(kernel) + ticks(user)).Seconds()
}

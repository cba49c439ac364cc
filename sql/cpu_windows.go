//go:build windows

package sqlfiles

import (
	"time"

	"golang.org/x/sys/windows"
)

// ProcessCPU is the user + system CPU time this process (every thread,
// DuckDB's included) has used so far; 0 if it cannot be read.
func ProcessCPU() time.Duration {
	var creation, exit, kernel, user windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &creation, &exit, &kernel, &user) != nil {
		return 0
	}
	// A Filetime here is a duration in 100-nanosecond ticks.
	ticks := func(t windows.Filetime) time.Duration {
		return time.Duration(int64(t.HighDateTime)<<32|int64(t.LowDateTime)) * 100
	}
	return ticks(kernel) + ticks(user)
}

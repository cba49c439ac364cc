//go:build unix

package sqlfiles

import (
	"syscall"
	"time"
)

// ProcessCPU is the user + system CPU time this process (every thread,
// DuckDB's included) has used so far; 0 if it cannot be read.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

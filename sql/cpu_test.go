package sqlfiles

import (
	"testing"
	"time"
)

// TestProcessCPUCountsThisProcess spins until ProcessCPU has advanced: it
// must, since Exec logs the difference as the file's CPU time, and a
// platform where it cannot be read would log 0 for every file.
func TestProcessCPUCountsThisProcess(t *testing.T) {
	start := ProcessCPU()
	if start <= 0 {
		t.Fatalf("ProcessCPU() = %v at the start of a test binary, want the CPU it has used", start)
	}
	deadline := time.Now().Add(10 * time.Second)
	x := uint64(1)
	for ProcessCPU()-start < 20*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatalf("ProcessCPU() advanced %v in 10 s of spinning", ProcessCPU()-start)
		}
		for i := 0; i < 100_000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	if x == 0 {
		t.Log("unreachable: keeps the loop from being optimised away")
	}
}

package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// rusageHelperEnv makes this binary run one command and report its wall
// time, peak RSS and CPU time on file descriptor 3, instead of running the
// ladder.
//
// Why a helper: Go starts children with vfork (CLONE_VM), and Linux carries
// the parent's peak RSS over into the child's at execve. Started straight
// from the driver, whose embedded broker holds the whole topic, every stage
// would report at least the driver's peak. Started from this small process,
// a stage reports its own peak.
const rusageHelperEnv = "PARLEY_BENCH_RUSAGE_HELPER"

// rusageHelper runs args, and writes "<wall ns> <peak RSS bytes> <CPU ns>"
// to fd 3. The CPU time is user + system, of the command and of the
// children it waited for (a database server's backends).
// It returns the exit code for the process.
func rusageHelper(args []string) int {
	out := os.NewFile(3, "rusage")
	if out == nil || len(args) == 0 {
		fmt.Fprintln(os.Stderr, "parley-bench: rusage helper needs fd 3 and a command")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// The command is not a helper: without this, another parley-bench (the
	// tests' own binary) would take itself for one.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, rusageHelperEnv+"=") })
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-bench:", err)
		return 1
	}
	peak, ok := peakRSS(cmd.ProcessState)
	if !ok {
		fmt.Fprintln(os.Stderr, "parley-bench: no rusage on this platform")
		return 1
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if _, err := fmt.Fprintf(out, "%d %d %d\n", wall.Nanoseconds(), peak, cpu.Nanoseconds()); err != nil {
		fmt.Fprintln(os.Stderr, "parley-bench: report rusage:", err)
		return 1
	}
	return 0
}

package main

import (
	"os"
	"testing"
)

// asCLIEnv makes the test binary run as the parley command, so that tests
// can start it as a process of its own and signal it (TestRunStopsOnSIGTERMMidBuild).
const asCLIEnv = "PARLEY_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLIEnv) == "1" {
		main() // exits non-zero on an error
		os.Exit(0)
	}
	os.Exit(m.Run())
}

//go:build !linux && !darwin

package main

import "os"

// peakRSS is not measured on this platform: the ladder's memory figures
// come from Linux and macOS.
func peakRSS(*os.ProcessState) (int64, bool) { return 0, false }

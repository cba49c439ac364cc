package main

import (
	"log/slog"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commandLog is the logger of a command whose stdout says what it did:
// stderr holds warnings and errors, and with verbose the steps too.
func commandLog(cmd *cobra.Command, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
}

// verboseFlag adds -v/--verbose, which logs steps (what) on stderr.
func verboseFlag(f *pflag.FlagSet, verbose *bool, steps string) {
	f.BoolVarP(verbose, "verbose", "v", false, "also log "+steps+" on stderr (by default stderr holds warnings and errors only)")
}

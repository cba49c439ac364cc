package main

import (
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commandLog is the logger of a command whose stdout says what it did:
// stderr holds warnings and errors, and with verbose the steps too.
func commandLog(cmd *cobra.Command, verbose bool) *slog.Logger {
	return levelLog(cmd.ErrOrStderr(), verbose)
}

// progressLog is commandLog for a long command that also tells a person
// how far it has got: the func it returns writes one line of progress on
// stderr, verbose or not. The log and the progress lines share one lock,
// as a goroutine of the command may warn while another reports progress.
func progressLog(cmd *cobra.Command, verbose bool) (*slog.Logger, func(line string)) {
	w := &lockedWriter{w: cmd.ErrOrStderr()}
	return levelLog(w, verbose), func(line string) {
		fmt.Fprintln(w, line) // like the log's, an error writing stderr has nowhere to go
	}
}

// levelLog logs warnings and errors on w, and with verbose the steps too.
func levelLog(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// lockedWriter writes to w one Write at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// verboseFlag adds -v/--verbose, which logs steps (what) on stderr.
func verboseFlag(f *pflag.FlagSet, verbose *bool, steps string) {
	verboseFlagOver(f, verbose, steps, "warnings and errors only")
}

// verboseFlagOver is verboseFlag for a command whose stderr holds more
// than warnings and errors by default (quiet says what).
func verboseFlagOver(f *pflag.FlagSet, verbose *bool, steps, quiet string) {
	f.BoolVarP(verbose, "verbose", "v", false, "also log "+steps+" on stderr (by default stderr holds "+quiet+")")
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/warehouse"
)

// How parley treats being called wrongly: an unknown subcommand, an unknown
// or malformed flag, or arguments a command does not take are usage errors
// (exit status 2), and the message suggests the nearest valid name and the
// --help to read.

// teachUsage makes every command in the tree under c report wrong calls as
// usage errors with a suggestion. Commands that take no arguments must say
// so (Args: cobra.NoArgs), or cobra would accept and ignore them.
func teachUsage(c *cobra.Command) {
	c.SuggestionsMinimumDistance = 2
	c.SetFlagErrorFunc(flagError)
	switch {
	case c.HasSubCommands():
		c.Args = unknownSubcommand
		if c.RunE == nil && c.Run == nil {
			// Without a Run, cobra itself rejects an unknown subcommand
			// before Args is consulted, as a plain error (exit 1).
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
	case c.Args != nil:
		validate := c.Args
		c.Args = func(c *cobra.Command, args []string) error {
			err := validate(c, args)
			if err == nil {
				return nil
			}
			// cobra.NoArgs calls a stray argument an unknown command.
			if strings.HasPrefix(err.Error(), "unknown command") {
				err = fmt.Errorf("unexpected argument %q: %s takes no arguments, only flags", args[0], c.CommandPath())
			}
			return usageError{fmt.Errorf("%s%w (see %s --help)", prefix(c), err, c.CommandPath())}
		}
	}
	if run := c.RunE; run != nil {
		c.RunE = func(c *cobra.Command, args []string) error { return callErrors(c, run(c, args)) }
	}
	for _, sub := range c.Commands() {
		teachUsage(sub)
	}
}

// callErrors gives the errors of a wrong call one shape in every command,
// "COMMAND: --FLAG ..." with exit status 2: a usage error that names only
// its flag gets the command's name, and a --db naming no warehouse file,
// which a command finds out only when it opens it, becomes a usage error.
func callErrors(c *cobra.Command, err error) error {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		if strings.HasPrefix(err.Error(), "--") {
			return usageError{fmt.Errorf("%s%w", prefix(c), err)}
		}
	case errors.Is(err, warehouse.ErrNoWarehouse):
		// Not a command's own default: the file the user named.
		if db := c.Flags().Lookup("db"); db != nil && db.Changed {
			return usageErrorf("%s--db %s: %w", prefix(c), db.Value, warehouse.ErrNoWarehouse)
		}
	case errors.Is(err, warehouse.ErrIsDirectory):
		if db := c.Flags().Lookup("db"); db != nil && db.Changed {
			return usageErrorf("%s--db %s %w%s", prefix(c), db.Value, warehouse.ErrIsDirectory, warehouseNear(db.Value.String()))
		}
	}
	return err
}

// warehouseNear is ": did you mean FILE?" for a warehouse file in the
// directory dir that --db named, or beside it (--db demo-out/lake, whose
// warehouse is demo-out/warehouse.duckdb), or "".
func warehouseNear(dir string) string {
	for _, p := range []string{filepath.Join(dir, "warehouse.duckdb"), filepath.Join(filepath.Dir(filepath.Clean(dir)), "warehouse.duckdb")} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return ": did you mean " + p + "?"
		}
	}
	return ""
}

// unknownSubcommand accepts no arguments for a command that groups
// subcommands: what reaches it was meant as a subcommand that does not exist.
func unknownSubcommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q for %q%s (see %s --help)",
		args[0], c.CommandPath(), didYouMean(c.SuggestionsFor(args[0]), ""), c.CommandPath())}
}

// unknownFlagRE finds the name in pflag's "unknown flag: --name".
var unknownFlagRE = regexp.MustCompile(`^unknown flag: --([^\s=]+)`)

// flagError turns a flag parsing error into a usage error naming the
// nearest flag the command has.
func flagError(c *cobra.Command, err error) error {
	// "parley biuld --lake x": the flags of an unknown subcommand fail on the
	// command above it; the word before them is what went wrong.
	if c.HasSubCommands() && len(c.Flags().Args()) > 0 {
		return unknownSubcommand(c, c.Flags().Args())
	}
	hint := ""
	if m := unknownFlagRE.FindStringSubmatch(err.Error()); m != nil {
		var names []string
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && suggest.Close(m[1], f.Name) {
				names = append(names, f.Name)
			}
		})
		hint = didYouMean(names, "--")
	}
	return usageError{fmt.Errorf("%s%w%s (see %s --help)", prefix(c), err, hint, c.CommandPath())}
}

// prefix starts an error of command c the way main's "parley: " continues
// it: "build: ", "qa sample: ", nothing for parley itself.
func prefix(c *cobra.Command) string {
	path := strings.TrimPrefix(c.CommandPath(), c.Root().Name())
	if path == "" {
		return ""
	}
	return strings.TrimSpace(path) + ": "
}

// didYouMean is "; did you mean X?" for the suggestions, or "".
func didYouMean(names []string, prefix string) string {
	if len(names) == 0 {
		return ""
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = prefix + n
	}
	return "; did you mean " + strings.Join(quoted, " or ") + "?"
}

// needWarehouse fails with warehouse.ErrNoWarehouse, which callErrors
// reports under --db, when no file is at path: for commands that would
// otherwise create their output before opening the warehouse.
func needWarehouse(path string) error {
	switch fi, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		return warehouse.ErrNoWarehouse
	case err == nil && fi.IsDir():
		return warehouse.ErrIsDirectory
	case err != nil:
		return usageErrorf("--db: %w", err)
	}
	return nil
}

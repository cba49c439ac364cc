package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/ingest"
)

func newImportCmd() *cobra.Command {
	cfg := ingest.ImportConfig{}
	cmd := &cobra.Command{
		Use:   "import --lake DIR FILE...",
		Short: "Load JSON-lines event files (or stdin) into the Parquet lake",
		Long: `Import is the offline twin of "parley ingest", for backfills: it reads files of
JSON lines in event contract v1 (one event per line; "-" reads stdin), validates
each line exactly as ingest does, and writes valid events to
DIR/events/date=YYYY-MM-DD/<source>-<firstLine>-<lastLine>.parquet and rejected
lines, with their line number and reason, to DIR/deadletter/.

The source name is the file's base name without extensions (stdin: "stdin").
Importing the same file again replaces its earlier files rather than adding
duplicates.

Example:
  parley import --lake lake/ exports/2026-03.jsonl
  zcat old.jsonl.gz | parley import --lake lake/ -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("import: give at least one FILE (or - for stdin)")
			}
			if cfg.Lake == "" {
				return usageErrorf("import: --lake is required")
			}
			cfg.Inputs = args
			cfg.Stdin = cmd.InOrStdin()
			cfg.Log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			if err := cfg.Validate(); err != nil {
				return usageErrorf("import: %w", err)
			}
			st, err := ingest.Import(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s\n", st)
			for reason, n := range st.Reasons {
				fmt.Fprintf(cmd.OutOrStdout(), "  dead letters, %s: %d\n", reason, n)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Lake, "lake", "", "lake root directory (required)")
	return cmd
}

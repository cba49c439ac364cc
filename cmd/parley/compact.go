package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/ingest"
)

func newCompactCmd() *cobra.Command {
	var cfg ingest.CompactConfig
	cmd := &cobra.Command{
		Use:   "compact --lake DIR",
		Short: "Merge the small Parquet files of each date partition, atomically",
		Long: `Compact merges, in every date partition of DIR/events, the small files each
Kafka partition left (frequent flushes, late events) into one file per Kafka
partition, named after the offsets it covers so that ingest resumes exactly
as before. It is safe to run while "parley ingest" is writing: only files
already recorded in the partition's checkpoint are merged, and each date
directory is swapped in a single atomic rename (Linux, macOS), so a reader
sees either the old files or the merged one, never both and never neither.
On Windows the swap takes three renames under a journal (docs/ingest.md).

One compact runs at a time; a second waits for the first. Compact first
removes what interrupted lake commands left behind (for example the old
files of a compact killed right after its swap, in events/_tmp-date=...),
and logs each removal; as ingest, import, erase and retention do.

Files written by "parley import" are left alone (each input's record in
_imports/ lists its files by name). Dead letters are not compacted.

Example:
  parley compact --lake /data/lake --dry-run
  parley compact --lake /data/lake`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Lake == "" {
				return usageErrorf("compact: --lake is required")
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("compact: %w", asFlags(err))
			}
			cfg.Log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			st, err := ingest.Compact(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			verb := "compacted"
			if cfg.DryRun {
				verb = "would compact"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", verb, st)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Lake, "lake", "", "lake root directory (required)")
	cmd.Flags().Int64Var(&cfg.SmallFileBytes, "small-file-bytes", ingest.DefaultSmallFileBytes, "files smaller than this are merged")
	cmd.Flags().BoolVar(&cfg.DryRun, "dry-run", false, "report what would be merged, change nothing")
	return cmd
}

package main

import (
	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/ingest"
)

func newCompactCmd() *cobra.Command {
	var cfg ingest.CompactConfig
	var loc lakeFlags
	var configPath string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "compact --lake DIR|s3://BUCKET/PREFIX [--dry-run] [-v]",
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

On a lake in object storage (--lake s3://bucket/prefix) there is no
directory swap: compact holds the lake's maintenance lease (one compact,
erase or retention at a time), merges locally, copies the merged files in
beside their inputs under a journal (_journal/compact-date=....json), and
switches the journal to committed with one conditional write, then deletes
the inputs. Parley's own readers (build) follow the journal and never see
both; a reader listing the objects directly sees both for the moments
between the copy and the deletes (docs/ingest.md).

Stdout is the summary: files merged, into how many, in how many date
partitions. Stderr holds the warnings (each leftover removed) and errors;
-v also logs each merge.

Example:
  parley compact --lake /data/lake --dry-run
  parley compact --lake /data/lake
  parley compact --lake s3://acme-lake/parley --s3-endpoint https://minio.internal:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := loc.fillFrom(configPath); err != nil {
				return usageErrorf("%s: --config: %w", cmd.Name(), err)
			}
			cfg.Lake, cfg.S3 = loc.lake, loc.s3
			if cfg.Lake == "" {
				return usageErrorf("compact: --lake is required")
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("compact: %w", asFlags(err))
			}
			cfg.Log = commandLog(cmd, verbose)
			st, err := ingest.Compact(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			printOutcome(cmd.OutOrStdout(), cfg.DryRun, "compacted", "would compact", st)
			return nil
		},
	}
	loc.addWithConfig(cmd.Flags(), &configPath)
	cmd.Flags().Int64Var(&cfg.SmallFileBytes, "small-file-bytes", ingest.DefaultSmallFileBytes, "files smaller than this are merged")
	cmd.Flags().BoolVar(&cfg.DryRun, "dry-run", false, "report what would be merged, change nothing")
	verboseFlag(cmd.Flags(), &verbose, "each merge")
	return cmd
}

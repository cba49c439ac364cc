package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/internal/config"
)

func newRetentionCmd() *cobra.Command {
	var (
		cfg  governance.RetentionConfig
		keep string
		loc  lakeFlags

		configPath string
		verbose    bool
	)
	cmd := &cobra.Command{
		Use:   "retention --lake DIR|s3://BUCKET/PREFIX --keep 400d [--dry-run] [-v]",
		Short: "Drop lake date partitions older than the retention window, audited",
		Long: `Retention deletes every date partition of the lake, events and dead letters,
whose whole UTC day lies before now minus --keep. The day holding the
window's edge is kept. Each partition is first renamed out of the lake's
view (one atomic step), then deleted. Offsets checkpoints are untouched, so
ingest neither re-reads nor skips anything.

Retention holds the lake's exclusive lock (ingest and compact wait), never
writes outside DIR, and removes a symlinked partition as a link without
touching what it points to. Every run, dry or not, appends an entry to
DIR/_audit/audit.jsonl. Rebuild the warehouse afterwards ("parley build").

--keep takes days ("400d") or a Go duration of at least 24h.

Stdout is the summary: partitions dropped (or, with --dry-run, that would
be), files and bytes. Stderr holds the warnings and errors; -v also logs
each partition dropped.

Example:
  parley retention --lake /data/lake --keep 400d --dry-run
  parley retention --lake /data/lake --keep 400d --reason "policy RP-7"
  parley retention --lake s3://acme-lake/parley --keep 400d

On a lake in object storage (--lake s3://bucket/prefix) retention holds
the lake's maintenance lease, writes a journal naming every object it
drops (readers that follow journals, such as build, stop seeing them at
once), then deletes them; a reader listing objects directly sees the
partitions shrink object by object (docs/ingest.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := loc.fillFrom(configPath); err != nil {
				return usageErrorf("%s: --config: %w", cmd.Name(), err)
			}
			cfg.Lake, cfg.S3 = loc.lake, loc.s3
			if cfg.Lake == "" {
				return usageErrorf("retention: --lake is required")
			}
			if keep == "" {
				return usageErrorf("retention: --keep is required, e.g. --keep 400d")
			}
			d, err := config.ParseDuration(keep)
			if err != nil {
				return usageErrorf("retention: --keep: %w (want days like 400d)", err)
			}
			cfg.Keep = d
			if err := cfg.Validate(); err != nil {
				return usageErrorf("retention: %w", asFlags(err))
			}
			if !loc.bucket() {
				if err := lakeFolder(cfg.Lake); err != nil {
					return err
				}
			}
			cfg.Log = commandLog(cmd, verbose)
			st, err := governance.Retention(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if cfg.DryRun {
				fmt.Fprintf(cmd.OutOrStdout(), "dry run, would have %s\n", st)
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), st)
			return nil
		},
	}
	loc.addWithConfig(cmd.Flags(), &configPath)
	cmd.Flags().StringVar(&keep, "keep", "", "retention window, e.g. 400d (required)")
	cmd.Flags().BoolVar(&cfg.DryRun, "dry-run", false, "list what would be dropped, change nothing (still audited)")
	cmd.Flags().StringVar(&cfg.Reason, "reason", "", "reference recorded in the audit log, e.g. the policy ID")
	verboseFlag(cmd.Flags(), &verbose, "each partition dropped")
	return cmd
}

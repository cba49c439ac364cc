package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/internal/config"
)

func newRetentionCmd() *cobra.Command {
	var (
		cfg  governance.RetentionConfig
		keep string
	)
	cmd := &cobra.Command{
		Use:   "retention --lake DIR --keep 400d [--dry-run]",
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

Example:
  parley retention --lake /data/lake --keep 400d --dry-run
  parley retention --lake /data/lake --keep 400d --reason "policy RP-7"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			if fi, err := os.Stat(cfg.Lake); err != nil || !fi.IsDir() {
				return usageErrorf("retention: --lake %s: not a directory", cfg.Lake)
			}
			cfg.Log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
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
	cmd.Flags().StringVar(&cfg.Lake, "lake", "", "lake root directory (required)")
	cmd.Flags().StringVar(&keep, "keep", "", "retention window, e.g. 400d (required)")
	cmd.Flags().BoolVar(&cfg.DryRun, "dry-run", false, "list what would be dropped, change nothing (still audited)")
	cmd.Flags().StringVar(&cfg.Reason, "reason", "", "reference recorded in the audit log, e.g. the policy ID")
	return cmd
}

package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/governance"
)

func newEraseCmd() *cobra.Command {
	var cfg governance.EraseConfig
	cmd := &cobra.Command{
		Use:   "erase --lake DIR --customer ID [--conversations] [--dry-run]",
		Short: "Erase a customer's events from the lake (right to erasure), audited",
		Long: `Erase removes every event whose actor is the customer ID from every Parquet
file of the lake, and scrubs the raw bytes of the customer's dead letters
(the row stays, with its reason and offset, so counts still reconcile).
With --conversations it also removes every event, of any actor, of each
conversation the customer took part in.

Each file is rewritten beside the old one and renamed over it under the same
name (file names carry the Kafka offsets ingest resumes from), so readers
see the old file or the new one, never a mix. Erase holds the lake's
exclusive lock: ingest and compact wait until it is done. It never writes
outside DIR and refuses symlinks that lead out of it.

Every run, dry or not, appends an entry to DIR/_audit/audit.jsonl: who,
when, the SHA-256 of the customer ID, the reason and the counts, never the
erased text. Run "parley build" afterwards: the warehouse is rebuilt from
the lake, so it no longer holds the customer either. See docs/operations.md
for what erasure does not reach (backups, re-imported source files).

Example:
  parley erase --lake /data/lake --customer cust-1842 --dry-run
  parley erase --lake /data/lake --customer cust-1842 --conversations --reason DSR-2026-117
  parley build --lake /data/lake`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Lake == "" {
				return usageErrorf("erase: --lake is required")
			}
			if cfg.Customer == "" {
				return usageErrorf("erase: --customer is required (the customer's actor ID)")
			}
			if fi, err := os.Stat(cfg.Lake); err != nil || !fi.IsDir() {
				return usageErrorf("erase: --lake %s: not a directory", cfg.Lake)
			}
			cfg.Log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			st, err := governance.Erase(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			verb := "erased"
			if cfg.DryRun {
				verb = "would erase"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", verb, st)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Lake, "lake", "", "lake root directory (required)")
	cmd.Flags().StringVar(&cfg.Customer, "customer", "", "actor ID of the customer to erase (required)")
	cmd.Flags().BoolVar(&cfg.Conversations, "conversations", false, "also erase every event of the conversations the customer took part in")
	cmd.Flags().BoolVar(&cfg.DryRun, "dry-run", false, "count what would be erased, change nothing (still audited)")
	cmd.Flags().StringVar(&cfg.Reason, "reason", "", "reference recorded in the audit log, e.g. the request or ticket ID")
	return cmd
}

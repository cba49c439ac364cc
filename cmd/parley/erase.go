package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/qa"
)

func newEraseCmd() *cobra.Command {
	var cfg governance.EraseConfig
	var loc lakeFlags
	var configPath string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "erase --lake DIR|s3://BUCKET/PREFIX --customer ID [--conversations] [--dry-run] [--also-outputs DIR]... [-v]",
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

Erase first removes what interrupted lake commands left behind (the old
files of a compact killed after its swap, a killed erase's temporary
copies): they hold events no reader sees and no rewrite reaches.

--also-outputs DIR (repeat it, or separate folders with commas) also
removes the customer's conversations, whole, from what was made from the
lake: in QA packets their manifest rows and index rows go and their
transcript pages become a page saying they were erased; ledger.csv files
lose their rows; Parquet and CSV files with conversation_id, customer_id or
actor_id columns (parley export, parley sql --out) lose their rows. Then
every file under DIR is checked for the customer's ID and their
conversation IDs, also inside data a file embeds in base64 (a report
page's gzipped figures): any still holding them (a dashboard, a spreadsheet, a
link) is listed and erase exits non-zero. Conversations are known from the
lake, or from the audit log of an earlier erase of the same customer, so a
later run still finds them once the lake no longer does.

A customer ID that no event, dead letter or QA review of the lake holds,
and that no earlier erase recorded, is refused (exit 2, with the lake's
customer IDs close to it): a mistyped request must not look done. Erasing
a customer again is fine: erase says when they were already erased.

Every run, dry or not, appends to DIR/_audit/audit.jsonl a line when it
starts and one when it ends: who, when, the SHA-256 of the customer ID
(and of their conversation IDs), the reason and the counts, never the
erased text. A run killed in between is recorded as interrupted by the
next. Run "parley build" afterwards: the warehouse is rebuilt from the
lake, so it no longer holds the customer either. See docs/operations.md
for what erasure does not reach (backups, re-imported source files).

Stdout is the summary: events removed, conversations, dead letters
scrubbed, files rewritten, outputs changed. Stderr holds the warnings and
errors; -v also logs each file rewritten and each output changed.

Example:
  parley erase --lake /data/lake --customer cust-1842 --dry-run
  parley erase --lake /data/lake --customer cust-1842 --conversations --reason DSR-2026-117 \
      --also-outputs /data/out/qa --also-outputs /data/export
  parley build --lake /data/lake
  parley erase --lake s3://acme-lake/parley --customer cust-1842 --reason DSR-2026-117

On a lake in object storage (--lake s3://bucket/prefix) erase holds the
lake's maintenance lease (one compact, erase or retention at a time),
copies events, dead letters and reviews to a scratch folder, erases there,
and replaces each changed object with If-Match on the ETag it copied;
the audit log is _audit/audit.jsonl in the bucket.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := loc.fillFrom(configPath); err != nil {
				return usageErrorf("%s: --config: %w", cmd.Name(), err)
			}
			cfg.Lake, cfg.S3 = loc.lake, loc.s3
			if cfg.Lake == "" {
				return usageErrorf("erase: --lake is required")
			}
			if cfg.Customer == "" {
				return usageErrorf("erase: --customer is required (the customer's actor ID)")
			}
			if !loc.bucket() {
				if err := lakeFolder(cfg.Lake); err != nil {
					return err
				}
			}
			for _, out := range cfg.Outputs {
				if _, err := os.Stat(out); err != nil {
					return usageErrorf("erase: --also-outputs %s: %w", out, err)
				}
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("erase: %w", asFlags(err))
			}
			cfg.Log = commandLog(cmd, verbose)
			cfg.OutputRewriters = []governance.OutputRewriter{qaOutputs(cfg.Now)}
			st, err := governance.Erase(cmd.Context(), cfg)
			if err != nil {
				// The counts say how far it got, outputs checked included.
				fmt.Fprintf(cmd.OutOrStdout(), "erase stopped: %s\n", st)
				// An ID no event has is a value not in the data, like an unknown --queue.
				var nf *governance.CustomerNotFoundError
				if errors.As(err, &nf) {
					return usageError{fmt.Errorf("erase: --customer: %w", err)}
				}
				return err
			}
			printOutcome(cmd.OutOrStdout(), cfg.DryRun, "erased", "would erase", st)
			return nil
		},
	}
	loc.addWithConfig(cmd.Flags(), &configPath)
	cmd.Flags().StringVar(&cfg.Customer, "customer", "", "actor ID of the customer to erase (required)")
	cmd.Flags().BoolVar(&cfg.Conversations, "conversations", false, "also erase every event of the conversations the customer took part in")
	cmd.Flags().BoolVar(&cfg.DryRun, "dry-run", false, "count what would be erased, change nothing (still audited)")
	cmd.Flags().StringVar(&cfg.Reason, "reason", "", "reference recorded in the audit log, e.g. the request or ticket ID")
	verboseFlag(cmd.Flags(), &verbose, "each file rewritten and each output changed")
	cmd.Flags().StringSliceVar(&cfg.Outputs, "also-outputs", nil, "folder of outputs (QA packets and ledgers, parley export or sql --out files) to remove the customer's conversations from too, e.g. --also-outputs out/qa --also-outputs export/")
	return cmd
}

// qaOutputs hands QA packet folders and ledgers to the qa package, which
// owns their layout; now dates the pages of erased transcripts.
func qaOutputs(now time.Time) governance.OutputRewriter {
	return func(ctx context.Context, path string, drop func(string) bool, dryRun bool) (governance.OutputRewrite, error) {
		if now.IsZero() {
			now = time.Now()
		}
		e, ok, err := qa.EraseConversations(ctx, path, drop, dryRun, now)
		return governance.OutputRewrite{Handled: ok, Files: e.Files, Removed: e.Conversations}, err
	}
}

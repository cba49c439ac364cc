package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/qa"
)

func newQACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "qa",
		Short: "QA review samples: fair, targeted, reproducible transcript packets",
		Long: `Quality-assurance tools for support reviewers.

"parley qa sample" draws conversations from the warehouse for review and writes
them as a self-contained, PII-redacted packet with a manifest for QA tools.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newQASampleCmd())
	return cmd
}

func newQASampleCmd() *cobra.Command {
	var (
		cfg                    qa.Config
		from, to, date, strata string
		share                  float64
		configPath             string
	)
	cmd := &cobra.Command{
		Use:   "sample --db FILE --out DIR",
		Short: "Draw a reproducible QA review sample and write its packet",
		Long: `Draw conversations for QA review from the warehouse and write a review packet:

  DIR/<date>-<seed>/index.html       the sample, with why each conversation was chosen
  DIR/<date>-<seed>/transcripts/*.html one page per transcript, with its metrics
  DIR/<date>-<seed>/manifest.csv     one row per conversation, for import into a QA tool
  DIR/<date>-<seed>/manifest.jsonl   the same rows as JSON lines
  DIR/ledger.csv                     every conversation sampled so far (see --ledger)

Each conversation counts for one agent (--attribute-to). The sample is either
--size conversations in total or --per-agent conversations for every agent (an
agent with fewer gets all they have, and the manifest says so). Each quota is
split: --random-share of it drawn uniformly at random, the rest from the strata
in --strata, one pick per stratum in turn; strata only hold complete
conversations, and a stratum that runs dry is topped up at random:

  low_csat       CSAT answer of 1 or 2
  high_friction  top tenth of friction_score in the period
  escalated      escalated at least once
  reopened       reopened at least once
  long           top tenth of message count in the period
  abandoned      the customer wrote and no human replied
  sla_breach     first response missed the channel's SLA target

The same warehouse, options, --date and --seed give the same packet, byte for
byte. Conversations in the ledger are skipped unless --allow-repeat; rerunning
the same date and seed reproduces that run rather than skipping its own picks.
The packet is written into a temporary folder in DIR and swapped in place of
that run's earlier packet only when complete, so a failure part-way leaves the
earlier packet as it was; nothing else in DIR is touched.

Personal data (e-mail addresses, phone numbers, card numbers, IBANs, US SSNs,
UK National Insurance, Spanish DNI/NIE and passport numbers, dates of birth,
IP addresses; customer ids that are phone numbers, as on WhatsApp) is replaced
by placeholders such as [email] in every output unless --no-redact. Full-width
digits, no-break spaces and en-dashes do not hide it; docs/qa.md lists what
is not detected.

Example:
  parley qa sample --db warehouse.duckdb --out qa --per-agent 5 \
      --strata low_csat,high_friction --seed 7
  parley qa sample --db warehouse.duckdb --out qa --size 50 \
      --from 2026-03-01 --to 2026-03-31 --queue billing`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.From, err = parseDateFlag("from", from); err != nil {
				return err
			}
			if cfg.To, err = parseDateFlag("to", to); err != nil {
				return err
			}
			if strata != "" {
				for _, s := range strings.Split(strata, ",") {
					cfg.Strata = append(cfg.Strata, strings.TrimSpace(s))
				}
			}
			cfg.RandomShare = share
			if cmd.Flags().Changed("random-share") && share == 0 {
				cfg.RandomShare = qa.TargetedOnly
			}
			if cfg.Settings, err = loadSettings(cmd.ErrOrStderr(), configPath); err != nil {
				return err
			}
			if date != "" {
				day, err := parseDateFlag("date", date)
				if err != nil {
					return err
				}
				// Noon UTC is the same date in every time zone from UTC-12 to UTC+11.
				cfg.Now = day.Add(12 * time.Hour)
			}
			cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
			if err := cfg.Validate(); err != nil {
				return usageErrorf("qa sample: %w", err)
			}
			res, err := qa.Sample(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sampled %d of %d conversations (%s to %s, %d skipped as already reviewed)\npacket: %s\nledger: %s\n",
				len(res.Sampled), res.Candidates, res.From, res.To, res.Skipped, res.Dir, res.Ledger)
			for _, s := range res.Short {
				fmt.Fprintf(cmd.OutOrStdout(), "agent %s had %d of %d conversations: all included\n", s.Agent, s.Had, s.Wanted)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DB, "db", "", "warehouse file written by parley build (required)")
	f.StringVar(&cfg.Out, "out", "", "folder for the packet and the default ledger (required)")
	f.StringVar(&from, "from", "", "first local date of the period, YYYY-MM-DD (default: 6 days before --to)")
	f.StringVar(&to, "to", "", "last local date of the period, YYYY-MM-DD (default: the date of the last event)")
	f.IntVar(&cfg.Size, "size", 0, fmt.Sprintf("conversations in the sample (default %d; not with --per-agent)", qa.DefaultSize))
	f.IntVar(&cfg.PerAgent, "per-agent", 0, "conversations per agent instead of --size")
	f.Float64Var(&share, "random-share", qa.DefaultRandomShare, "share of each quota drawn uniformly at random, 0..1")
	f.StringVar(&strata, "strata", strings.Join(qa.AllStrata, ","), `comma-separated strata for the targeted share, or "none"`)
	f.StringVar(&cfg.Queue, "queue", "", "only conversations whose last queue is this")
	f.StringVar(&cfg.Channel, "channel", "", "only conversations on this channel")
	f.Uint64Var(&cfg.Seed, "seed", 0, "random seed (default: the run date as YYYYMMDD)")
	f.StringVar(&date, "date", "", "run date that names the packet, YYYY-MM-DD (default: today in the org time zone)")
	f.StringVar(&cfg.Ledger, "ledger", "", "ledger CSV of conversations already sampled (default DIR/"+qa.DefaultLedgerName+")")
	f.BoolVar(&cfg.AllowRepeat, "allow-repeat", false, "sample conversations even if the ledger has them")
	f.BoolVar(&cfg.NoRedact, "no-redact", false, "keep personal data in transcripts (redacted by default)")
	f.StringVar(&cfg.AttributeTo, "attribute-to", qa.AttributeMostActive, "agent a conversation counts for: most-active, first or last")
	f.StringVar(&configPath, "config", "", "parley.yaml (its time zone is used when the warehouse records none)")
	return cmd
}

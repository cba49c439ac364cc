package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/qa"
)

func newQACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "qa",
		Short: "Quality management: review samples, scores, disputes",
		Long: `Quality-assurance tools for support reviewers and QA leads. The loop:

  parley qa sample   draw conversations from the warehouse and write a
                     PII-redacted packet whose transcript pages carry the
                     scorecard as a form (and scores-template.csv)
  parley qa import   store the scores reviewers downloaded (or the filled-in
                     template) in the lake's reviews dataset
  parley qa dispute  an agent disputes a review
  parley qa resolve  a QA lead accepts (with the corrected review) or rejects it
  parley build       qa_reviews, qa_ratings, qa_agent_weekly, qa_calibration
  parley report      the Quality page

Scorecards are set in parley.yaml under qa.scorecards (docs/qa.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newQASampleCmd(), newQAImportCmd(), newQADisputeCmd(), newQAResolveCmd())
	return cmd
}

func newQASampleCmd() *cobra.Command {
	var (
		cfg                    qa.Config
		from, to, date, strata string
		share                  float64
		configPath, reviewers  string
		verbose                bool
	)
	cmd := &cobra.Command{
		Use:   "sample --db FILE --out DIR",
		Short: "Draw a reproducible QA review sample and write its packet",
		Long: `Draw conversations for QA review from the warehouse and write a review packet:

  DIR/<date>-<seed>/index.html       the sample, with why each conversation was chosen
  DIR/<date>-<seed>/transcripts/*.html one page per transcript, with its metrics
  DIR/<date>-<seed>/manifest.csv     one row per conversation, for import into a QA tool
  DIR/<date>-<seed>/manifest.jsonl   the same rows as JSON lines
  DIR/<date>-<seed>/scores-template.csv  one row per conversation and category,
                                     to score in a spreadsheet instead
  DIR/ledger.csv                     every conversation sampled so far (see --ledger)

Each transcript page carries the scorecard that applies to the conversation
(qa.scorecards in --config; the default scorecard without one) as a form. It
works from file:// with no network: drafts stay in the browser, and "Download
scores" on the index writes every complete review to one JSON-lines file for
"parley qa import".

--reviewers alice,bob,carol assigns each conversation to one reviewer,
balanced, never to the conversation's own agent; --calibration N adds N
conversations (complete, answered by an agent who is not a reviewer) that
every reviewer scores, to measure their agreement (qa_calibration). The
manifest's reviewer and calibration columns say who scores what.

The period is a range of local dates in the org time zone, both ends included; a
conversation belongs to the date it started. By default it is the 7 days up to the
last complete day with conversations started: the last date a conversation started on
before the day of the data's last event that is not in the future relative to the
build (that day is not over; conversations are sampled by the day they started, and
the days after the last one hold only later events of earlier conversations).
"parley report" follows the events (those later events count in its figures), so its
default period ends on the last complete day of events instead, and can end later.

--queue, --channel, --market and --reason sample one slice only, as "parley report"
filters its pages: --queue matches a conversation's last queue, --market its market
(for both, "(none)" selects those without one, as the report's pages label them),
--reason its contact reason (every conversation has one: "other" when no rule
matched); given together, a conversation must match each. A value no conversation
has is refused (exit status 2), naming the values the warehouse has and the near
misses; a period with no conversation of the filters is an error (status 1). Neither
writes a packet. A warehouse built before conversations had markets and contact
reasons is refused (status 1): rebuild it with parley build --full.

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
  auto_fail      failed an automatic check (auto_qa; not in the default list)
  auto_fail:CHECK  failed that check, e.g. auto_fail:greeting (a check the
                 warehouse has no verdicts of is refused, naming those it has)

The same warehouse, options, --date and --seed give the same packet, byte for
byte. Conversations in the ledger are skipped unless --allow-repeat; rerunning
the same date, seed and options reproduces that run, even after later runs: it
skips only what the runs before it sampled, not its own picks nor later runs'.
A rerun that draws otherwise (the warehouse changed) and would drop a reviewed
ledger row or draw a later run's conversation is refused; nothing is written.
A run whose <date>-<seed> folder holds a packet sampled with other
options (another --channel, --market, --size, period, ...) is refused, naming them, and
the packet and its ledger rows are kept: give it its own --seed, e.g. --seed 2,
or another --out.
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
      --from 2026-03-01 --to 2026-03-31 --queue billing
  parley qa sample --db warehouse.duckdb --out qa --size 20 \
      --market DE --reason return_refund
  parley qa sample --db warehouse.duckdb --out qa --size 30 --config parley.yaml \
      --reviewers alice,bob,carol --calibration 5`,
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
			if cfg.Settings, err = config.Load(configPath); err != nil {
				return err
			}
			if reviewers != "" {
				for _, r := range strings.Split(reviewers, ",") {
					cfg.Reviewers = append(cfg.Reviewers, strings.TrimSpace(r))
				}
			}
			if date != "" {
				day, err := parseDateFlag("date", date)
				if err != nil {
					return err
				}
				// Noon UTC is the same date in every time zone from UTC-12 to UTC+11.
				cfg.Now = day.Add(12 * time.Hour)
			}
			cfg.Log = commandLog(cmd, verbose)
			// Zero in Config means "the default"; given on the command line it is a mistake
			// (it used to sample DefaultSize conversations without a word).
			var zero []error
			for _, name := range []string{"size", "per-agent"} {
				if cmd.Flags().Changed(name) && cmd.Flags().Lookup(name).Value.String() == "0" {
					zero = append(zero, fielderr.New(name, "0 must be > 0 (leave --%s out for the default)", name))
				}
			}
			if err := errors.Join(append(zero, cfg.Validate())...); err != nil {
				return usageErrorf("qa sample: %w", asFlags(err))
			}
			res, err := qa.Sample(cmd.Context(), cfg)
			if errors.Is(err, warehouse.ErrUnknownFilterValue) {
				return usageErrorf("qa sample: %w", asFlags(errors.Unwrap(err)))
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sampled %d of %d conversations (%s to %s, %d skipped as sampled before, see the ledger)\npacket: %s\nledger: %s\n",
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
	f.StringVar(&to, "to", "", "last local date of the period, YYYY-MM-DD, e.g. --to 2026-03-31 (default: the last complete day with conversations started)")
	f.IntVar(&cfg.Size, "size", 0, fmt.Sprintf("conversations in the sample, > 0, e.g. --size 30 (default %d; not with --per-agent)", qa.DefaultSize))
	f.IntVar(&cfg.PerAgent, "per-agent", 0, "conversations per agent instead of --size, > 0, e.g. --per-agent 5")
	f.Float64Var(&share, "random-share", qa.DefaultRandomShare, "share of each quota drawn uniformly at random, 0..1")
	f.StringVar(&strata, "strata", strings.Join(qa.AllStrata, ","), `comma-separated strata for the targeted share, or "none"; auto_fail (failed any automatic check in auto_qa) or auto_fail:CHECK (failed that check), e.g. --strata auto_fail:sensitive_data,low_csat`)
	f.StringVar(&cfg.Queue, "queue", "", "only conversations whose last queue is this, e.g. --queue billing ("+qa.NoneValue+": those without one)")
	f.StringVar(&cfg.Channel, "channel", "", "only conversations on this channel, e.g. --channel whatsapp")
	f.StringVar(&cfg.Market, "market", "", "only conversations of this market, e.g. --market DE ("+qa.NoneValue+": those without one)")
	f.StringVar(&cfg.Reason, "reason", "", "only conversations of this contact reason, e.g. --reason return_refund")
	f.Uint64Var(&cfg.Seed, "seed", 0, "random seed (default: the run date as YYYYMMDD)")
	f.StringVar(&date, "date", "", "run date that names the packet, YYYY-MM-DD (default: today in the org time zone)")
	f.StringVar(&cfg.Ledger, "ledger", "", "ledger CSV of conversations already sampled (default DIR/"+qa.DefaultLedgerName+")")
	f.BoolVar(&cfg.AllowRepeat, "allow-repeat", false, "sample conversations even if the ledger has them")
	f.BoolVar(&cfg.NoRedact, "no-redact", false, "keep personal data in transcripts (redacted by default)")
	f.StringVar(&cfg.AttributeTo, "attribute-to", qa.AttributeMostActive, "agent a conversation counts for: most-active, first or last")
	f.StringVar(&configPath, "config", "", "parley.yaml: the scorecards of the review forms (qa.scorecards), and the time zone when the warehouse records none")
	f.StringVar(&reviewers, "reviewers", "", "comma-separated reviewer ids to assign the conversations to, e.g. alice,bob,carol")
	f.IntVar(&cfg.Calibration, "calibration", 0, "add N conversations that every reviewer scores (needs two or more --reviewers)")
	verboseFlag(f, &verbose, "the sampling's steps (period, candidates, draw, packet)")
	return cmd
}

func newQAImportCmd() *cobra.Command {
	var (
		cfg        qa.ImportConfig
		configPath string
		verbose    bool
	)
	cmd := &cobra.Command{
		Use:   "import --lake DIR FILE...",
		Short: "Store reviewers' scores in the lake's reviews dataset",
		Long: `Import reads scores files and stores the reviews in DIR/reviews/, the lake's
reviews dataset, which "parley build" turns into qa_reviews and qa_ratings.

A scores file is either the JSON lines "Download scores" writes on a packet's
index page (one review per line), or a filled-in scores-template.csv (a file
ending in .csv; its reviews are dated by the file's modification time).

Every review is checked against its scorecard version (qa.scorecards in
--config, or a version already in the lake): unknown scorecard or category,
a rating outside the category's scale, N/A where the scorecard does not
allow it, a category without a rating, a missing reviewer id. Each problem
is reported with its file, line and field, and a file with any problem
stops the whole import: nothing is written. Files that hold no review at
all (an empty file, a scores template with no rating filled in) are an
error too (status 1, nothing written), naming them; one such file among
others that hold reviews is a warning on stderr. A template's reviews not
filled in yet are skipped and counted.

The new reviews are written as one Parquet file, atomically. Importing the
same files again changes nothing: a version already stored (same review id
and reviewed_at) or scored exactly like the review's latest version is
skipped. Of a review's versions the latest reviewed_at is final.

A review whose dispute was accepted keeps the rescore as final: a sheet
saved again later (its rows still as first imported, or as any version
stored) is skipped as unchanged; an edit of that review is refused with
the rest of the import: dispute it again and resolve with the edit as the
rescore.

With --ledger, the QA ledger's rows of the imported reviews' conversations
are marked reviewed (status, reviews, last_reviewed_at). The ledger must
exist and be a ledger: it is checked before anything is stored, and a bad
one is a usage error (status 2), nothing imported.

The lake must be a folder (s3://bucket/prefix is refused); parley build
reads a bucket's reviews/ prefix, so with a lake in object storage keep the
reviews in a folder and copy them there:
  aws s3 sync lake/reviews s3://acme-lake/parley/reviews

Example:
  parley qa import --lake lake --config parley.yaml scores-2026-03-20-7.jsonl
  parley qa import --lake lake --ledger qa/ledger.csv qa/2026-03-20-7/scores-template.csv
  parley build --lake lake`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.Files = args
			if cfg.Lake == "" {
				return usageErrorf("qa import: --lake is required")
			}
			if err := folderOnly("qa import", cfg.Lake, qaFolderOnly); err != nil {
				return err
			}
			if len(args) == 0 {
				return usageErrorf("qa import: give at least one scores file")
			}
			settings, err := config.Load(configPath)
			if err != nil {
				return usageErrorf("qa import: --config: %w", err)
			}
			cfg.Settings = settings
			cfg.Log = commandLog(cmd, verbose)
			if err := cfg.Validate(); err != nil {
				return usageErrorf("qa import: %w", asFlags(err))
			}
			res, err := qa.Import(cmd.Context(), cfg)
			if fe := (*fielderr.Error)(nil); errors.As(err, &fe) {
				// A --ledger that is missing or not a ledger, found before anything is written.
				return usageErrorf("qa import: %w", asFlags(fe))
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s read: %d stored, %d already in the lake, %d unchanged\n", counted(res.Read, "review"), res.Stored, res.Known, res.Unchanged)
			if res.Unfilled > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%d reviews of the scores templates not filled in yet: skipped\n", res.Unfilled)
			}
			if res.File != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "written: %s\n", res.File)
			}
			if cfg.Ledger != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "ledger: %s reviewed\n", counted(res.LedgerRows, "row"))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Lake, "lake", "", "lake folder to store the reviews in (required)")
	f.StringVar(&configPath, "config", "", "parley.yaml with the scorecards (qa.scorecards; default: the default scorecard)")
	f.StringVar(&cfg.Ledger, "ledger", "", "QA ledger CSV whose rows to mark reviewed, e.g. qa/ledger.csv")
	verboseFlag(f, &verbose, "the import's steps")
	return cmd
}

// counted is n and noun, plural unless n is 1: "1 row", "3 rows".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// qaFolderOnly is what the review commands say to an s3:// lake.
const qaFolderOnly = "reviews, disputes and resolutions are written to a lake folder; parley build reads a bucket's reviews/ prefix, so a folder's reviews/ copied there (aws s3 sync DIR/reviews s3://BUCKET/PREFIX/reviews) are built"

func newQADisputeCmd() *cobra.Command {
	var (
		cfg     qa.DisputeConfig
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "dispute --lake DIR --review ID --by AGENT --reason TEXT",
		Short: "Record an agent's dispute of a review",
		Long: `Dispute records that a review is contested. Until "parley qa resolve"
closes it, the review's status in qa_reviews is "disputed" and its score
stands. A review has at most one open dispute. The review id is the
review_id of a JSON-lines scores file; a spreadsheet's reviews get theirs
at import (sheet-...). After a build, qa_reviews lists them all:
  parley sql --db warehouse.duckdb "SELECT review_id, conversation_id, agent_id, score FROM qa_reviews WHERE agent_id = 'ana'"

The lake must be a folder (s3://bucket/prefix is refused); parley build
reads a bucket's reviews/ prefix, so with a lake in object storage keep the
reviews in a folder and copy them there:
  aws s3 sync lake/reviews s3://acme-lake/parley/reviews

Example:
  parley qa dispute --lake lake --review rv-1f3a9c0d5e6b7a81 --by ana \
      --reason "the customer asked to close; closing is N/A"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := folderOnly("qa dispute", cfg.Lake, qaFolderOnly); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("qa dispute: %w", asFlags(err))
			}
			cfg.Log = commandLog(cmd, verbose)
			file, err := qa.Dispute(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "review %s disputed by %s\nwritten: %s\n", cfg.Review, cfg.By, file)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Lake, "lake", "", "lake folder holding the review (required)")
	f.StringVar(&cfg.Review, "review", "", "id of the review disputed (required)")
	f.StringVar(&cfg.By, "by", "", "who disputes it, e.g. the agent's id (required)")
	f.StringVar(&cfg.Reason, "reason", "", "why the review is wrong (required)")
	verboseFlag(f, &verbose, "the steps")
	return cmd
}

func newQAResolveCmd() *cobra.Command {
	var (
		cfg            qa.ResolveConfig
		accept, reject bool
		configPath     string
		verbose        bool
	)
	cmd := &cobra.Command{
		Use:   "resolve --lake DIR --review ID --accept --rescore FILE --by LEAD | --reject --by LEAD",
		Short: "Close a review's dispute: accept it with a rescore, or reject it",
		Long: `Resolve closes the open dispute of a review.

--accept upholds it: --rescore FILE holds the corrected review (a scores file
with one review of the same id, checked like an import), which becomes the
final version, dated now; the status becomes dispute_accepted and the agent's
quality score uses the new score. --reject keeps the review as scored; the
status becomes dispute_rejected.

The lake must be a folder (s3://bucket/prefix is refused); parley build
reads a bucket's reviews/ prefix, so with a lake in object storage keep the
reviews in a folder and copy them there:
  aws s3 sync lake/reviews s3://acme-lake/parley/reviews

Example:
  parley qa resolve --lake lake --review rv-1f3a9c0d5e6b7a81 --accept \
      --rescore rescore.jsonl --by lead-maria
  parley qa resolve --lake lake --review rv-1f3a9c0d5e6b7a81 --reject --by lead-maria`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case accept && reject:
				return usageErrorf("qa resolve: give --accept or --reject, not both")
			case !accept && !reject:
				return usageErrorf("qa resolve: give --accept or --reject")
			}
			cfg.Accept = accept
			settings, err := config.Load(configPath)
			if err != nil {
				return usageErrorf("qa resolve: --config: %w", err)
			}
			cfg.Settings = settings
			if err := folderOnly("qa resolve", cfg.Lake, qaFolderOnly); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("qa resolve: %w", asFlags(err))
			}
			cfg.Log = commandLog(cmd, verbose)
			file, err := qa.ResolveDispute(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			verb := "rejected"
			if accept {
				verb = "accepted, rescored"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "dispute of review %s %s by %s\nwritten: %s\n", cfg.Review, verb, cfg.By, file)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Lake, "lake", "", "lake folder holding the review (required)")
	f.StringVar(&cfg.Review, "review", "", "id of the disputed review (required)")
	f.BoolVar(&accept, "accept", false, "uphold the dispute (with --rescore)")
	f.BoolVar(&reject, "reject", false, "reject the dispute: the review stands")
	f.StringVar(&cfg.Rescore, "rescore", "", "scores file with the corrected review, for --accept")
	f.StringVar(&cfg.By, "by", "", "who resolves it, e.g. the QA lead's id (required)")
	f.StringVar(&configPath, "config", "", "parley.yaml with the scorecards the rescore is checked against")
	verboseFlag(f, &verbose, "the steps")
	return cmd
}

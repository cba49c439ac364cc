package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/dashboards"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
)

func newReportCmd() *cobra.Command {
	var (
		cfg            dashboards.Config
		from, to, conf string
		verbose        bool
	)
	cmd := &cobra.Command{
		Use:   "report --db FILE --out DIR",
		Short: "Write the CX dashboards: linked, self-contained HTML pages",
		Long: `Write the CX dashboards from a warehouse built by "parley build", as one
report that opens offline (from a laptop, a share or an e-mail attachment):

  DIR/index.html    the whole report; its pages are views of it (index.html#resolution):
    Overview                   KPI tiles with the change against the previous period, daily
                               and weekly trends per channel and queue, hour-of-week heatmap,
                               channel mix, cost (when parley.yaml prices it), retention
    Responsiveness             first response per channel and queue, SLA, reply windows
    Resolution & escalation    resolution, bot outcomes and the bot over time, escalations
    Friction                   friction distribution, drivers, the worst conversations
    Agents & queues            sortable tables per agent and per queue
    Contact reasons & markets  volume, trend and service per contact reason, channel mix
                               per market, reasons by market, emerging reasons
    Quality                    QA reviews (parley qa import): scores, categories, disputes,
                               reviewer agreement; the automatic checks' fail rates by
                               week, per check and per agent, and their agreement with
                               the reviewers
  DIR/responsiveness.html, resolution.html, friction.html, team.html, reasons.html,
  quality.html: small pages that open their view of index.html
  DIR/now.html      Now: the live queue as of the newest event (view queue_now), whatever
                    the period: who waits on whom, the oldest wait, waits past or near the
                    SLA and the reply window, agents active

Every page can be filtered by queue, channel, market and contact reason (and any
combination) in the browser, with exact figures for the slice: medians and p90s are
computed from the slice's conversations, which the report carries. Every table and chart
downloads as CSV: the rows "parley sql -f sql/dashboards/<query>.sql" prints for the same
period and slice, for the period and the one before it. --queue, --channel, --market and
--reason write a report of that slice only, to share it: the others' conversations are not
in the files (the Now page keeps the live queue of that queue or channel, and leaves it out
for a market or contact reason, which the live queue does not hold). On the Quality page
the filters apply to the automatic checks; the reviews and the checks' agreement with the
reviewers show every review, and say so.

The chart library is inside the page and its Content-Security-Policy forbids any network
request. The header shows the period, the time zone and how fresh the data is.

The files are written into a temporary folder in DIR and moved into place only when all
are written: a failure (a full disk) leaves the previous report as it was. Other files and
folders in DIR (another report, QA packets, your own files) are never touched; if a folder
holds the name of a page, or a file of that name was not written by parley report (a QA
packet's index.html, your own page), report stops before writing anything (status 2),
naming the file: give it another --out, e.g. --out report. An earlier report in DIR is
replaced.

The period is a range of local dates in the org time zone, both ends included. By default
it is the last 28 complete local days before the data's last event that is not in the future
relative to the build (so an event misdated years ahead moves nothing). The period follows
the events: resolutions and CSAT answers arrive days after their conversation started, so its
last days may hold no conversation started, only those later events (counted with their
conversations); the page then says so. "parley qa sample", which samples conversations by the
day they started, ends its default period on the last complete day with conversations started
instead. A period without a conversation (of the slice) still writes the pages, which say so,
and report says so on stderr and exits with status 1. A --queue, --channel, --market or
--reason value no conversation has is refused (status 2), naming the values the warehouse has.

It prints where the report is, its period, size and conversations on stdout; stderr
holds warnings and errors, and with -v each page written.

Example:
  parley report --db warehouse.duckdb --out report
  parley report --db warehouse.duckdb --out report/march \
      --from 2026-03-01 --to 2026-03-31 \
      --qa-link 'https://qa.example.com/conversations/{id}'
  parley report --db warehouse.duckdb --out report/de-refunds --market DE --reason return_refund
`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.From, err = parseDateFlag("from", from); err != nil {
				return err
			}
			if cfg.To, err = parseDateFlag("to", to); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("report: %w", asFlags(err))
			}
			if conf != "" {
				if cfg.Settings, err = config.Load(conf); err != nil {
					return err
				}
			}
			cfg.Log = commandLog(cmd, verbose)
			res, err := dashboards.Render(cmd.Context(), cfg)
			if errors.Is(err, dashboards.ErrForeignPage) {
				return usageErrorf("report: %w", err)
			}
			if errors.Is(err, warehouse.ErrUnknownFilterValue) {
				return usageErrorf("report: %w", asFlags(errors.Unwrap(err)))
			}
			if errors.Is(err, dashboards.ErrEmptyPeriod) {
				// The pages are written and say so; the exit status says it to scripts.
				return fmt.Errorf("report: %w; the pages are written and say so: %s", err, filepath.Join(cfg.Out, "index.html"))
			}
			if err != nil {
				return err
			}
			var total int64
			for _, f := range res.Files {
				total += f.Bytes
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d pages (%.1f MB) for %s, %d conversations, in %s\nopen %s\n",
				len(res.Files), float64(total)/1e6, res.Period, res.Conversations, res.Elapsed.Round(1e6), filepath.Join(cfg.Out, "index.html"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DB, "db", "", "warehouse file written by parley build (required)")
	f.StringVar(&cfg.Out, "out", "", "folder to write the pages to, created if needed (required)")
	f.StringVar(&from, "from", "", "first local date of the period, YYYY-MM-DD (default: 28 days up to --to)")
	f.StringVar(&to, "to", "", "last local date of the period, YYYY-MM-DD, e.g. --to 2026-03-31 (default: the last complete day before the data's last event that is not in the future)")
	f.StringVar(&cfg.Slice.Queue, "queue", "", "only the conversations whose last queue is this, e.g. --queue billing ((none): those without one)")
	f.StringVar(&cfg.Slice.Channel, "channel", "", "only the conversations of this channel, e.g. --channel whatsapp")
	f.StringVar(&cfg.Slice.Market, "market", "", "only the conversations of this market, e.g. --market DE ((none): those without one)")
	f.StringVar(&cfg.Slice.Reason, "reason", "", "only the conversations of this contact reason, e.g. --reason return_refund")
	f.StringVar(&conf, "config", "", "parley.yaml the warehouse was built with, e.g. --config parley.yaml; its time zone and cost section are checked against the warehouse's (a difference is warned of once: both are applied at build time, so rebuild to apply them)")
	f.StringVar(&cfg.QALink, "qa-link", "", "URL template that turns conversation IDs into links; {id} is replaced")
	verboseFlag(f, &verbose, "each page written and its size")
	return cmd
}

package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/dashboards"
)

func newReportCmd() *cobra.Command {
	var (
		cfg            dashboards.Config
		from, to, conf string
	)
	cmd := &cobra.Command{
		Use:   "report --db FILE --out DIR",
		Short: "Write the CX dashboards: linked, self-contained HTML pages",
		Long: `Write the CX dashboards from a warehouse built by "parley build":

  DIR/index.html           Overview: KPI tiles with the change against the previous
                           period, daily trends, hour-of-week heatmap, channel mix
  DIR/responsiveness.html  first-response distribution per channel (calendar and
                           business time), SLA attainment per queue
  DIR/resolution.html      resolution time and quality, bot outcomes, escalation
                           effectiveness per target, handoff wait
  DIR/friction.html        friction distribution, components, top drivers and the
                           highest-friction conversations
  DIR/team.html            sortable tables per agent and per queue
  DIR/quality.html         QA reviews (parley qa import): review scores by week,
                           agents' quality scores with their n, categories that
                           fail most, disputes, reviewer agreement (Krippendorff's
                           alpha), and review scores beside CSAT and friction
  DIR/now.html             Now: the live queue as of the newest event (view
                           queue_now): who waits on whom, the oldest wait, waits
                           past or near the SLA and the reply window, agents active

Every page is one file that opens offline (from a laptop, a share or an e-mail
attachment): the chart library is inside it and its Content-Security-Policy
forbids any network request. The header shows the period, the time zone and how
fresh the data is.

The pages are written into a temporary folder in DIR and moved into place
only when all are written: a failure (a full disk) leaves the previous report
as it was. Other files and folders in DIR (another report, QA packets, your
own files) are never touched; if a folder holds the name of a page, report
stops before replacing anything.

The period is a range of local dates in the org time zone, both ends included;
by default the whole data. Each number is a query in sql/reports/ over the
warehouse's public views with the period bound as $from and $to, so it can be
reproduced with "parley sql" (see docs/dashboards.md).

Example:
  parley report --db warehouse.duckdb --out report
  parley report --db warehouse.duckdb --out report/march \
      --from 2026-03-01 --to 2026-03-31 \
      --qa-link 'https://qa.example.com/conversations/{id}'`,
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
				if cfg.Settings, err = loadSettings(cmd.ErrOrStderr(), conf); err != nil {
					return err
				}
			}
			cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
			res, err := dashboards.Render(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			var total int64
			for _, f := range res.Files {
				total += f.Bytes
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d pages (%.1f MB) for %s in %s\nopen %s\n",
				len(res.Files), float64(total)/1e6, res.Period, res.Elapsed.Round(1e6), filepath.Join(cfg.Out, "index.html"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DB, "db", "", "warehouse file written by parley build (required)")
	f.StringVar(&cfg.Out, "out", "", "folder to write the pages to, created if needed (required)")
	f.StringVar(&from, "from", "", "first local date of the period, YYYY-MM-DD (default: the first date in the data)")
	f.StringVar(&to, "to", "", "last local date of the period, YYYY-MM-DD (default: the last date in the data)")
	f.StringVar(&conf, "config", "", "parley.yaml; its time zone is checked against the warehouse's")
	f.StringVar(&cfg.QALink, "qa-link", "", "URL template that turns conversation IDs into links; {id} is replaced")
	return cmd
}

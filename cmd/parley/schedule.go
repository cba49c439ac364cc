package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/forecast"
	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/schedule"
)

func newScheduleCmd() *cobra.Command {
	var (
		plan, shifts, format, out string
		pool                      bool
		timeLimit                 time.Duration
	)
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Choose shifts that cover a staffing plan at the least paid hours (integer program)",
		Long: `Schedule reads a staffing plan (the CSV of "parley forecast --staffing
--format csv": agents_with_shrinkage per interval, per queue/channel) and a
shifts.yaml (shift types: start times, length, weekdays; one break rule), and
chooses how many agents start on each allowed shift so that every interval's
requirement is covered at the least paid hours. It is solved as an integer
program: branch and bound over gonum's simplex, so the plan is optimal (or,
on a very large plan, within the gap it reports). Each queue/channel of the
plan is scheduled on its own; --pool sums them for agents who work them all.

Progress goes to stderr, one line per queue/channel. The search of each
stops after --time-limit (default 1m) with the best plan found and how far
above optimal it may be: a plan of many queues over two weeks at 30-minute
intervals is a large program (a one-channel week takes about 20 s here).
The limit and Ctrl-C are honoured within a pivot or two of the simplex,
inside a relaxation too. The first plan comes from the first relaxation (of
every shift start at once), which on a large program can take minutes: a
limit that ends before it is solved is an error saying there is no plan yet;
allow a longer --time-limit, or offer fewer start times or a shorter plan.

The output reports the chosen shifts, coverage per interval (required,
scheduled, over, under), paid hours, and the gap to the linear-programming
lower bound. An interval no allowed shift reaches stays under-staffed and is
reported as such.

shifts.yaml:
  breaks: {min_shift: 6h, after: 4h, length: 30m, paid: false}
  shifts:
    - {name: early, starts: ["07:00", "07:30", "08:00"], length: 8h, days: [mon, tue, wed, thu, fri]}
    - {name: part-time, starts: ["12:00", "16:00"], length: 4h}

Examples:
  parley forecast --db warehouse.duckdb --by channel --staffing --format csv --out plan.csv
  parley schedule --plan plan.csv --shifts shifts.yaml
  parley schedule --plan plan.csv --shifts shifts.yaml --format html --out schedule.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if plan == "" || shifts == "" {
				return usageErrorf("--plan and --shifts: both are required")
			}
			format = formatOrExt(format, cmd.Flags().Changed("format"), out, scheduleOutFormats)
			switch format {
			case schedule.FormatTable, schedule.FormatCSV, schedule.FormatJSON, schedule.FormatHTML:
			default:
				return usageErrorf("--format: want table, csv, json or html, got %q", format)
			}
			reqs, err := schedule.ReadPlan(plan, pool)
			if err != nil {
				return usageErrorf("%w", err)
			}
			// With the plan's interval: shift times off its grid are among the file's mistakes.
			st, err := schedule.LoadShifts(shifts, reqs[0].Step)
			if err != nil {
				return usageErrorf("--shifts: %w", err)
			}
			rep := &schedule.Report{Plan: plan, ShiftFile: shifts, Interval: forecast.FormatStep(reqs[0].Step)}
			for i, r := range reqs {
				name := strings.TrimSpace(r.Queue + " " + r.Channel)
				if name == "" {
					name = "the plan"
				}
				if len(r.Missing) > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "schedule: WARNING: %s: --plan has no row for %d of its %s intervals (first %s); they are scheduled as needing 0 agents\n", name, len(r.Missing), forecast.FormatStep(r.Step), r.Missing[0].Format("2006-01-02T15:04"))
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "schedule: %s (%d of %d): solving, at most %s...\n", name, i+1, len(reqs), timeLimit)
				t := time.Now()
				ctx, cancel := context.WithTimeout(cmd.Context(), timeLimit)
				res, err := schedule.Solve(ctx, r, st)
				cancel()
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "schedule: %s: %.1f paid hours, %s (%s)\n", name, res.PaidHours, res.Status(), time.Since(t).Round(time.Millisecond))
				rep.Results = append(rep.Results, res)
			}
			var buf bytes.Buffer
			if err := schedule.Write(&buf, format, rep); err != nil {
				return err
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			return atomicfile.WriteFile(out, buf.Bytes())
		},
	}
	f := cmd.Flags()
	f.StringVar(&plan, "plan", "", "staffing plan CSV from parley forecast --staffing --format csv (required)")
	f.StringVar(&shifts, "shifts", "", "shifts.yaml: allowed shift types and the break rule (required)")
	f.BoolVar(&pool, "pool", false, "schedule the plan's queues and channels together (agents who work them all)")
	f.StringVar(&format, "format", "table", "output: table, csv (coverage per interval), json or html (default with --out: the file's extension, .csv, .json or .html, else table)")
	f.StringVar(&out, "out", "", "write the output to this file instead of stdout (schedule.html is written as HTML unless --format says otherwise)")
	f.DurationVar(&timeLimit, "time-limit", time.Minute, "search each queue or channel for at most this long, then keep the best plan found and report how far from optimal it may be (an error if the limit ends before the first plan)")
	return cmd
}

// scheduleOutFormats are the formats an --out file's extension chooses
// when --format is not given.
var scheduleOutFormats = map[string]string{".csv": schedule.FormatCSV, ".json": schedule.FormatJSON, ".html": schedule.FormatHTML}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/staffing"
)

func newStaffingCmd() *cobra.Command {
	var (
		volume          float64
		interval, aht   string
		target, patient string
		format          string
		in              = staffing.Input{MaxOccupancy: 1, Concurrency: 1}
	)
	cmd := &cobra.Command{
		Use:   "staffing",
		Short: "Agents needed for one interval's volume and a service-level target (Erlang C / Erlang A)",
		Long: `Staffing answers: how many agents must be logged in during one interval so
that the target share of contacts is answered within the target time?

Without --patience it uses Erlang C (nobody hangs up): traffic A = volume x AHT
/ interval Erlangs, and the answer is the smallest whole number of agents whose
service level meets the target and whose occupancy stays under --max-occupancy.
With --patience (mean time a waiting customer waits before giving up) it solves
Erlang A exactly and also reports the abandonment probability.

--aht is the agent's working time per contact, in every command. For messaging,
--concurrency C treats each agent as C parallel slots: the agent's attention is
shared, so a conversation holds its slot for the slot time AHT x C; the output
gives both (see docs/forecasting.md).
agents_with_shrinkage = ceil(agents / (1 - shrinkage)) is what to schedule.

Durations take Go syntax (30m, 180s, 1h30m) or plain seconds. The target is
PERCENT/TIME: 80/20s means 80% answered within 20 seconds.

--volume 0 (a quiet interval) needs 0 agents; a negative volume is refused.

Example:
  parley staffing --volume 100 --interval 30m --aht 180s --target 80/20s \
      --max-occupancy 0.85 --shrinkage 0.3
  parley staffing --volume 400 --interval 1h --aht 12m --target 90/2m \
      --concurrency 3 --patience 10m --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			// 0 is a quiet interval (no agents needed), so "not given" is
			// told apart by the flag, not the value; Validate refuses < 0.
			if !cmd.Flags().Changed("volume") {
				return usageErrorf("--volume: required (contacts arriving in the interval, e.g. --volume 100; 0 for a quiet interval)")
			}
			in.Volume = volume
			if in.Interval, err = parseDurationFlag("interval", interval); err != nil {
				return err
			}
			if in.AHT, err = parseDurationFlag("aht", aht); err != nil {
				return err
			}
			if in.TargetLevel, in.TargetTime, err = parseTarget(target); err != nil {
				return err
			}
			if patient != "" {
				if in.Patience, err = parsePatience(patient); err != nil {
					return err
				}
			}
			if format != "table" && format != "json" {
				return usageErrorf("--format: want table or json, got %q", format)
			}
			if err := in.Validate(); err != nil {
				// One line, the problems separated by "; ".
				return usageErrorf("%s", strings.ReplaceAll(asFlags(err).Error(), "\n", "; "))
			}
			r, err := staffing.Required(in)
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			return writeStaffingTable(cmd.OutOrStdout(), in.AHT, r)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&volume, "volume", 0, "contacts arriving in the interval, >= 0 (required; 0 = a quiet interval, 0 agents)")
	f.StringVar(&interval, "interval", "30m", "length of the interval the volume arrives in")
	f.StringVar(&aht, "aht", "", "agent working time per contact, e.g. 180s (required; see --concurrency)")
	f.StringVar(&target, "target", "80/20s", "service-level target PERCENT/TIME; the default is the call-centre convention for voice, while parley forecast --staffing defaults to 80/60s (the default sla.webchat target, for chat)")
	f.Float64Var(&in.MaxOccupancy, "max-occupancy", 1, "highest allowed share of time agents are busy, in (0,1]")
	f.Float64Var(&in.Shrinkage, "shrinkage", 0, "share of paid time agents are unavailable, in [0,1)")
	f.IntVar(&in.Concurrency, "concurrency", 1, "conversations one agent handles at once")
	f.StringVar(&patient, "patience", "", "mean time before a waiting customer abandons (enables Erlang A)")
	f.StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

// parseDurationFlag reads a Go duration or a plain number of seconds.
func parseDurationFlag(flag, s string) (time.Duration, error) {
	if s == "" {
		return 0, usageErrorf("--%s: required", flag)
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, usageErrorf("--%s: %q is not a duration (e.g. 180s, 30m, 1h)", flag, s)
	}
	return d, nil
}

// parsePatience reads --patience, which must be positive when given: the
// package's zero value means "no abandonment", which "--patience 0" does not.
func parsePatience(s string) (time.Duration, error) {
	d, err := parseDurationFlag("patience", s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, usageErrorf("--patience: must be > 0 (omit it for no abandonment), got %q", s)
	}
	return d, nil
}

// parseTarget reads PERCENT/TIME, e.g. 80/20s or 80%/20s, into a fraction and a duration.
func parseTarget(s string) (float64, time.Duration, error) {
	pct, tm, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, usageErrorf("--target: %q is not PERCENT/TIME (e.g. 80/20s)", s)
	}
	p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(pct), "%"), 64)
	if err != nil {
		return 0, 0, usageErrorf("--target: %q: percent %q is not a number", s, pct)
	}
	if p <= 0 || p >= 100 {
		return 0, 0, usageErrorf("--target: %q: percent must be above 0 and below 100", s)
	}
	// Service-level goals below 1 % are not staffed for; 0.8 is someone
	// writing parley.yaml's fraction where the flag wants a percent.
	if p < 1 {
		return 0, 0, usageErrorf("--target: %q: %s %% is below 1 %%: the flag takes a percent (e.g. %s/%s for %s %%); parley.yaml's sla goal is a fraction, the flag is not", s, strings.TrimSpace(pct), strconv.FormatFloat(p*100, 'f', -1, 64), strings.TrimSpace(tm), strconv.FormatFloat(p*100, 'f', -1, 64))
	}
	d, err := parseDurationFlag("target", strings.TrimSpace(tm))
	if err != nil {
		return 0, 0, err
	}
	if d < 0 {
		return 0, 0, usageErrorf("--target: %q: time must be >= 0", s)
	}
	return p / 100, d, nil
}

func writeStaffingTable(w io.Writer, aht time.Duration, r staffing.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "traffic\t%.2f Erlangs\n", r.TrafficErlangs)
	fmt.Fprintf(tw, "handle time\t%.0f s working time, %.0f s slot time\n", aht.Seconds(), r.SlotTimeS)
	fmt.Fprintf(tw, "agents\t%d\n", r.Agents)
	fmt.Fprintf(tw, "agents with shrinkage\t%d\n", r.AgentsWithShrinkage)
	if r.TrafficErlangs == 0 {
		// Service level and the rest are ratios over contacts: with none
		// there is nothing to print but that nobody is needed.
		fmt.Fprintln(tw, "no contacts\tno agents needed; service level, speed of answer and occupancy do not apply")
		return tw.Flush()
	}
	fmt.Fprintf(tw, "service level\t%.1f%%\n", r.ServiceLevel*100)
	fmt.Fprintf(tw, "average speed of answer\t%.1f s\n", r.ASAS)
	fmt.Fprintf(tw, "occupancy\t%.1f%%\n", r.Occupancy*100)
	fmt.Fprintf(tw, "probability of waiting\t%.1f%%\n", r.ProbWait*100)
	if r.ProbAbandon != nil {
		fmt.Fprintf(tw, "probability of abandoning\t%.1f%%\n", *r.ProbAbandon*100)
	}
	return tw.Flush()
}

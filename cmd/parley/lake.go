package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/ingest"
)

func newLakeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lake",
		Short: "Inspect the Parquet lake",
		Long: `Tools for looking at a lake written by parley ingest and parley import,
without building a warehouse.`,
		Example: `  parley lake status --lake demo-out/lake`,
	}
	cmd.AddCommand(newLakeStatusCmd())
	return cmd
}

func newLakeStatusCmd() *cobra.Command {
	var root string
	cmd := &cobra.Command{
		Use:   "status --lake DIR",
		Short: "Show the lake's partitions, checkpoints, files, dead letters and gap records",
		Long: `Status reads the lake at DIR and prints, without a warehouse:

  events        rows, files and bytes in all, and per date partition
                (events/date=YYYY-MM-DD, the events' UTC dates)
  sources       events files per Kafka topic or import source
  checkpoints   per Kafka partition, the next offset ingest will read
                (every offset below it is in the lake) and when it moved
  dead letters  messages that broke the event contract, by reason
                (deadletter/; docs/events.md lists the reasons)
  gap records   Kafka offsets deleted before ingest read them (_gaps/;
                their messages are missing for good)
  temporary     files still being written, or left behind by a crash (_tmp-*)

A lake with no dead letters, no checkpoints (imports only) or no gap records
is a normal lake: those lines say "none".

Status reads a lake folder only. For a lake in object storage, build keeps
a local copy of its events, gap records and reviews, which status reads
(its checkpoints and dead letters stay in the bucket):
  parley build --lake s3://acme-lake/parley --cache lake-cache
  parley lake status --lake lake-cache`,
		Example: `  parley lake status --lake demo-out/lake
  parley lake status --lake /data/lake | grep -A20 'dead letters'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if root == "" {
				return usageErrorf("lake status: --lake is required (the folder holding events/)")
			}
			if err := folderOnly("lake status", root, "parley build --lake "+root+" --cache DIR copies its events and gap records to DIR, which lake status reads"); err != nil {
				return err
			}
			if err := lakeFolder(root); err != nil {
				return err
			}
			st, err := ingest.Status(cmd.Context(), root)
			if err != nil {
				return err
			}
			return printLakeStatus(cmd.OutOrStdout(), root, st)
		},
	}
	cmd.Flags().StringVar(&root, "lake", "", "lake folder written by parley ingest or import (required)")
	return cmd
}

func printLakeStatus(out io.Writer, root string, st ingest.LakeStatus) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "lake\t%s\n", root)
	rows, files, bytes := st.Events()
	if len(st.Partitions) == 0 {
		fmt.Fprintf(w, "events\tnone\n")
	} else {
		fmt.Fprintf(w, "events\t%d rows in %d files (%.1f MB), %d date partitions %s .. %s\n",
			rows, files, float64(bytes)/1e6, len(st.Partitions), st.Partitions[0].Date, st.Partitions[len(st.Partitions)-1].Date)
		for _, p := range st.Partitions {
			fmt.Fprintf(w, "  date=%s\t%d rows in %d files (%.1f MB)\n", p.Date, p.Rows, p.Files, float64(p.Bytes)/1e6)
		}
	}
	fmt.Fprintf(w, "sources\t%s\n", orNone(len(st.Sources), fmt.Sprintf("%d", len(st.Sources))))
	for _, src := range slices.Sorted(maps.Keys(st.Sources)) {
		fmt.Fprintf(w, "  %s\t%d files\n", src, st.Sources[src])
	}
	fmt.Fprintf(w, "checkpoints\t%s\n", orNone(len(st.Checkpoints), fmt.Sprintf("%d Kafka partitions", len(st.Checkpoints))))
	for _, c := range st.Checkpoints {
		epoch := ""
		if c.Epoch > 0 {
			epoch = fmt.Sprintf(" (epoch %d)", c.Epoch)
		}
		fmt.Fprintf(w, "  %s/%d\tnext offset %d%s, written %s\n", c.Topic, c.Partition, c.NextOffset, epoch, c.WrittenAt.UTC().Format(time.DateTime+" MST"))
	}
	var dead int64
	for _, n := range st.DeadLetters {
		dead += n
	}
	fmt.Fprintf(w, "dead letters\t%s\n", orNone(int(dead), fmt.Sprintf("%d in %d files, by reason:", dead, st.DeadLetterFiles)))
	for _, r := range st.Reasons() {
		fmt.Fprintf(w, "  %s\t%d\n", r, st.DeadLetters[r])
	}
	var lost int64
	for _, g := range st.Gaps {
		lost += g.Messages()
	}
	fmt.Fprintf(w, "gap records\t%s\n", orNone(len(st.Gaps), fmt.Sprintf("%d: %d Kafka offsets deleted before ingest read them", len(st.Gaps), lost)))
	for _, g := range st.Gaps {
		fmt.Fprintf(w, "  %s/%d\toffsets %d-%d (%d messages), epoch %d, detected %s\n", g.Topic, g.Partition, g.From, g.To, g.Messages(), g.Epoch, g.DetectedAt.UTC().Format(time.DateTime+" MST"))
	}
	fmt.Fprintf(w, "temporary\t%s\n", orNone(st.TempFiles, fmt.Sprintf("%d files being written or left by a crash (_tmp-*)", st.TempFiles)))
	fmt.Fprintf(w, "QA reviews\t%s\n", orNone(st.ReviewFiles, fmt.Sprintf("%d files (reviews/)", st.ReviewFiles)))
	if st.LastAudit == nil {
		fmt.Fprintf(w, "audit log\tnone\n")
	} else {
		fmt.Fprintf(w, "audit log\t%d entries, the last %s %s %s\n", st.Audit, st.LastAudit.Action, st.LastAudit.Status, st.LastAudit.Time.UTC().Format(time.DateTime+" MST"))
	}
	for _, e := range st.Interrupted {
		fmt.Fprintf(w, "  interrupted\t%s run %s started %s by %s has no end: run it again (the next erase or retention records it)\n", e.Action, e.Run, e.Time.UTC().Format(time.DateTime+" MST"), e.User)
	}
	return w.Flush()
}

// orNone is text, or "none" when there are n == 0 of the things it counts.
func orNone(n int, text string) string {
	if n == 0 {
		return "none"
	}
	return text
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/importers"
	"github.com/parley-cx/parley/ingest"
)

func newImportCmd() *cobra.Command {
	cfg := ingest.ImportConfig{}
	var format, mapping, configPath string
	var loc lakeFlags
	var verbose bool
	cmd := &cobra.Command{
		Use:   "import [--format jsonl|csv|twcs] [--mapping FILE.yaml] --lake DIR FILE... [-v]",
		Short: "Load history (JSON-lines events, a mapped CSV export, Twitter support data) into the Parquet lake",
		Long: `Import is the offline twin of "parley ingest", for backfills and for history
exported from another tool. Every row becomes one event of contract v1 and is
validated exactly as ingest validates Kafka messages; valid events go to
DIR/events/date=YYYY-MM-DD/<source>-<hash>-<firstLine>-<lastLine>.parquet,
rejected rows, with their line number, raw bytes and reason, to
DIR/deadletter/.

Formats (--format):
  jsonl  JSON lines in event contract v1, one event per line (the default).
  csv    any CSV export, one row per message or event, mapped by a YAML file
         given with --mapping: which column is the conversation id, the
         timestamp (format, time zone), the sender role (with value mapping,
         e.g. inbound True → customer), the text, the event type. Examples are
         in docs/mappings/, every key in docs/real-data.md.
  twcs   the "Customer Support on Twitter" data set: conversations are
         rebuilt from reply threads, company accounts are agents and each
         conversation's queue is the company that answered it.

The source name is the file's base name without extensions (stdin: "stdin");
<hash> is the first 16 hex digits of the input's SHA-256 (for jsonl what
sha256sum prints; for csv and twcs taken over the format and mapping too), so
two different inputs with the same name (day1/events.jsonl, day2/events.jsonl,
two imports from stdin) never replace each other's files. Each input appears
in the lake whole, after its last line is read, with a record of it in
DIR/_imports/<source>-<hash>.json. Importing an input the lake already holds
(same name, same bytes, same format and mapping) writes nothing and says so,
so repeating an import is harmless. A file that changed since (more lines
appended, say) is a new input: all of it is imported again, and parley build
keeps the first copy of each repeated event. csv and twcs derive event ids
from the source rows, so re-importing with another mapping gives the same ids
with other content, which parley build reports as duplicate_conflicts.

Rejected rows of an input that has valid ones go to DIR/deadletter/ and are
counted by reason; the import succeeds (exit 0). An input with NO valid
record is refused whole: nothing of it is written (no events, no dead
letters, no record, so importing it again fails again), the other inputs
are imported, and import exits 1 with an error counting the rejections and
naming the format the file looks like ("this looks like CSV: did you mean
--format csv (with --mapping) or --format twcs?"). If none of an input's
first 1000 records is valid and its first line looks like another format,
reading stops there.

Stdout is the summary: rows read, events, dead letters (by reason), files
and inputs already in the lake or refused. Stderr holds the warnings (an
input already imported, rejected rows sent to the dead-letter store) and
errors; -v also logs each input imported and the import's progress.

Example:
  parley import --lake lake/ exports/2026-03.jsonl
  zcat old.jsonl.gz | parley import --lake lake/ -
  parley import --lake lake/ --format csv --mapping docs/mappings/helpdesk.yaml helpdesk_event_log.csv
  parley import --lake lake/ --format twcs twcs.csv
  parley import --lake s3://acme-lake/parley --s3-endpoint http://127.0.0.1:9000 exports/2026-03.jsonl

With --lake s3://bucket/prefix the input's files are uploaded to a staging
prefix, committed by creating its record with If-None-Match: * (so two
imports of one input at once publish it once), then copied into place
(docs/ingest.md, "The lake on object storage").`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("import: give at least one FILE (or - for stdin)")
			}
			if err := loc.fillFrom(configPath); err != nil {
				return usageErrorf("import: --config: %w", err)
			}
			if cfg.Lake, cfg.S3 = loc.lake, loc.s3; cfg.Lake == "" {
				return usageErrorf("import: --lake is required")
			}
			if err := lakeTarget(cfg.Lake); err != nil {
				return err
			}
			switch format {
			case "jsonl", "twcs":
				if mapping != "" {
					return usageErrorf("import: --mapping is only for --format csv (got --format %s)", format)
				}
				if format == "twcs" {
					cfg.Format = importers.TWCS{}
				}
			case "csv":
				if mapping == "" {
					return usageErrorf("import: --format csv needs --mapping FILE.yaml (examples in docs/mappings/)")
				}
				m, err := importers.LoadMapping(mapping)
				if err != nil {
					return usageErrorf("import: --mapping: %w", err)
				}
				cfg.Format = m
			default:
				return usageErrorf("import: --format %q: want jsonl, csv or twcs", format)
			}
			for _, in := range args {
				if _, err := os.Stat(in); in != "-" && errors.Is(err, fs.ErrNotExist) {
					return usageErrorf("import: %s does not exist", in)
				}
			}
			cfg.Inputs = args
			cfg.Stdin = cmd.InOrStdin()
			cfg.Log = commandLog(cmd, verbose)
			if err := cfg.Validate(); err != nil {
				return usageErrorf("import: %w", asFlags(err))
			}
			st, err := ingest.Import(cmd.Context(), cfg)
			// A refused input ends the run with an error, after the other
			// inputs were imported: say what they gave.
			if nothing := (*ingest.NothingImportedError)(nil); err != nil && !errors.As(err, &nothing) {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s\n", st)
			for _, reason := range slices.Sorted(maps.Keys(st.Reasons)) {
				fmt.Fprintf(cmd.OutOrStdout(), "  dead letters, %s: %d\n", reason, st.Reasons[reason])
			}
			return err
		},
	}
	loc.addWithConfig(cmd.Flags(), &configPath)
	cmd.Flags().StringVar(&format, "format", "jsonl", "input layout: jsonl, csv (with --mapping) or twcs")
	cmd.Flags().StringVar(&mapping, "mapping", "", "YAML file mapping CSV columns to event fields (--format csv)")
	verboseFlag(cmd.Flags(), &verbose, "each input imported and the import's progress")
	return cmd
}

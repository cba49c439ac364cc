package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
)

func newSQLCmd() *cobra.Command {
	var dbPath, file, format, out string
	cmd := &cobra.Command{
		Use:   `sql --db FILE [--format table|csv|json] "SELECT ..." | -f query.sql`,
		Short: "Run a read-only SQL query on the warehouse",
		Long: `Sql opens the warehouse read-only and prints the result of one query, as an
aligned table (default), CSV or a JSON array of objects. With --out the result
is written to a file instead, as Parquet or CSV (--format parquet|csv).

The public tables and views (events, messages, episodes, conversations,
escalations, kpi_daily, agent_daily, duplicate_conflicts, warehouse_info) are documented in
docs/metrics.md. The warehouse cannot be changed through this command; any
other DuckDB client (duckdb CLI, Python, DBeaver) can open the same file.

Example:
  parley sql --db warehouse.duckdb "SELECT channel, count(*) FROM conversations GROUP BY 1"
  parley sql --db warehouse.duckdb --format csv -f weekly.sql > weekly.csv
  parley sql --db warehouse.duckdb --out frt.parquet --format parquet \
      "SELECT conversation_id, first_response_s FROM conversations"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dbPath == "" {
				return usageErrorf("sql: --db is required (the warehouse written by parley build)")
			}
			var query string
			switch {
			case file != "" && len(args) > 0:
				return usageErrorf("sql: give the query as an argument or with -f, not both")
			case file != "":
				b, err := os.ReadFile(file)
				if err != nil {
					return usageErrorf("sql: -f: %w", err)
				}
				query = string(b)
			case len(args) == 1:
				query = args[0]
			}
			if strings.TrimSpace(query) == "" {
				return usageErrorf(`sql: no query (give one as an argument, e.g. "SELECT * FROM warehouse_info", or with -f FILE)`)
			}
			f := metrics.Format(format)
			if out == "" && f != metrics.FormatTable && f != metrics.FormatCSV && f != metrics.FormatJSON {
				return usageErrorf("sql: --format %q: want table, csv or json (or parquet|csv with --out)", format)
			}
			if out != "" && f != metrics.FormatParquet && f != metrics.FormatCSV {
				return usageErrorf("sql: --format %q cannot be written with --out: want parquet or csv", format)
			}
			db, err := warehouse.Open(dbPath, true)
			if err != nil {
				if errors.Is(err, warehouse.ErrNoWarehouse) {
					return usageErrorf("sql: --db %s: %w", dbPath, warehouse.ErrNoWarehouse)
				}
				return fmt.Errorf("sql: %w", err)
			}
			defer db.Close()
			if out != "" {
				if err := metrics.QueryToFile(cmd.Context(), db, query, f, out); err != nil {
					return fmt.Errorf("sql: %w", err)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", out)
				return nil
			}
			if err := metrics.Query(cmd.Context(), db, query, f, cmd.OutOrStdout()); err != nil {
				return fmt.Errorf("sql: %w", err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dbPath, "db", "", "warehouse file written by parley build (required)")
	fl.StringVarP(&file, "file", "f", "", "read the query from this file")
	fl.StringVar(&format, "format", "table", "output format: table, csv or json; with --out: parquet or csv")
	fl.StringVar(&out, "out", "", "write the result to this file instead of printing it")
	return cmd
}

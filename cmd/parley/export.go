package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
)

func newExportCmd() *cobra.Command {
	var dbPath, outDir string
	cmd := &cobra.Command{
		Use:   "export --db FILE --out DIR",
		Short: "Write every public warehouse table and view as Parquet",
		Long: `Export opens the warehouse read-only and writes each public table and view
(events, messages, episodes, conversations, escalations, kpi_daily,
agent_daily, duplicate_conflicts, warehouse_info) to DIR/<name>.parquet, zstd-compressed, for
Spark, Trino, pandas or any Parquet reader. Columns are documented in
docs/metrics.md. Existing files of the same name are replaced.

Example:
  parley export --db warehouse.duckdb --out export/
  python -c "import pandas; print(pandas.read_parquet('export/conversations.parquet').head())"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErrorf("export: --db is required (the warehouse written by parley build)")
			}
			if outDir == "" {
				return usageErrorf("export: --out is required (the folder to write the Parquet files to)")
			}
			db, err := warehouse.Open(dbPath, true)
			if err != nil {
				if errors.Is(err, warehouse.ErrNoWarehouse) {
					return usageErrorf("export: --db %s: %w", dbPath, warehouse.ErrNoWarehouse)
				}
				return fmt.Errorf("export: %w", err)
			}
			defer db.Close()
			paths, err := metrics.Export(cmd.Context(), db, outDir)
			for _, p := range paths {
				fmt.Fprintln(cmd.ErrOrStderr(), "wrote", p)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "warehouse file written by parley build (required)")
	cmd.Flags().StringVar(&outDir, "out", "", "folder to write <name>.parquet files to (required)")
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"os"

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
` + publicObjects() + `
to DIR/<name>.parquet, zstd-compressed, for Spark, Trino, pandas or any
Parquet reader. Columns are documented in
docs/metrics.md. Existing files of the same name are replaced.

Export takes no SQL, and opens the warehouse in the same sandbox as
parley sql (docs/operations.md): the views a warehouse file defines run with
external access off, so a warehouse from elsewhere cannot read your files
into the export. DuckDB writes each file into a private scratch folder
inside DIR (_tmp-parley-*), the only place it may write, and parley renames
it into DIR when it is complete; the scratch folder is removed at the end.

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
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			db, err := warehouse.OpenSandbox(dbPath, warehouse.Sandbox{WriteIn: outDir})
			if err != nil {
				if errors.Is(err, warehouse.ErrNoWarehouse) {
					return usageErrorf("export: --db %s: %w", dbPath, warehouse.ErrNoWarehouse)
				}
				return fmt.Errorf("export: %w", err)
			}
			paths, err := metrics.Export(cmd.Context(), db, outDir)
			for _, p := range paths {
				fmt.Fprintln(cmd.ErrOrStderr(), "wrote", p)
			}
			return errors.Join(err, db.Close())
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "warehouse file written by parley build (required)")
	cmd.Flags().StringVar(&outDir, "out", "", "folder to write <name>.parquet files to (required)")
	return cmd
}

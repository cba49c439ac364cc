package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/query"
)

func newExportCmd() *cobra.Command {
	var dbPath, outDir string
	var s3 objstore.Options
	cmd := &cobra.Command{
		Use:   "export --db FILE --out DIR|s3://BUCKET/PREFIX",
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

--out s3://bucket/prefix writes the files to a local scratch folder first
and uploads each to <prefix>/<name>.parquet in the bucket (credentials and
--s3-* flags as for --lake, see parley ingest --help).

Example:
  parley export --db warehouse.duckdb --out export/
  parley export --db warehouse.duckdb --out s3://acme-analytics/parley/2026-03
  python -c "import pandas; print(pandas.read_parquet('export/conversations.parquet').head())"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErrorf("export: --db is required (the warehouse written by parley build)")
			}
			if outDir == "" {
				return usageErrorf("export: --out is required (the folder to write the Parquet files to)")
			}
			if err := needWarehouse(dbPath); err != nil { // before --out is created
				return err
			}
			var bucket *objstore.Bucket
			if objstore.IsURL(outDir) {
				b, err := objstore.Open(cmd.Context(), outDir, s3)
				if err != nil {
					return usageErrorf("export: --out %s: %w", outDir, err)
				}
				scratch, err := os.MkdirTemp("", "parley-export-")
				if err != nil {
					return fmt.Errorf("export: %w", err)
				}
				defer os.RemoveAll(scratch)
				bucket, outDir = b, scratch
			}
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			db, err := warehouse.OpenSandbox(dbPath, warehouse.Sandbox{WriteIn: outDir})
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			paths, err := query.Export(cmd.Context(), db, outDir)
			if err = errors.Join(err, db.Close()); bucket == nil || err != nil {
				for _, p := range paths {
					fmt.Fprintln(cmd.ErrOrStderr(), "wrote", p)
				}
				return err
			}
			for _, p := range paths {
				name := filepath.Base(p)
				if _, err := bucket.PutFile(cmd.Context(), name, p, objstore.Condition{}); err != nil {
					return fmt.Errorf("export: upload %s: %w", name, err)
				}
				fmt.Fprintln(cmd.ErrOrStderr(), "wrote", bucket.URL()+"/"+name)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "warehouse file written by parley build (required)")
	cmd.Flags().StringVar(&outDir, "out", "", "folder, or s3://bucket/prefix, to write <name>.parquet files to (required)")
	addS3Flags(cmd.Flags(), &s3)
	return cmd
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/version"
	"github.com/parley-cx/parley/internal/warehouse"
)

// versionText is what `parley version` and `parley --version` print: the
// module version and VCS revision from the binary's build info, the DuckDB
// linked in and the Go toolchain. Lake files (Parquet created_by) and
// warehouse_info record the same.
func versionText() string {
	v := version.Get()
	rev := v.Revision
	if rev == "" {
		rev = "unknown (built without VCS information, e.g. outside a git checkout or with -buildvcs=false)"
	}
	return fmt.Sprintf("parley %s\n  revision %s\n  duckdb   %s\n  go       %s\n", v.Module, rev, warehouse.DuckDBVersion(), v.Go)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print parley's version, VCS revision and DuckDB version",
		Long: `version prints the module version of this parley binary (v1.2.3 when
installed with "go install github.com/parley-cx/parley/cmd/parley@v1.2.3", a
pseudo-version built from the commit in a git checkout, or "(devel)"), the
VCS revision it was built from ("-modified" if the tree had uncommitted
changes), the DuckDB version linked in and the Go version. The same is
recorded in every lake file (Parquet created_by) and in the warehouse
(warehouse_info.parley_version, parley_revision, duckdb_version).`,
		Example: `  parley version
  parley --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), versionText())
			return err
		},
	}
}

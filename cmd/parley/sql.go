package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/marcboeker/go-duckdb/v2"
	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
	"github.com/parley-cx/parley/query"
)

// publicObjects lists the warehouse's public tables and views for --help,
// wrapped in lines of about 72 characters, so help never names fewer than
// the warehouse has.
func publicObjects() string {
	var b strings.Builder
	line := 0
	for i, name := range metrics.PublicObjects {
		word := name
		if i < len(metrics.PublicObjects)-1 {
			word += ","
		}
		if line > 0 && line+1+len(word) > 72 {
			b.WriteString("\n")
			line = 0
		} else if line > 0 {
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return "(" + b.String() + ")"
}

func newSQLCmd() *cobra.Command {
	var dbPath, file, format, out string
	var allowRead, params []string
	cmd := &cobra.Command{
		Use:   `sql --db FILE [--format table|csv|json] [--allow-read DIR] "SELECT ..." | -f script.sql`,
		Short: "Run read-only SQL queries on the warehouse, in a sandbox",
		Long: `Sql opens the warehouse in a sandbox and prints the result of one query, as
an aligned table (default), CSV or a JSON array of objects. With --out the
result is written to a file instead, as Parquet or CSV: the file's extension
(.parquet, .csv) says which, or --format parquet|csv for another name.

The public tables and views
` + publicObjects() + `
are documented in docs/metrics.md. Any other DuckDB client (duckdb CLI, Python, DBeaver) can
open the same file.

The sandbox: only queries run (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW,
SUMMARIZE). Everything else is refused before it runs: INSERT/UPDATE/DELETE,
CREATE (even TEMP), COPY, EXPORT DATABASE, ATTACH, SET, PRAGMA (use the table
functions: SELECT * FROM pragma_table_info('events')), INSTALL, LOAD, CALL,
EXPLAIN; so are table functions that do more than read
(enable_logging, checkpoint, query('...'), ...: docs/operations.md lists the
allowed ones). One statement per call; a second one
("SELECT 1; COPY ...") is refused, unless -f gives a script, whose every
statement must be a query and is checked before the first runs; the results
are printed one after another. No file, folder or URL can be read
(read_text('/etc/passwd'), glob('/etc/*'), 'https://...') unless it lies in a
folder given with --allow-read; no extension is installed or loaded; and the
configuration is locked, so no statement can undo any of it.

--param NAME=VALUE binds the query's named parameter $NAME to VALUE, a
string the query casts as it needs (CAST($from AS DATE)): the way to run the
dashboards' own queries in sql/dashboards/ for a period and a slice (--param queue=
for any queue; docs/dashboards.md).
A parameter the query uses without a --param is an error.

--allow-read DIR lets queries read the files in DIR and below it
(read_csv, read_parquet, read_json, glob), named by absolute path or by the
path as given (--allow-read data: 'data/x.csv'). Nothing can be written there.
A path that leaves DIR ('DIR/../x') is refused, and so is a DIR holding a
link that leads out of it. Repeat the flag for several folders.

CSV output is spreadsheet-safe: a text cell starting with =, +, -, @, tab,
carriage return or ' gets a leading ' (docs/qa.md, "Spreadsheet safety");
numeric columns are written as they are.

The table escapes control characters in the data (ESC, newlines, tabs: \x1b,
\n, \t), so a value cannot drive the terminal or break a row. CSV and JSON
keep every value as it is: send the CSV of untrusted data to a file or a
program rather than to a terminal.

Example:
  parley sql --db warehouse.duckdb "SELECT channel, count(*) FROM conversations GROUP BY 1"
  parley sql --db warehouse.duckdb --format csv -f weekly.sql > weekly.csv
  parley sql --db warehouse.duckdb -f - < weekly.sql
  parley sql --db warehouse.duckdb -f sql/dashboards/overview_kpis.sql \
      --param from=2026-03-01 --param to=2026-03-31 \
      --param queue= --param channel=whatsapp --param market= --param reason=
  parley sql --db warehouse.duckdb --out frt.parquet \
      "SELECT conversation_id, first_response_s FROM conversations"
  parley sql --db warehouse.duckdb --allow-read targets/ \
      "SELECT channel, k.frt_median_s, t.target_s FROM kpi_daily k JOIN read_csv('targets/frt.csv') t USING (channel)"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dbPath == "" {
				return usageErrorf("sql: --db is required (the warehouse written by parley build)")
			}
			var text string
			switch {
			case file != "" && len(args) > 0:
				return usageErrorf("sql: give the query as an argument or with -f, not both")
			case file == "-":
				b, err := io.ReadAll(cmd.InOrStdin())
				if err != nil {
					return usageErrorf("sql: -f -: read standard input: %w", err)
				}
				text = string(b)
			case file != "":
				b, err := os.ReadFile(file)
				if err != nil {
					return usageErrorf("sql: -f: %w", err)
				}
				text = string(b)
			case len(args) == 1:
				text = args[0]
			}
			if strings.TrimSpace(text) == "" {
				return usageErrorf(`sql: no query (give one as an argument, e.g. "SELECT * FROM warehouse_info", or with -f FILE)`)
			}
			f := query.Format(format)
			if out != "" {
				var err error
				if f, err = outFormat(out, format, cmd.Flags().Changed("format")); err != nil {
					return err
				}
			} else if f != query.FormatTable && f != query.FormatCSV && f != query.FormatJSON {
				return usageErrorf("sql: --format %q: want table, csv or json (or parquet|csv with --out)", format)
			}
			var bind []any
			for _, p := range params {
				name, value, ok := strings.Cut(p, "=")
				if !ok || name == "" {
					return usageErrorf("sql: --param %q: want NAME=VALUE, e.g. --param from=2026-03-01", p)
				}
				bind = append(bind, sql.Named(name, value))
			}
			stmts, err := warehouse.SplitStatements(text)
			if err != nil {
				return fmt.Errorf("sql: %w", err)
			}
			if len(stmts) > 1 && file == "" {
				return usageErrorf("sql: the query holds %d statements; parley sql runs one statement per call (put a script of queries in a file and give it with -f)", len(stmts))
			}
			if len(stmts) > 1 && out != "" {
				return usageErrorf("sql: --out writes one result, and the script holds %d statements", len(stmts))
			}
			sb := warehouse.Sandbox{AllowRead: allowRead}
			if out != "" && f == query.FormatParquet {
				sb.WriteIn = filepath.Dir(out) // DuckDB writes the file there, in a private scratch folder
			}
			db, err := warehouse.OpenSandbox(dbPath, sb)
			switch {
			case errors.Is(err, warehouse.ErrReadFolder):
				return usageErrorf("sql: --allow-read: %w", err)
			case err != nil:
				return fmt.Errorf("sql: %w", err)
			}
			defer db.Close()
			// The whole script is checked before its first statement runs.
			for i, s := range stmts {
				if err := db.CheckQuery(cmd.Context(), s, bind...); err != nil {
					if errors.Is(err, warehouse.ErrMissingParam) {
						return usageErrorf("sql: %s%w (give each with --param NAME=VALUE)", statementLabel(i, len(stmts)), err)
					}
					return fmt.Errorf("sql: %s%w", statementLabel(i, len(stmts)), readRefused(err))
				}
			}
			if out != "" {
				if err := query.WriteFile(cmd.Context(), db, stmts[0], f, out, bind...); err != nil {
					return fmt.Errorf("sql: %w", readRefused(err))
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", out)
				return nil
			}
			w := cmd.OutOrStdout()
			for i, s := range stmts {
				if i > 0 && f != query.FormatJSON { // JSON: one array per statement, a stream jq reads
					fmt.Fprintln(w)
				}
				if err := query.Write(cmd.Context(), db, s, f, w, bind...); err != nil {
					return fmt.Errorf("sql: %s%w", statementLabel(i, len(stmts)), readRefused(err))
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dbPath, "db", "", "warehouse file written by parley build (required)")
	fl.StringVarP(&file, "file", "f", "", "read the query, or a script of queries, from this file (- for standard input)")
	fl.StringVar(&format, "format", "table", "output format: table, csv or json; with --out: parquet or csv (default: the --out file's extension)")
	fl.StringVar(&out, "out", "", "write the result to this file instead of printing it")
	fl.StringArrayVar(&params, "param", nil, "bind the query's parameter $NAME, as NAME=VALUE, e.g. --param from=2026-03-01 (repeatable)")
	fl.StringArrayVar(&allowRead, "allow-read", nil, "let queries read the files in this folder, e.g. --allow-read targets/ (repeatable; read-only)")
	return cmd
}

// outFormats are the formats --out writes, by the file extension that
// names each.
var outFormats = map[string]query.Format{".parquet": query.FormatParquet, ".csv": query.FormatCSV}

// outFormat is the format of the --out file: --format if given, else the
// one its extension names. A given --format must agree with an extension
// that names a format.
func outFormat(out, format string, given bool) (query.Format, error) {
	named, known := extFormat(out, outFormats)
	ext := strings.ToLower(filepath.Ext(out))
	f := query.Format(format)
	switch {
	case !given && !known:
		return "", usageErrorf("sql: --out %s: cannot tell the format from the extension %q: name the file .parquet or .csv, or give --format parquet|csv", out, ext)
	case !given:
		return named, nil
	case f != query.FormatParquet && f != query.FormatCSV:
		return "", usageErrorf("sql: --format %q cannot be written with --out: want parquet or csv", format)
	case known && f != named:
		return "", usageErrorf("sql: --format %s contradicts --out %s, a %s file: give one or the other", format, out, named)
	}
	return f, nil
}

// readRefusedHint follows a Permission Error of the sandbox.
const readRefusedHint = "reading files is off in parley sql's sandbox outside the folders given with --allow-read: give --allow-read DIR for the folder of the file"

// readRefused adds the way out to DuckDB's refusal to open a file in the
// sandbox ("Permission Error: Cannot access file … file system operations
// are disabled by configuration"), which does not name the flag that allows it.
func readRefused(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypePermission {
		return fmt.Errorf("%w\n%s", err, readRefusedHint)
	}
	return err
}

// statementLabel names statement i of a script in an error, and nothing for a single statement.
func statementLabel(i, n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf("statement %d of %d: ", i+1, n)
}

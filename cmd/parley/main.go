// Command parley is the single binary of Parley: every stage of the pipeline is a subcommand.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/termsafe"

	_ "time/tzdata" // time zones work on machines without /usr/share/zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, errorLine(err))
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errorLine is how main prints a command's error. Errors quote values from
// the data (queue names, file names): their control characters are
// escaped, keeping the lines of a list of problems.
func errorLine(err error) string { return "parley: " + termsafe.Lines(err.Error()) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "parley",
		Short: "Conversation analytics and QA for customer-messaging support teams",
		Long: `Parley turns a stream of conversation events into trustworthy KPIs,
dashboards, QA review samples and staffing forecasts, on one machine.

Data flows one way:
  Kafka topic --(ingest)--> Parquet lake --(build)--> DuckDB warehouse
  warehouse --(report)--> HTML dashboards
  warehouse --(qa sample)--> redacted review packets
  warehouse --(forecast, staffing)--> agents needed per interval

Start with "parley demo": it runs the whole pipeline on generated data
with an embedded Kafka broker and needs nothing else.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionText(),
	}
	root.SetVersionTemplate("{{.Version}}")
	root.AddCommand(
		newDemoCmd(),
		newGenerateCmd(),
		newIngestCmd(),
		newImportCmd(),
		newCompactCmd(),
		newLakeCmd(),
		newEraseCmd(),
		newRetentionCmd(),
		newBuildCmd(),
		newSQLCmd(),
		newExportCmd(),
		newVerifyCmd(),
		newReportCmd(),
		newQACmd(),
		newForecastCmd(),
		newStaffingCmd(),
		newScheduleCmd(),
		newRunCmd(),
		newServeCmd(),
		newVersionCmd(),
	)
	teachUsage(root)
	return root
}

// usageError marks errors caused by how the command was called; main exits 2 on them.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// parseDateFlag parses an optional YYYY-MM-DD flag value; "" is the zero
// time. Its error names the flag; callErrors adds the command.
func parseDateFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, usageErrorf("--%s: %q is not a date like 2026-03-31", name, v)
	}
	return t, nil
}

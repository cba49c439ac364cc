package verify

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/marcboeker/go-duckdb/v2"

	"github.com/parley-cx/parley/metrics/spec"
)

// WriteSummary prints what was verified and the agreement of every column (with agreeing
// false, of the disagreeing columns only), the disagreeing ones marked with ✗.
func (r *Report) WriteSummary(w io.Writer, agreeing bool) error {
	scope := fmt.Sprintf("a sample of %d of %d conversations", r.Verified, r.LakeConversations)
	if r.All {
		scope = fmt.Sprintf("all %d conversations", r.Verified)
	}
	fmt.Fprintf(w, "verified %s (%d lake rows, duplicates included) against the specification\n\n", scope, r.LakeRows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  \ttable.column\tagree\tof rows\tsmallest disagreeing conversation\t")
	bad := 0
	for _, c := range r.Columns {
		mark := " "
		if c.Agreed != c.Compared {
			mark = "✗"
			bad++
		} else if !agreeing {
			continue
		}
		fmt.Fprintf(tw, "%s \t%s.%s\t%d\t%d\t%s\t\n", mark, c.Table, c.Column, c.Agreed, c.Compared, c.Example)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range r.Unverified {
		fmt.Fprintf(w, "not verified: %s (the specification does not compute it)\n", c)
	}
	if n := len(r.OnlyInWarehouse); n > 0 {
		fmt.Fprintf(w, "✗ %d conversations are in the warehouse but not in the lake, e.g. %s\n", n, r.OnlyInWarehouse[0])
	}
	if r.OK() {
		_, err := fmt.Fprintf(w, "\nall %d columns agree on every row\n", len(r.Columns))
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d of %d columns disagree, in %d of %d conversations\n", bad, len(r.Columns), r.Disagreeing, r.Verified)
	return err
}

// WriteMismatches prints the detailed disagreements.
func (r *Report) WriteMismatches(w io.Writer) error {
	for _, m := range r.Mismatches {
		if err := m.Write(w); err != nil {
			return err
		}
	}
	if more := r.Disagreeing - len(r.Mismatches); more > 0 {
		_, err := fmt.Fprintf(w, "... and %d more disagreeing conversations\n", more)
		return err
	}
	return nil
}

// Write prints one disagreeing conversation: its events as the specification orders them, then
// every differing row column by column, warehouse beside specification, differences marked ✗.
func (m Mismatch) Write(w io.Writer) error {
	fmt.Fprintf(w, "\n=== conversation %s disagrees\n", m.ConversationID)
	fmt.Fprintln(w, "events, as the specification keeps and orders them:")
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "  seq\tep\toccurred_at\ttype\tactor\tchannel\tqueue\tto\tevent_id\tmessage / csat\t")
	for _, e := range m.Events {
		fmt.Fprintf(tw, "  %d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Seq, e.Episode, e.OccurredAt.Format("2006-01-02 15:04:05.000000"),
			e.Type, joinOpt(e.ActorRole, e.ActorID), str(e.Channel), str(e.Queue), joinOpt(e.ToRole, e.ToID, e.ToQueue),
			e.EventID, eventBody(e))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range m.Rows {
		switch d.Missing {
		case "warehouse":
			fmt.Fprintf(w, "%s row %s: only the specification has it\n", d.Table, d.Key)
		case "spec":
			fmt.Fprintf(w, "%s row %s: only the warehouse has it\n", d.Table, d.Key)
		default:
			fmt.Fprintf(w, "%s row %s:\n", d.Table, d.Key)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  \tcolumn\twarehouse\tspecification\t")
		for _, c := range d.Cells {
			mark := " "
			if c.Differs && d.Missing == "" {
				mark = "✗"
			}
			fmt.Fprintf(tw, "%s \t%s\t%s\t%s\t\n", mark, c.Column, FormatValue(c.Warehouse), FormatValue(c.Spec))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// FormatValue prints a column value: NULL, quoted text, numbers in full, times to the microsecond.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.000000")
	case map[string]string:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, strconv.Quote(k)+":"+strconv.Quote(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case duckdb.Map:
		m := map[string]string{}
		for k, v := range x {
			m[fmt.Sprint(k)] = fmt.Sprint(v)
		}
		return FormatValue(m)
	default:
		return fmt.Sprint(x)
	}
}

func str(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

// joinOpt joins the present parts of an actor or a target with ':'.
func joinOpt(parts ...*string) string {
	var out []string
	for _, p := range parts {
		out = append(out, str(p))
	}
	s := strings.Join(out, ":")
	if strings.Trim(s, "-:") == "" {
		return "-"
	}
	return s
}

// eventBody is a message's flags and text (cut to 60 characters), or a CSAT score.
func eventBody(e spec.EventRow) string {
	if e.CSATScore != nil {
		return fmt.Sprintf("csat %d", *e.CSATScore)
	}
	if e.MessageText == nil {
		return ""
	}
	var flags []string
	if e.MessagePrivate != nil && *e.MessagePrivate {
		flags = append(flags, "private")
	}
	if e.MessageAutomated != nil && *e.MessageAutomated {
		flags = append(flags, "automated")
	}
	text := []rune(*e.MessageText)
	if len(text) > 60 {
		text = append(text[:57], '…')
	}
	prefix := ""
	if len(flags) > 0 {
		prefix = "[" + strings.Join(flags, ",") + "] "
	}
	return prefix + strconv.Quote(string(text))
}

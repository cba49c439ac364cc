package metrics_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/buildtest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/warehouse"
)

// update rewrites the expectations of testdata/metrics/*.test that no
// longer match, after a deliberate change to a metric: go test ./metrics/
// -run TestMetricFiles -update, then read the diff.
var update = flag.Bool("update", false, "rewrite the expected values of testdata/metrics/*.test that differ from the warehouse's")

// TestMetricFiles runs the metric tests written as data: one file per metric
// area in testdata/metrics/*.test, each building a warehouse from a fixture
// and holding queries with the rows they must return, side by side. The
// format is documented in testdata/metrics/README.md.
func TestMetricFiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "metrics", "*.test"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no testdata/metrics/*.test files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".test"), func(t *testing.T) {
			runMetricFile(t, path)
		})
	}
}

// metricFile is one parsed .test file: its lines, kept for -update, and its directives.
type metricFile struct {
	path  string
	lines []string
	steps []step
	// fixtures are the file's own events, by name: a fixture block's JSON
	// lines, which an events directive names instead of a .jsonl file.
	fixtures map[string][]event.Event
}

// step is an events directive (build a warehouse) or a query case.
type step struct {
	line int // 1-based line of the directive
	// events directive
	events, config string
	until          time.Time // if set, the lake as it stood then (see tick)
	// query case
	name, sql string
	rows      []wantRow
	// blockStart, blockEnd delimit the expected lines (0-based, end exclusive)
	blockStart, blockEnd int
}

// wantRow is one expected row: the columns it asserts, in file order.
type wantRow []wantCell

type wantCell struct {
	line    int // 0-based index into metricFile.lines
	column  string
	expr    string
	comment string // a trailing "# ..." kept by -update
}

var directiveRE = regexp.MustCompile(`^(fixture|events|query)\s+(.*)$`)

func parseMetricFile(t *testing.T, path string) *metricFile {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mf := &metricFile{path: path, lines: strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n"), fixtures: map[string][]event.Event{}}
	fail := func(i int, format string, args ...any) {
		t.Fatalf("%s:%d: %s", filepath.Base(path), i+1, fmt.Sprintf(format, args...))
	}
	for i := 0; i < len(mf.lines); i++ {
		l := strings.TrimSpace(mf.lines[i])
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m := directiveRE.FindStringSubmatch(l)
		if m == nil {
			fail(i, "want a fixture, events or query directive, got %q", l)
		}
		s := step{line: i + 1}
		switch m[1] {
		case "fixture":
			// The events, one JSON object per line, up to a blank line.
			name := m[2]
			if _, dup := mf.fixtures[name]; dup {
				fail(i, "fixture %q defined twice", name)
			}
			var evs []event.Event
			for i++; i < len(mf.lines) && strings.TrimSpace(mf.lines[i]) != ""; i++ {
				ev, err := event.Decode([]byte(mf.lines[i]))
				if err != nil {
					fail(i, "fixture %s: %v", name, err)
				}
				evs = append(evs, ev)
			}
			mf.fixtures[name] = evs
			continue
		case "events":
			fields := strings.Fields(m[2])
			s.events = fields[0]
			for _, f := range fields[1:] {
				opt, v, _ := strings.Cut(f, "=")
				switch opt {
				case "config":
					s.config = v
				case "until":
					var err error
					if s.until, err = time.Parse(time.RFC3339, v); err != nil {
						fail(i, "events: until: %v", err)
					}
				default:
					fail(i, "events: unknown option %q (want config=FILE or until=TIMESTAMP)", f)
				}
			}
		case "query":
			s.name = m[2]
			var sql []string
			for i++; i < len(mf.lines) && strings.TrimSpace(mf.lines[i]) != "----"; i++ {
				sql = append(sql, mf.lines[i])
			}
			if i == len(mf.lines) {
				fail(s.line-1, "query %q: no ---- line ends its SQL", s.name)
			}
			s.sql = strings.Join(sql, "\n")
			s.blockStart = i + 1
			var cur wantRow
			for i++; i < len(mf.lines) && !directiveRE.MatchString(strings.TrimSpace(mf.lines[i])); i++ {
				l := strings.TrimSpace(mf.lines[i])
				switch {
				case l == "":
					if len(cur) > 0 {
						s.rows = append(s.rows, cur)
					}
					cur = nil
				case strings.HasPrefix(l, "#"):
				default:
					col, rest, ok := strings.Cut(l, "=")
					if !ok {
						fail(i, "want column = value, got %q", l)
					}
					expr, comment := cutComment(rest)
					cur = append(cur, wantCell{line: i, column: strings.TrimSpace(col), expr: strings.TrimSpace(expr), comment: comment})
				}
			}
			if len(cur) > 0 {
				s.rows = append(s.rows, cur)
			}
			s.blockEnd = i
			i-- // the loop's i++ lands on the next directive
		}
		mf.steps = append(mf.steps, s)
	}
	return mf
}

// cutComment splits a value from a trailing "# comment" outside quotes.
func cutComment(s string) (value, comment string) {
	inString := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inString {
				i++
			}
		case '"':
			inString = !inString
		case '#':
			if !inString {
				return s[:i], strings.TrimSpace(s[i:])
			}
		}
	}
	return s, ""
}

func runMetricFile(t *testing.T, path string) {
	mf := parseMetricFile(t, path)
	var db *warehouse.DB
	changed := false
	for _, s := range mf.steps {
		if s.events != "" {
			settings := config.Default()
			if s.config != "" {
				settings = loadConfig(t, s.config)
			}
			evs, inline := mf.fixtures[s.events]
			if !inline {
				evs = readFixture(t, s.events)
			}
			if !s.until.IsZero() {
				evs = asOf(evs, s.until)
			}
			db = build(t, evs, settings)
			continue
		}
		if db == nil {
			t.Fatalf("%s:%d: query %q before any events directive", filepath.Base(path), s.line, s.name)
		}
		t.Run(s.name, func(t *testing.T) {
			cols, got := buildtest.Rows(t, db.DB, s.sql)
			if runCase(t, mf, s, cols, got) {
				changed = true
			}
		})
	}
	if changed {
		if err := os.WriteFile(path, []byte(strings.Join(mf.lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: expectations rewritten (-update)", path)
	}
}

// runCase compares the rows of one query with the expected ones and
// reports each difference, or with -update rewrites them in mf.lines and
// reports whether it did.
func runCase(t *testing.T, mf *metricFile, s step, cols []string, got [][]any) (rewrote bool) {
	t.Helper()
	where := func(line int) string { return fmt.Sprintf("%s:%d", filepath.Base(mf.path), line+1) }
	if len(got) != len(s.rows) {
		if *update {
			rewriteBlock(mf, s, cols, got)
			return true
		}
		t.Fatalf("%s: %s: %d rows, want %d", where(s.line-1), s.name, len(got), len(s.rows))
	}
	for r, want := range s.rows {
		vals := map[string]any{}
		for i, c := range cols {
			vals[c] = got[r][i]
		}
		env := map[string]value{}
		for _, cell := range want {
			g, ok := vals[cell.column]
			if !ok {
				t.Errorf("%s: %s: no column %s", where(cell.line), s.name, cell.column)
				continue
			}
			w, err := evalValue(cell.expr, env)
			if err != nil {
				t.Errorf("%s: %s: %s = %s: %v", where(cell.line), s.name, cell.column, cell.expr, err)
				continue
			}
			env[cell.column] = w
			if w.matches(g) {
				continue
			}
			if *update {
				mf.lines[cell.line] = cell.column + " = " + render(g, w.kind == kindDate)
				if cell.comment != "" {
					mf.lines[cell.line] += "  " + cell.comment
				}
				rewrote = true
				continue
			}
			t.Errorf("%s: %s: row %d: %s = %s, want %s", where(cell.line), s.name, r+1, cell.column, render(g, false), cell.expr)
		}
	}
	return rewrote
}

// rewriteBlock replaces the expected rows of s with got, asserting the
// columns the first expected row named, or every column.
func rewriteBlock(mf *metricFile, s step, cols []string, got [][]any) {
	asserted := cols
	if len(s.rows) > 0 {
		asserted = nil
		for _, c := range s.rows[0] {
			asserted = append(asserted, c.column)
		}
	}
	var block []string
	for r, row := range got {
		if r > 0 {
			block = append(block, "")
		}
		for _, c := range asserted {
			for i, name := range cols {
				if name == c {
					block = append(block, c+" = "+render(row[i], false))
				}
			}
		}
	}
	// Keep the blank lines and comments that lead into the next directive.
	end := s.blockEnd
	for end > s.blockStart {
		l := strings.TrimSpace(mf.lines[end-1])
		if l != "" && !strings.HasPrefix(l, "#") {
			break
		}
		end--
	}
	if end < s.blockEnd && strings.TrimSpace(mf.lines[end]) != "" {
		block = append(block, "")
	}
	mf.lines = append(mf.lines[:s.blockStart], append(block, mf.lines[end:]...)...)
}

// value is an expected value. A float and an integer differ even when
// equal, so a column changing type fails as it did with Go literals.
type value struct {
	kind kind
	f    float64
	i    int64
	s    string
	b    bool
	t    time.Time
}

type kind int

const (
	kindNull kind = iota
	kindBool
	kindInt
	kindFloat
	kindString
	kindDate      // YYYY-MM-DD: compared with a DATE, or a timestamp's date
	kindTimestamp // RFC 3339
)

var (
	dateRE      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timestampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\S+$`)
)

// evalValue reads an expected value: NULL, true, false, a date, an RFC 3339
// timestamp, a quoted string, or arithmetic over numbers, the friction
// building blocks (sat, noisyOr, frictionScore) and the row's earlier columns.
func evalValue(s string, env map[string]value) (value, error) {
	switch {
	case s == "NULL":
		return value{kind: kindNull}, nil
	case s == "true" || s == "false":
		return value{kind: kindBool, b: s == "true"}, nil
	case dateRE.MatchString(s):
		d, err := time.Parse(time.DateOnly, s)
		return value{kind: kindDate, t: d}, err
	case timestampRE.MatchString(s):
		ts, err := time.Parse(time.RFC3339, s)
		return value{kind: kindTimestamp, t: ts}, err
	}
	e, err := parser.ParseExpr(s)
	if err != nil {
		return value{}, err
	}
	return eval(e, env)
}

func eval(e ast.Expr, env map[string]value) (value, error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			n, err := strconv.ParseInt(e.Value, 10, 64)
			return value{kind: kindInt, i: n}, err
		case token.FLOAT:
			f, err := strconv.ParseFloat(e.Value, 64)
			return value{kind: kindFloat, f: f}, err
		case token.STRING:
			s, err := strconv.Unquote(e.Value)
			return value{kind: kindString, s: s}, err
		}
	case *ast.ParenExpr:
		return eval(e.X, env)
	case *ast.Ident:
		if v, ok := env[e.Name]; ok {
			return v, nil
		}
		return value{}, fmt.Errorf("%s: not a column asserted earlier in the row", e.Name)
	case *ast.UnaryExpr:
		v, err := eval(e.X, env)
		if err != nil || e.Op != token.SUB {
			break
		}
		v.i, v.f = -v.i, -v.f
		return v, nil
	case *ast.BinaryExpr:
		x, err := eval(e.X, env)
		if err != nil {
			return value{}, err
		}
		y, err := eval(e.Y, env)
		if err != nil {
			return value{}, err
		}
		return arith(e.Op, x, y)
	case *ast.CallExpr:
		var args []float64
		for _, a := range e.Args {
			v, err := eval(a, env)
			if err != nil {
				return value{}, err
			}
			f, ok := v.number()
			if !ok {
				return value{}, fmt.Errorf("%s: a number is needed", a)
			}
			args = append(args, f)
		}
		name, _ := e.Fun.(*ast.Ident)
		switch {
		case name == nil:
		case name.Name == "sat" && len(args) == 2:
			return value{kind: kindFloat, f: sat(args[0], args[1])}, nil
		case name.Name == "noisyOr":
			return value{kind: kindFloat, f: noisyOr(args...)}, nil
		case name.Name == "frictionScore" && len(args) == 4:
			return value{kind: kindFloat, f: frictionScore(args[0], args[1], args[2], args[3])}, nil
		}
		return value{}, fmt.Errorf("unknown function: want sat(x, h), noisyOr(...) or frictionScore(time, impersonal, directness, effort)")
	}
	return value{}, fmt.Errorf("%T: not a value this format knows", e)
}

func (v value) number() (float64, bool) {
	switch v.kind {
	case kindInt:
		return float64(v.i), true
	case kindFloat:
		return v.f, true
	}
	return 0, false
}

// arith is Go's constant arithmetic on two numbers: integers stay
// integers, and one float makes the result a float.
func arith(op token.Token, x, y value) (value, error) {
	if x.kind == kindInt && y.kind == kindInt && op != token.QUO {
		switch op {
		case token.ADD:
			return value{kind: kindInt, i: x.i + y.i}, nil
		case token.SUB:
			return value{kind: kindInt, i: x.i - y.i}, nil
		case token.MUL:
			return value{kind: kindInt, i: x.i * y.i}, nil
		}
	}
	a, ok1 := x.number()
	b, ok2 := y.number()
	if !ok1 || !ok2 {
		return value{}, fmt.Errorf("%s needs numbers", op)
	}
	switch op {
	case token.ADD:
		return value{kind: kindFloat, f: a + b}, nil
	case token.SUB:
		return value{kind: kindFloat, f: a - b}, nil
	case token.MUL:
		return value{kind: kindFloat, f: a * b}, nil
	case token.QUO:
		if x.kind == kindInt && y.kind == kindInt {
			return value{}, fmt.Errorf("integer division: write one operand as a float")
		}
		return value{kind: kindFloat, f: a / b}, nil
	}
	return value{}, fmt.Errorf("operator %s: want + - * /", op)
}

// matches compares v with a value scanned from DuckDB. Floats agree to
// 1e-9 (relative above 1), as the Go-literal tests did.
func (v value) matches(got any) bool {
	if got == nil || v.kind == kindNull {
		return got == nil && v.kind == kindNull
	}
	switch g := got.(type) {
	case float64:
		return v.kind == kindFloat && math.Abs(g-v.f) <= 1e-9*math.Max(1, math.Abs(v.f))
	case int64:
		return v.kind == kindInt && g == v.i
	case int32:
		return v.kind == kindInt && int64(g) == v.i
	case int16:
		return v.kind == kindInt && int64(g) == v.i
	case int8:
		return v.kind == kindInt && int64(g) == v.i
	case string:
		return v.kind == kindString && g == v.s
	case bool:
		return v.kind == kindBool && g == v.b
	case time.Time:
		switch v.kind {
		case kindDate:
			return g.Format(time.DateOnly) == v.t.Format(time.DateOnly)
		case kindTimestamp:
			return g.Equal(v.t)
		}
	}
	return false
}

// render writes a scanned value in this format, a date as a date if asked.
func render(got any, asDate bool) string {
	switch g := got.(type) {
	case nil:
		return "NULL"
	case float64:
		s := strconv.FormatFloat(g, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEIN") {
			s += ".0"
		}
		return s
	case string:
		return strconv.Quote(g)
	case time.Time:
		if asDate || g.Equal(g.Truncate(24*time.Hour)) {
			return g.Format(time.DateOnly)
		}
		return g.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(got)
}

// TestUpdateOfMetricFiles runs -update on a file with a stale value, a stale
// row count and values that still match: only the stale ones are
// rewritten, comments and formulas that hold are kept, and the file then
// passes as written.
func TestUpdateOfMetricFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "update.test")
	before := `# edge cases
events edge.jsonl

query stale value
SELECT * FROM conversations WHERE conversation_id = 'c-to-bot'
----
# routed to a bot first
first_response_s = 179.0  # was 3 min
resolution_s = 86400.0 + 181
sla_met = true

query stale row count
SELECT conversation_id FROM conversations ORDER BY 1
----
conversation_id = "c-only-resolved"

# the end
`
	after := strings.Replace(before, "179.0  # was 3 min", "180.0  # was 3 min", 1)
	after = strings.Replace(after, `"c-only-resolved"`+"\n", `"c-only-resolved"`+"\n\n"+`conversation_id = "c-system"`+"\n\n"+`conversation_id = "c-to-bot"`+"\n", 1)
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	*update = true
	t.Cleanup(func() { *update = false })
	runMetricFile(t, path)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != after {
		t.Fatalf("after -update:\n%s\nwant:\n%s", got, after)
	}
	*update = false
	t.Run("as rewritten", func(t *testing.T) { runMetricFile(t, path) })
}

// asOf is the lake as it stood at now: the events up to it, and a tick
// conversation started and resolved at now by the system, so that the
// newest event of the warehouse, its "now", is now; resolved, the tick is
// in no row of queue_now.
func asOf(all []event.Event, now time.Time) []event.Event {
	var evs []event.Event
	for _, e := range all {
		if !e.OccurredAt.After(now) {
			evs = append(evs, e)
		}
	}
	tick := func(id string, typ event.Type) event.Event {
		return event.Event{
			EventID: id, ConversationID: "tick", Type: typ, OccurredAt: now,
			Actor: &event.Actor{Role: event.RoleSystem},
		}
	}
	return append(evs, tick("tick-1", event.ConversationStarted), tick("tick-2", event.Resolved))
}

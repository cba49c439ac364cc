package governance

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// TestFileHoldsWord: an ID is found in every form Parley writes it in, as a
// whole word only, wherever it falls relative to the pieces a large file is
// read in.
func TestFileHoldsWord(t *testing.T) {
	const piece = 1 << 20 // what holdsWord reads at a time
	pad := func(n int) string { return strings.Repeat(" ", n) }
	tests := []struct {
		name, id, text string
		want           bool
	}{
		{"as is", "cust-10", "note about cust-10 today", true},
		{"prefix of a longer ID", "cust-1", "note about cust-10 today", false},
		{"inside a longer ID", "rep-a", "c-rep-a", false},
		{"HTML-escaped by html/template", "+447700900123", "<dd>&#43;447700900123</dd>", true},
		{"JSON-escaped", "a&b", `{"id":"a\u0026b"}`, true},
		{"CSV-quoted", `say "hi"`, `1,"say ""hi""",2`, true},
		{"across two pieces", "cust-10", pad(piece-3) + "cust-10 ", true},
		{"at the very end", "cust-10", pad(piece-7) + "cust-10", true},
		{"longer ID across two pieces", "cust-1", pad(piece-6) + "cust-10", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.txt")
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			var words [][]byte
			for _, w := range encodings(tt.id) {
				words = append(words, []byte(w))
			}
			got, err := holdsWord(path, openFile(path), words)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("holdsWord(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

// TestAnyJSONString: strings are compared decoded, in valid and broken
// JSON alike, and one pass suffices whatever the input holds.
func TestAnyJSONString(t *testing.T) {
	tests := []struct {
		name, raw, want string
		found           bool
	}{
		{"escaped ampersand", `{"id":"a\u0026b"`, "a&b", true},
		{"escaped digit", `x "c\u0031" y`, "c1", true},
		// Escaped quotes end no string (containsWord finds such mentions).
		{"escaped quotes inside", `{"t":"he said \"c1\""}`, "c1", false},
		{"in an odd quote parity", `oops " {"id":"c1"}`, "c1", true},
		{"not a whole string", `{"id":"c12"}`, "c1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := anyJSONString([]byte(tt.raw), 6*len(tt.want)+2, func(s string) bool { return s == tt.want }); got != tt.found {
				t.Errorf("anyJSONString(%s) = %v, want %v", tt.raw, got, tt.found)
			}
		})
	}
	// A megabyte of escaped quotes is one pass, not one per quote.
	raw := bytes.Repeat([]byte(`\"`), 1<<19)
	if anyJSONString(raw, 1<<20, func(string) bool { return true }) {
		t.Error("escaped quotes taken for strings")
	}
}

// TestCSVRowsDropped: the rows of a CSV output that name the customer or
// one of their conversations go, also when a cell was neutralised for
// spreadsheets ("'-c9"); every other line is written back as it was read.
func TestCSVRowsDropped(t *testing.T) {
	in := "conversation_id,customer_id,note\n" +
		"c-1,cust-a,\"kept, quoted\"\n" +
		"'-c9,cust-z,neutralised id of a conversation of the customer\n" +
		"c-2,cust-b,other customer\n" +
		"c-3,cust-x,the customer's own row\n" +
		"'=c-4,cust-c,kept\n"
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	o := outputEraser{cfg: EraseConfig{Customer: "cust-x"}, convs: map[string]bool{"-c9": true}, hashed: map[string]bool{}}
	removed, hasIDs, err := o.table(t.Context(), path, true)
	if err != nil || !hasIDs || removed != 2 {
		t.Fatalf("table: %d removed, ids %v, %v; want 2", removed, hasIDs, err)
	}
	want := "conversation_id,customer_id,note\n" +
		"c-1,cust-a,\"kept, quoted\"\n" +
		"c-2,cust-b,other customer\n" +
		"'=c-4,cust-c,kept\n"
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("rewritten CSV:\n%s\nwant:\n%s", got, want)
	}
	if !o.convs["c-3"] {
		t.Error("the conversation of the customer's own row was not learned")
	}
}

// TestParquetRowsDroppedAcrossChunks: a DuckDB export (with a MAP column,
// as events.parquet has) of several read chunks loses exactly the
// customer's rows and keeps every other row intact. The rows of one chunk
// used to be overwritten by the next read while the writer still held them,
// which panicked in parquet-go.
func TestParquetRowsDroppedAcrossChunks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.parquet")
	db, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const rows = 5*lake.ReadChunk + 17
	_, err = db.Exec(fmt.Sprintf(`COPY (SELECT 'c-' || (i %% 50) AS conversation_id, 'cust-' || (i %% 50 %% 7) AS customer_id,
		MAP {'k': 'v' || i} AS attributes, i AS n FROM range(%d) r(i)) TO '%s' (FORMAT parquet)`, rows, path))
	if err != nil {
		t.Fatal(err)
	}
	o := outputEraser{cfg: EraseConfig{Customer: "cust-3"}, convs: map[string]bool{}, hashed: map[string]bool{}}
	removed, hasIDs, err := o.table(t.Context(), path, true)
	var want int64
	for i := range int64(rows) {
		if i%50%7 == 3 {
			want++
		}
	}
	if err != nil || !hasIDs || removed != want {
		t.Fatalf("table: %d removed, ids %v, %v; want %d", removed, hasIDs, err, want)
	}
	var n, bad int64
	err = db.QueryRow(fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE customer_id = 'cust-3' OR attributes['k'] <> 'v' || n
		OR conversation_id <> 'c-' || (n %% 50)) FROM read_parquet('%s')`, path)).Scan(&n, &bad)
	if err != nil || n != rows-want || bad != 0 {
		t.Errorf("rewritten file: %d rows (%d wrong), %v; want %d intact rows", n, bad, err, rows-want)
	}
}

// TestEmbeddedHolds: an ID inside data a page embeds in base64 (gzipped
// JSON, a CSV data: URL) is found once decoded, also when a JSON or
// JavaScript string escapes the base64's "/", "+" and "=".
func TestEmbeddedHolds(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	// Enough figures that the base64 holds "/", "+" and "=" to escape.
	var figures strings.Builder
	for i := range 400 {
		fmt.Fprintf(&figures, `{"n":%d,"v":%d},`, i, i*7919%1000)
	}
	report := base64.StdEncoding.EncodeToString(gz(`{"worst":[{"conversation_id":"c-rep-a"}],"figures":[` + figures.String() + `{}]}`))
	if !strings.ContainsAny(report, "/+") || !strings.HasSuffix(report, "=") {
		t.Fatalf("control: the base64 %q… has nothing to escape", report[:40])
	}
	escaped := strings.NewReplacer("/", `\/`, "+", `\u002B`, "=", `\u003d`).Replace(report)
	csv := base64.StdEncoding.EncodeToString([]byte("conversation_id,friction_score\nc-rep-a,95.3\nc-other,12.0\n"))
	tests := []struct {
		name, page, id string
		want           bool
	}{
		{"gzipped JSON in a JSON string", `<script type="application/json">"` + report + `"</script>`, "c-rep-a", true},
		{"the same, escaped", `<script>const d = "` + escaped + `";</script>`, "c-rep-a", true},
		{"CSV in a data: URL", `<a href="data:text/csv;charset=utf-8;base64,` + csv + `">CSV</a>`, "c-rep-a", true},
		{"another conversation", `<script type="application/json">"` + report + `"</script>`, "c-rep-b", false},
		{"a prefix of an ID embedded", `<a href="data:text/csv;base64,` + csv + `">`, "c-rep", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "index.html")
			if err := os.WriteFile(path, []byte(tt.page), 0o644); err != nil {
				t.Fatal(err)
			}
			var words [][]byte
			for _, w := range encodings(tt.id) {
				words = append(words, []byte(w))
			}
			if direct, err := holdsWord(path, openFile(path), words); err != nil || direct {
				t.Fatalf("control: the page's bytes hold %s as they are (%v)", tt.id, err)
			}
			got, err := embeddedHolds(path, func(name string, open opener) (bool, error) {
				return textHolds(name, open, words, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("embeddedHolds(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

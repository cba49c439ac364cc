package autoqa

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/parley-cx/parley/internal/realdata"
)

// foldReference is fold as its comment defines it, rune by rune through the
// Unicode tables, without fold's ASCII shortcut: the oracle fold must match.
func foldReference(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case r == '\'' || r == '\u2019' || r == '\u02bc':
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// TestFoldMatchesReference: fold's ASCII shortcut folds every ASCII
// character, alone and between words, and real customer-service tweets
// (emoji, accents, curly quotes) exactly as the Unicode definition does.
func TestFoldMatchesReference(t *testing.T) {
	texts := []string{"", "Hi Anna, I'm Tom!", "DON'T  stop—ÉTÉ Straße 42 ʼokina İstanbul ǅemal ﬁne ⑫ ١٢", "e\u0301t\u00e9 café", "\x00\x7f\xff broken \xc3"}
	for c := range 128 {
		texts = append(texts, string(rune(c)), "ab"+string(rune(c))+"CD", "Ab "+string(rune(c))+" 9z")
	}
	f, err := os.Open(realdata.Path(t, "twcs_sample_5000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		texts = append(texts, row[5])
	}
	for _, s := range texts {
		if got, want := fold(s), foldReference(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

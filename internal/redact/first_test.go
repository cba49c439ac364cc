package redact

import (
	"slices"
	"strings"
	"testing"
)

// firstReference is First as its comment defines it: the first of Find's
// results whose kind is one of kinds.
func firstReference(s string, kinds ...string) (string, bool) {
	for _, f := range Find(s) {
		if slices.Contains(kinds, f.Placeholder) {
			return f.Placeholder, true
		}
	}
	return "", false
}

// firstKinds are the sets of kinds First is asked for: automatic QA's
// (card and IBAN), each alone, and kinds whose rules come early and late.
var firstKinds = [][]string{{Card, IBAN}, {Card}, {IBAN}, {Email}, {Phone}, {Email, Phone}, {DOB, Card}}

// First, which runs fewer rules, answers as Find does on every text of the
// planted and ordinary corpora, 5,000 real tweets and texts where an
// earlier rule's span hides what a later one would match (digits inside an
// e-mail address, an IBAN whose digits pass for a card number).
func TestFirstAgreesWithFind(t *testing.T) {
	texts := []string{
		"mail me at jo.4111111111111111@example.com or call",
		"IBAN DE89370400440532013000 and card 4111 1111 1111 1111",
		"card 4111 1111 1111 1111 then IBAN DE89 3704 0044 0532 0130 00",
		"GB82WEST12345698765432", "4111-1111-1111-1111", "+44 20 7946 0958 4111111111111111",
		"jo (at) 4111111111111111 (dot) com", "", "no data at all",
	}
	for _, c := range readPlanted(t, "testdata/planted.tsv") {
		texts = append(texts, c.in())
	}
	texts = append(texts, readLines(t, "testdata/ordinary.txt")...)
	texts = append(texts, tweetTexts(t)...)
	found := map[string]int{}
	for _, s := range texts {
		for _, kinds := range firstKinds {
			got, ok := First(s, kinds...)
			want, wantOK := firstReference(s, kinds...)
			if got != want || ok != wantOK {
				t.Errorf("First(%q, %v) = %q, %v; Find says %q, %v", s, kinds, got, ok, want, wantOK)
			}
			if ok {
				found[strings.Join(kinds, "+")]++
			}
		}
	}
	// The comparison means something only if First finds things.
	for _, kinds := range firstKinds {
		if k := strings.Join(kinds, "+"); found[k] == 0 {
			t.Errorf("no text holds %s: the test compares nothing for it", k)
		}
	}
}

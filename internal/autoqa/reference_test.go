package autoqa

import (
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parley-cx/parley/internal/realdata"
)

// foldReference is fold as its comment defines it, rune by rune through the
// Unicode tables, without fold's ASCII shortcut: the oracle fold must match.
func foldReference(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range s {
		space = foldRune(&b, r, space)
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// eachWordReference is eachWord as it was before its one-pass checkable and
// endsSentence: the oracle eachWord must match.
func eachWordReference(text string, fn func(w string, name bool)) {
	start := true
	for field := range strings.FieldsSeq(text) {
		field = strings.ReplaceAll(field, "\u2019", "'")
		w := strings.TrimFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		atStart := start
		end := strings.TrimRight(field, `"')]}»”`)
		start = strings.HasSuffix(end, ".") || strings.HasSuffix(end, "!") || strings.HasSuffix(end, "?") || strings.HasSuffix(end, ":")
		if utf8.RuneCountInString(w) < 2 || strings.ContainsAny(w, "@/:#_.=+&%$") || strings.ContainsFunc(w, unicode.IsDigit) {
			continue
		}
		if !strings.ContainsFunc(w, unicode.IsLower) {
			continue
		}
		first, _ := firstRune(w)
		fn(w, unicode.IsUpper(first) && !atStart && !strings.HasPrefix(w, "I'"))
	}
}

// referenceTexts are texts to hold a fast path to its definition with:
// every ASCII character alone and between letters, edge cases of Unicode
// (accents, digits of other scripts, curly quotes, broken UTF-8), and 5,000
// real customer-service tweets.
func referenceTexts(t *testing.T) []string {
	texts := []string{"", "Hi Anna, I'm Tom!", "DON'T  stop—ÉTÉ Straße 42 ʼokina İstanbul ǅemal ﬁne ⑫ ١٢", "e\u0301t\u00e9 café",
		"\x00\x7f\xff broken \xc3", "“Great.” (he said!) «Ça va?» Yes: done.\" »Ok»” it’s e’mail x’’ ’’", "Über ÜBER über-all foo-Bar ǅx ab١ a\u00b2b", "She said “Stop.” Then Anna said »Go!» Then ‘Yes:’ Then"}
	for c := range 128 {
		texts = append(texts, string(rune(c)), "ab"+string(rune(c))+"CD", "Ab "+string(rune(c))+" 9z", "end"+string(rune(c))+" Next")
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
	return texts
}

// TestFoldMatchesReference: fold's ASCII shortcut folds every reference
// text exactly as the Unicode definition does.
func TestFoldMatchesReference(t *testing.T) {
	for _, s := range referenceTexts(t) {
		if got, want := fold(s), foldReference(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestEachWordMatchesReference: eachWord yields the same words, each
// with the same name flag, as the condition-by-condition definition.
func TestEachWordMatchesReference(t *testing.T) {
	type word struct {
		w    string
		name bool
	}
	collect := func(each func(string, func(string, bool)), s string) []word {
		var out []word
		each(s, func(w string, name bool) { out = append(out, word{w, name}) })
		return out
	}
	for _, s := range referenceTexts(t) {
		if got, want := collect(eachWord, s), collect(eachWordReference, s); !slices.Equal(got, want) {
			t.Errorf("eachWord(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestPatternFindMatchesRegexp: the words a pattern requires only skip
// texts it cannot match. On the reference texts, on every default
// pattern's own matches and near misses, in every language, find answers
// as the pattern's regular expression alone (with the negation rule).
func TestPatternFindMatchesRegexp(t *testing.T) {
	texts := referenceTexts(t)
	for _, s := range []string{
		"could you send me your full card number?", "please confirm the cvv2 on the back", "what's your current pin code",
		"send us the whole credit card details", "need your login passcode", "type the security code", "read out the card verification value",
		"please don't send your full card number", "the shipping pin is fine", "enter your account password now",
		"bitte schicken sie mir die vollständige kartennummer", "ihr passwort bitte nennen", "pouvez-vous envoyer le numéro complet de votre carte",
		"necesito el número de su tarjeta", "stuur je volledige kaartnummer", "geef je pincode", "ok",
	} {
		texts = append(texts, s, "Hi! "+s+" Thanks.", strings.ToUpper(s))
	}
	matched := 0
	for lang, list := range sensitivePatterns {
		for _, p := range list {
			pt, err := compilePattern(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range texts {
				lower := strings.ToLower(s)
				want := ""
				for _, loc := range pt.re.FindAllStringIndex(lower, -1) {
					if !negatedBefore(lower, loc[0]) {
						want = lower[loc[0]:loc[1]]
						break
					}
				}
				if got := pt.find(lower); got != want {
					t.Errorf("%s pattern %q on %q: find %q, the regexp %q", lang, p, s, got, want)
				}
				if want != "" {
					matched++
				}
			}
		}
	}
	if matched < 20 {
		t.Errorf("only %d matches: the comparison proves little", matched)
	}
}

// sentimentReference is sentiment as its definition reads: the text split
// into clauses, each with its contractions' apostrophes (those no "t"
// follows) made spaces, folded and split into words, then scored.
func sentimentReference(text string) (int, []hit) {
	total := 0
	var found []hit
	text = contractionApostrophe.ReplaceAllString(text, " $1")
	for clause := range strings.FieldsFuncSeq(text, func(r rune) bool { return strings.ContainsRune(".,;:!?\n()\"", r) }) {
		total, found = scoreClause(strings.Fields(fold(clause)), total, found)
	}
	return total, found
}

// contractionApostrophe is an apostrophe that separates a contraction's
// words, with what follows it.
var contractionApostrophe = regexp.MustCompile(`['\x{2019}\x{02bc}]([^tT]|$)`)

// TestSentimentMatchesReference: sentiment, which folds the whole text in
// one pass, finds the same clauses and words in every reference text, and
// texts built to cross clause breaks with negations and phrases, as the
// clause-by-clause definition, so they score the same.
func TestSentimentMatchesReference(t *testing.T) {
	texts := referenceTexts(t)
	for _, s := range []string{"not happy. happy", "I don't think it's good, great!", "doesn't work;not bad (not) bad", "no\nfun", "never \"good\" never good",
		"it does not work", "does, not work", "Not. Happy", "can't stand it :( not   amazing!!", "’ok’ isn’t great", "ÉPOUVANTABLE pas bien",
		"I'll go, he’ll stay", "she\u02bcll, we'd''ll", "it's' 'tis ’T", "no thanks needed", "no thank you, no thanks'"} {
		texts = append(texts, s)
	}
	scored := 0
	for _, s := range texts {
		got, gotHits := sentiment(s)
		want, wantHits := sentimentReference(s)
		if got != want || !slices.Equal(gotHits, wantHits) {
			t.Errorf("sentiment(%q) = %d %v, want %d %v", s, got, gotHits, want, wantHits)
		}
		if len(wantHits) > 0 {
			scored++
		}
	}
	if scored < 1000 {
		t.Errorf("only %d texts have a lexicon word: the comparison proves little", scored)
	}
}

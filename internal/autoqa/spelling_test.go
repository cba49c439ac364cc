package autoqa

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/autoqa/dicttest"
	"github.com/parley-cx/parley/internal/config"
)

func TestSpelling(t *testing.T) {
	dicttest.Need(t, "en_US", "en_GB", "de_DE")
	long := "agent: Thanks for waiting. I have checked your order and the courier says the parcel will arrive tomorrow morning."
	check(t, config.AutoCheck{Name: "spelling"}, []verdictCase{
		{"clean", transcript("en-GB", "customer: hi", long), Pass, 0, "0 of 17 words"},
		{"British and American spellings both pass", transcript("en-US", "customer: hi", long, "agent: We apologise for the colour mix-up and the color labels."), Pass, 0, ""},
		{"misspelt", transcript("en-GB", "customer: hi", long, "agent: I recieve teh parcle tommorow, sory."), Fail, 3, "recieve, teh, parcle, tommorow, sory"},
		{"a few slips stay under the threshold", transcript("", "customer: hi", long, long, long, "agent: I will recieve it and call you back later today."), Pass, 5, "1 of 60 words"},
		{"names, acronyms, addresses and numbers are not checked", transcript("", "customer: hi",
			"agent: Thanks Siobhán, I asked Kwame in WMS about ORD-12345 and wrote to siobhan@example.com via https://help.example — it ships on 4.19.2 today."), Pass, 0, "0 of"},
		{"too short", transcript("", "customer: hi", "agent: Hi Anna, one moment."), NA, 0, "fewer than 10"},
		{"the customer's spelling is not the agent's", transcript("", "customer: teh parcle is brokn", long), Pass, 0, ""},
	})
	de := config.AutoCheck{Name: "spelling", Dictionaries: map[string][]string{"en": {"en_US", "en_GB"}, "de": {"de_DE"}}}
	check(t, de, []verdictCase{
		{"German with the German dictionary", transcript("de-DE", "customer: hallo",
			"agent: Danke für Ihre Geduld. Ich habe Ihre Bestellung geprüft und die Lieferung kommt morgen früh an."), Pass, 0, "0 of 16 words"},
		{"German misspelt", transcript("de-DE", "customer: hallo",
			"agent: Danke für Ihre Geduld. Ich habe Ihre Bestellung geprüfft und die Lieferung kommt morgn früh an."), Fail, 2, "geprüfft, morgn"},
		{"English in a German conversation passes on the English dictionary", transcript("de-DE", "customer: hallo", long), Pass, 0, ""},
	})
	// A language with no dictionary configured is not spell-checked.
	check(t, config.AutoCheck{Name: "spelling"}, []verdictCase{
		{"no French dictionary", transcript("fr-FR", "customer: bonjour", "agent: Merci pour votre patience, je vérifie votre commande tout de suite et je reviens vers vous."), NA, 0, "no dictionary for the conversation's language (fr)"},
	})
	check(t, config.AutoCheck{Name: "spelling", MaxShare: 0.01, MinWords: 3, Ignore: []string{"teh"}}, []verdictCase{
		{"ignored word and a stricter threshold", transcript("", "customer: hi", "agent: teh parcel is late", long), Pass, 0, "0 of 20"},
	})
}

// TestSpellingMissingDictionary: a dictionary that is not installed
// makes the check N/A, saying which package to install, and a warning.
func TestSpellingMissingDictionary(t *testing.T) {
	v := run(t, config.AutoCheck{Name: "spelling", Dictionaries: map[string][]string{"en": {"xx_NOPE"}}},
		transcript("", "customer: hi", "agent: one two three four five six seven eight nine ten eleven"), "")
	if v.Result != NA {
		t.Errorf("got %+v, want na", v)
	}
}

// TestSpellingDictionaryDoesNotParse: a dictionary that is found but does
// not parse leaves its language N/A with one warning, however many
// conversations ask (it had every word misspelt, so every reply failed,
// without a word), and a language with another dictionary that parses is
// still checked with that one.
func TestSpellingDictionaryDoesNotParse(t *testing.T) {
	dicttest.Need(t, "en_US")
	broken := t.TempDir()
	for name, body := range map[string]string{"en_XX.aff": "SET UTF-8\nSFX A Y notanumber\n", "en_XX.dic": "x\n"} {
		if err := os.WriteFile(filepath.Join(broken, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reply := "agent: Thanks for waiting. I have checked your order and the courier says the parcel will arrive tomorrow morning."
	for _, tc := range []struct {
		name  string
		dicts []string
		want  string
	}{
		{"the only dictionary", []string{"en_XX"}, NA},
		{"beside one that parses", []string{"en_XX", "en_US"}, Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			s, err := New(config.AutoQA{Checks: []config.AutoCheck{{Name: "spelling", Dictionaries: map[string][]string{"en": tc.dicts}}}},
				&Env{Dictionaries: NewDictionaries([]string{broken, dicttest.Dir}), Log: slog.New(slog.NewTextHandler(&log, nil))})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if v := s.Run(transcript("", "customer: hi", reply))[0]; v.Result != tc.want {
					t.Errorf("got %+v, want %s", v, tc.want)
				}
			}
			if n := strings.Count(log.String(), "does not parse"); n != 1 {
				t.Errorf("%d warnings of the dictionary that does not parse, want 1:\n%s", n, log.String())
			}
		})
	}
}

func TestEachWord(t *testing.T) {
	var got []string
	eachWord("Hi Anna, I'm Tom. Your order ORD-123 (see https://x.example/a) ships 2-3 days; e-mail me at tom@example.com! “Great” — he said.", func(w string, name bool) {
		if name {
			w = "name:" + w
		}
		got = append(got, w)
	})
	want := []string{"Hi", "name:Anna", "I'm", "name:Tom", "Your", "order", "see", "ships", "days", "e-mail", "me", "at", "Great", "he", "said"}
	if !slices.Equal(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
}

// TestDictionariesLoadedOnUse: a configured dictionary is parsed only when a
// conversation of its language is spell-checked, so a language nobody
// writes in costs nothing; the digest still covers it.
func TestDictionariesLoadedOnUse(t *testing.T) {
	dicttest.Need(t, "en_US", "de_DE")
	dicts := NewDictionaries(nil)
	s, err := New(config.AutoQA{Checks: []config.AutoCheck{{Name: "spelling", Dictionaries: map[string][]string{"en": {"en_US"}, "de": {"de_DE"}}}}},
		&Env{Dictionaries: dicts})
	if err != nil {
		t.Fatal(err)
	}
	loaded := func() (names []string) {
		dicts.mu.Lock()
		defer dicts.mu.Unlock()
		for name, x := range dicts.byName {
			if x.parse != nil {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		return names
	}
	if got := loaded(); len(got) != 0 {
		t.Errorf("dictionaries %q loaded before any conversation", got)
	}
	digest := s.Digest()
	s.Run(transcript("en-GB", "customer: hi", "agent: Thanks for waiting, I have checked your order and it arrives tomorrow."))
	if got := loaded(); !slices.Equal(got, []string{"en_US"}) {
		t.Errorf("after an English conversation, loaded %q, want only en_US", got)
	}
	s.Run(transcript("de-DE", "customer: hallo", "agent: Danke für Ihre Geduld, ich habe Ihre Bestellung geprüft und sie kommt morgen."))
	if got := loaded(); !slices.Equal(got, []string{"de_DE", "en_US"}) {
		t.Errorf("after a German conversation, loaded %q, want de_DE and en_US", got)
	}
	if s.Digest() != digest {
		t.Errorf("loading changed the digest")
	}
}

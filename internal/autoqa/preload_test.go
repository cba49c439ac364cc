package autoqa

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/parley-cx/parley/internal/autoqa/dicttest"
	"github.com/parley-cx/parley/internal/config"
)

// TestPreloadedDictionaries: Preload parses the default language's
// dictionaries of the spelling checks, and only those: another
// language's, one not found, or none when no spelling check runs.
func TestPreloadedDictionaries(t *testing.T) {
	dicttest.Need(t, "en_US", "en_GB", "de_DE")
	enDe := map[string][]string{"en": {"en_US", "en_GB"}, "de": {"de_DE"}}
	for _, tc := range []struct {
		name string
		auto config.AutoQA
		want []string
	}{
		{"the default checks: English", config.AutoQA{}, []string{"en_US", "en_GB"}},
		{"German configured, English the default", config.AutoQA{Checks: []config.AutoCheck{{Name: "spelling", Dictionaries: enDe}}}, []string{"en_US", "en_GB"}},
		{"German the default", config.AutoQA{DefaultLanguage: "de", Checks: []config.AutoCheck{{Name: "spelling", Dictionaries: enDe}}}, []string{"de_DE"}},
		{"two spelling checks share theirs", config.AutoQA{Checks: []config.AutoCheck{{Name: "spelling"}, {Name: "spelling_de", Type: "spelling", Dictionaries: enDe}}}, []string{"en_US", "en_GB"}},
		{"no dictionary of the default language", config.AutoQA{DefaultLanguage: "fr"}, nil},
		{"the default language's dictionary not found", config.AutoQA{Checks: []config.AutoCheck{{Name: "spelling", Dictionaries: map[string][]string{"en": {"xx_NOPE"}, "de": {"de_DE"}}}}}, nil},
		{"no spelling check", config.AutoQA{Checks: []config.AutoCheck{{Name: "greeting"}}}, nil},
		{"the checks disabled", config.AutoQA{Disabled: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.auto, &Env{Dictionaries: NewDictionaries(nil)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range s.preloaded() {
				got = append(got, x.name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("preloads %v, want %v", got, tc.want)
			}
			// Its channel closes once those parses have ended (the build
			// keeps GOGC raised until then).
			<-s.Preload()
			for _, x := range s.preloaded() {
				if x.parse == nil || x.err != nil {
					t.Errorf("%s: Preload's channel closed before its parse ended (%v)", x.name, x.err)
				}
			}
		})
	}
}

// TestPreloadSameVerdicts: checks run while Preload's parse is under way
// (on several goroutines, as the build's workers do; run it with -race)
// give the verdicts of checks whose dictionaries parse on first use, with
// dictionaries that parse and with one that does not (which fails no
// build either way).
func TestPreloadSameVerdicts(t *testing.T) {
	dicttest.Need(t, "en_US", "en_GB", "de_DE")
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "en_XX.aff"), []byte("SET UTF-8\nSFX A Y notanumber\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "en_XX.dic"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	long := "agent: Thanks for waiting. I have checked your order and the courier says the parcel will arrive tomorrow morning."
	convs := []*Conversation{
		transcript("en-GB", "customer: hi", long, "agent: I recieve teh parcle tommorow, sory."),
		transcript("", "customer: hi", long),
		transcript("de-DE", "customer: hallo", "agent: Danke für Ihre Geduld. Ich habe Ihre Bestellung geprüfft und die Lieferung kommt morgn früh an."),
		transcript("de-DE", "customer: hallo", long),
	}
	for _, tc := range []struct {
		name  string
		paths []string
		dicts map[string][]string
	}{
		{"dictionaries that parse", nil, map[string][]string{"en": {"en_US", "en_GB"}, "de": {"de_DE"}}},
		{"a dictionary that does not", []string{broken, dicttest.Dir}, map[string][]string{"en": {"en_XX"}, "de": {"de_DE"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auto := config.AutoQA{Checks: []config.AutoCheck{{Name: "spelling", Dictionaries: tc.dicts}}}
			verdicts := func(preload bool) [][]Verdict {
				s, err := New(auto, &Env{Dictionaries: NewDictionaries(tc.paths)})
				if err != nil {
					t.Fatal(err)
				}
				if preload {
					s.Preload()
				}
				out := make([][]Verdict, len(convs))
				var wg sync.WaitGroup
				for i, c := range convs {
					wg.Go(func() { out[i] = s.Run(c) })
				}
				wg.Wait()
				return out
			}
			want, got := verdicts(false), verdicts(true)
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("with Preload %+v\nwithout %+v", got, want)
			}
			if tc.paths == nil && want[0][0].Result != Fail {
				t.Errorf("the misspelt English reply got %+v: the test checks nothing", want[0][0])
			}
			if tc.paths != nil && NewDictionaries(tc.paths).find("en_XX").load() == nil {
				t.Error("en_XX parses: the test checks nothing")
			}
		})
	}
}

// TestParsedOncePerProcess: a second build of the process (a new
// Dictionaries, as parley run makes every cycle) reuses the parse of a
// dictionary whose files did not change, and parses them again when their
// content did; the earlier build keeps its own parse.
func TestParsedOncePerProcess(t *testing.T) {
	dir := t.TempDir()
	write := func(words ...string) {
		t.Helper()
		dic := strconv.Itoa(len(words)) + "\n" + strings.Join(words, "\n") + "\n"
		for name, text := range map[string]string{"en_ZZ.aff": "SET UTF-8\n", "en_ZZ.dic": dic} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	build := func() *dictionary {
		x := NewDictionaries([]string{dir}).find("en_ZZ")
		if err := x.load(); err != nil {
			t.Fatal(err)
		}
		return x
	}
	write("hello", "world")
	first, second := build(), build()
	if first.parse != second.parse {
		t.Error("the second build parsed the same files again")
	}
	write("hello", "parley")
	third := build()
	if third.parse == first.parse {
		t.Fatal("the third build reused the parse of files that have changed since")
	}
	for _, tc := range []struct {
		x    *dictionary
		word string
		want bool
	}{{first, "world", true}, {first, "parley", false}, {third, "parley", true}, {third, "world", false}} {
		if got := tc.x.has(tc.word); got != tc.want {
			t.Errorf("has(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
}

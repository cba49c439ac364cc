package redact

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// plantedCase is one line of testdata/planted.tsv.
type plantedCase struct {
	line                 int
	class, planted, text string
}

// in is the message with the personal data planted; want is the same
// message with the class's placeholder in its place.
func (c plantedCase) in() string { return strings.Replace(c.text, "{}", c.planted, 1) }
func (c plantedCase) want(placeholder string) string {
	return strings.Replace(c.text, "{}", placeholder, 1)
}

// corpusClasses maps each class of the planted corpus to its placeholder
// and to the function the QA packet runs on that kind of value.
var corpusClasses = map[string]struct {
	placeholder string
	redact      func(string) string
}{
	"card":        {Card, Text},
	"phone":       {Phone, Text},
	"iban":        {IBAN, Text},
	"email":       {Email, Text},
	"ssn":         {SSN, Text},
	"nino":        {NINO, Text},
	"dni":         {DNI, Text},
	"passport":    {Passport, Text},
	"dob":         {DOB, Text},
	"ip":          {IP, Text},
	"customer-id": {Phone, ID},
}

// readPlanted parses the planted corpus: tab-separated class, planted
// string and text, a field starting with '"' being a Go string literal.
func readPlanted(t testing.TB, path string) []plantedCase {
	t.Helper()
	var cases []plantedCase
	for n, line := range readLines(t, path) {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("%s:%d: %d fields, want class, planted and text", path, n+1, len(f))
		}
		for i, s := range f {
			if strings.HasPrefix(s, `"`) {
				u, err := strconv.Unquote(s)
				if err != nil {
					t.Fatalf("%s:%d: field %d: %v", path, n+1, i+1, err)
				}
				f[i] = u
			}
		}
		if _, ok := corpusClasses[f[0]]; !ok {
			t.Fatalf("%s:%d: unknown class %q", path, n+1, f[0])
		}
		if strings.Count(f[2], "{}") != 1 {
			t.Fatalf("%s:%d: text %q needs exactly one {}", path, n+1, f[2])
		}
		cases = append(cases, plantedCase{n + 1, f[0], f[1], f[2]})
	}
	return cases
}

// readLines returns the lines of a test data file.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return lines
}

// Every planted string of every class is replaced by its placeholder, and
// the text around it comes back byte for byte (accents, emoji, spacing).
// The test counts misses per class, so a failure says how far off it is.
func TestPlantedCorpus(t *testing.T) {
	const path = "testdata/planted.tsv"
	cases := readPlanted(t, path)
	total, missed := map[string]int{}, map[string]int{}
	for _, c := range cases {
		cl := corpusClasses[c.class]
		total[c.class]++
		in, want := c.in(), c.want(cl.placeholder)
		if got := cl.redact(in); got != want {
			missed[c.class]++
			t.Errorf("%s:%d %s %q\n got %q\nwant %q", path, c.line, c.class, c.planted, got, want)
		}
	}
	classes := slices.Sorted(func(yield func(string) bool) {
		for k := range corpusClasses {
			if !yield(k) {
				return
			}
		}
	})
	var report strings.Builder
	sum := 0
	for _, k := range classes {
		fmt.Fprintf(&report, "\n  %-12s %2d planted, %2d missed", k, total[k], missed[k])
		sum += missed[k]
		// Several shapes of each class, or the class is not really tested.
		if total[k] < 5 {
			t.Errorf("class %s has %d cases in %s, want at least 5", k, total[k], path)
		}
	}
	t.Logf("planted corpus: %d cases, %d missed%s", len(cases), sum, report.String())
}

// Ordinary text, including a look-alike of every class that fails its
// check, comes back unchanged.
func TestOrdinaryCorpus(t *testing.T) {
	const path = "testdata/ordinary.txt"
	n := 0
	for i, line := range readLines(t, path) {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		if got := Text(line); got != line {
			t.Errorf("%s:%d changed:\n got %q\nwant %q", path, i+1, got, line)
		}
	}
	if n < 40 {
		t.Errorf("%s has %d lines; the corpus has been cut", path, n)
	}
}

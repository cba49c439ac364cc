// Command testreport reads `go test -json` on standard input and prints what
// `go test` would without -v (each package's ok or FAIL line, and the output
// of failing tests and packages), then every skipped test with its reason,
// and a closing line "tests: N passed, N failed, N skipped". It exits 1 when
// a test or package failed and, with -fail-on-skip (as `make test CI=true`
// runs it), when any test skipped: a green CI run has run every test.
//
//	go test -json ./... | go run ./internal/testreport -fail-on-skip
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail
	Test       string
	Output     string
	Elapsed    float64
}

func main() {
	failOnSkip := flag.Bool("fail-on-skip", false, "exit 1 when any test skipped")
	flag.Parse()
	os.Exit(report(os.Stdin, os.Stdout, *failOnSkip))
}

// report reads events from in, writes the report to out and returns the exit status.
func report(in io.Reader, out io.Writer, failOnSkip bool) int {
	var (
		output         = map[string][]string{} // test or package (key) → its output so far
		skipped        []string
		passed, failed int
		packagesFailed int
		sc             = bufio.NewScanner(in)
		key            = func(e event) string { return e.Package + " " + e.Test }
		printOutput    = func(k string) { fmt.Fprint(out, strings.Join(output[k], "")) }
		notJSONPrinted bool
	)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			// go test's own messages (a package that cannot load) are plain text.
			fmt.Fprintln(out, sc.Text())
			notJSONPrinted = true
			continue
		}
		switch e.Action {
		case "build-output":
			output["build "+e.ImportPath] = append(output["build "+e.ImportPath], e.Output)
		case "build-fail":
			printOutput("build " + e.ImportPath)
			packagesFailed++
		case "output":
			output[key(e)] = append(output[key(e)], e.Output)
		case "pass", "fail", "skip":
			k := key(e)
			switch {
			case e.Test == "" && e.Action == "fail":
				packagesFailed++
				printPackageOutput(out, output[k])
			case e.Test == "":
				// The package's closing line: ok, or "?  pkg [no test files]".
				printPackageOutput(out, closingLines(output[k]))
			case e.Action == "pass":
				passed++
			case e.Action == "fail":
				failed++
				printOutput(k)
			case e.Action == "skip":
				skipped = append(skipped, fmt.Sprintf("%s %s:\n%s", e.Package, e.Test, reason(output[k])))
			}
			delete(output, k)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(out, "testreport: read go test -json: %v\n", err)
		return 1
	}
	if len(skipped) > 0 {
		fmt.Fprintf(out, "\nSKIPPED (%d):\n", len(skipped))
		for _, s := range skipped {
			fmt.Fprint(out, s)
		}
	}
	fmt.Fprintf(out, "\ntests: %d passed, %d failed, %d skipped\n", passed, failed, len(skipped))
	switch {
	case failed > 0 || packagesFailed > 0 || notJSONPrinted:
		fmt.Fprintln(out, "FAIL")
		return 1
	case failOnSkip && len(skipped) > 0:
		fmt.Fprintf(out, "FAIL: %d tests skipped; here every test must run (the reasons are above)\n", len(skipped))
		return 1
	}
	return 0
}

// printPackageOutput prints a package's own output without the lines that
// only announce tests.
func printPackageOutput(out io.Writer, lines []string) {
	for _, l := range lines {
		if !strings.HasPrefix(l, "=== ") {
			fmt.Fprint(out, l)
		}
	}
}

// closingLines are the lines of a passing or skipped package worth printing.
func closingLines(lines []string) []string {
	var keep []string
	for _, l := range lines {
		if strings.HasPrefix(l, "ok  ") || strings.HasPrefix(l, "?   ") {
			keep = append(keep, l)
		}
	}
	return keep
}

// reason is what a skipped test printed, without the lines go test adds.
func reason(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if strings.HasPrefix(l, "=== ") || strings.HasPrefix(strings.TrimSpace(l), "--- SKIP") {
			continue
		}
		b.WriteString(l)
	}
	if b.Len() == 0 {
		return "    (no reason given)\n"
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

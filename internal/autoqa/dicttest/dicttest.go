// Package dicttest lets tests require Hunspell dictionaries: a test that
// needs one skips, saying which Debian package to install, when the
// machine lacks it; under CI (CI set, as .ci/run has it, which installs
// them) it fails instead, so CI cannot silently lose the spelling check.
package dicttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir is where Debian's hunspell-* packages put their dictionaries.
const Dir = "/usr/share/hunspell"

// Need stops the test unless every dictionary in names (en_US, en_GB,
// de_DE, …) is in Dir.
func Need(tb testing.TB, names ...string) {
	tb.Helper()
	var missing []string
	for _, n := range names {
		for _, ext := range []string{".aff", ".dic"} {
			if _, err := os.Stat(filepath.Join(Dir, n+ext)); err != nil {
				missing = append(missing, "hunspell-"+strings.ToLower(strings.ReplaceAll(n, "_", "-")))
				break
			}
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "Hunspell dictionaries missing from " + Dir + ": apt-get install " + strings.Join(missing, " ")
	if os.Getenv("CI") != "" {
		tb.Fatal(msg + " (.ci/run installs them)")
	}
	tb.Skip(msg)
}

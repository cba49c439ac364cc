package main

import (
	"path/filepath"
	"strings"
)

// extFormat is the format the extension of the output file out names among
// formats (keyed by lower-case extension, dot included: ".csv"), and
// whether it names one. Every command with --out and --format reads the
// extension through it, so plan.csv means CSV to all of them.
func extFormat[F ~string](out string, formats map[string]F) (F, bool) {
	f, ok := formats[strings.ToLower(filepath.Ext(out))]
	return f, ok
}

// formatOrExt is the output format of a command whose --out file may name
// it: --format when given (it wins over any extension), else the format
// out's extension names, else the default, format.
func formatOrExt(format string, given bool, out string, formats map[string]string) string {
	if f, ok := extFormat(out, formats); ok && !given {
		return f
	}
	return format
}

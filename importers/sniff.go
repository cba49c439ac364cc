package importers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
)

// Layouts Sniff tells apart: the three parley import reads, and one it
// does not (a whole JSON document) that is easily mistaken for JSON lines.
const (
	LayoutJSONLines    = "jsonl"
	LayoutCSV          = "csv"
	LayoutTWCS         = "twcs"
	LayoutJSONDocument = "json"
)

// Sniff guesses the layout of an input from its first line (head is the
// input's first bytes; a few kilobytes are plenty) and, when that line says
// nothing, from the extension of its name. It is a cheap guess, made to
// explain an import that found nothing valid, never to choose a format:
// "" means no guess.
//
// A first line that is one complete JSON value starting with { is JSON
// lines; one that starts with [, or is { alone, is a JSON document (an
// array, or pretty-printed); a CSV header with every column of the
// Twitter support data is TWCS; any other line with two or more
// comma-, tab- or semicolon-separated fields is CSV.
func Sniff(name string, head []byte) string {
	line := firstLine(head)
	switch {
	case len(line) == 0:
	case line[0] == '[' || string(line) == "{":
		return LayoutJSONDocument
	case line[0] == '{':
		if json.Valid(line) {
			return LayoutJSONLines
		}
		// Broken JSON, a Python dict, or a line longer than head: the
		// extension may know better.
	default:
		for _, comma := range []rune{',', '\t', ';'} {
			cr := csv.NewReader(bytes.NewReader(line))
			cr.Comma, cr.LazyQuotes = comma, true
			fields, err := cr.Read()
			if err != nil || len(fields) < 2 {
				continue
			}
			if comma == ',' && hasAll(fields, twcsColumns) {
				return LayoutTWCS
			}
			return LayoutCSV
		}
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return LayoutJSONLines
	case ".json":
		return LayoutJSONDocument
	case ".csv", ".tsv":
		return LayoutCSV
	}
	return ""
}

// firstLine is head's first line that is not blank, trimmed, without a
// UTF-8 byte order mark.
func firstLine(head []byte) []byte {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte("\n"))
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line
		}
		head = rest
	}
	return nil
}

func hasAll(fields, want []string) bool {
	for _, w := range want {
		if !slices.Contains(fields, w) {
			return false
		}
	}
	return true
}

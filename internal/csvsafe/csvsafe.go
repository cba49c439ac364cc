// Package csvsafe neutralises spreadsheet formulas in the CSV cells Parley writes for people, reversibly.
//
// A spreadsheet that opens a CSV evaluates a cell starting with =, +, - or @
// as a formula, which can fetch URLs or run commands (OWASP's "CSV
// injection"); OWASP lists tab and carriage return too, because some
// spreadsheets strip them before they look. Escape puts a single quote in
// front of such a cell, the spreadsheet convention for "this is text".
//
// The rule is reversible so that Parley reads its own files back unchanged
// (the QA ledger): a cell that already starts with a quote gets one more,
// and Unescape removes exactly one leading quote, so Unescape(Escape(s)) == s
// for every s.
//
// Only text cells are escaped. Numbers Parley formats itself (counts,
// durations, scores, forecasts, some of which can be negative) are written
// as they are, so a spreadsheet still sums them; a text cell that happens to
// look like a number ("-5" as an id) is escaped like any other text.
package csvsafe

import "strings"

// Escape returns s as a CSV text cell a spreadsheet shows as text: s with a
// single quote in front when it starts with =, +, -, @, tab, carriage return
// or a single quote; s itself otherwise.
func Escape(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}

// Unescape reverses Escape: it removes one leading single quote. Apply it
// only to text cells of files Parley wrote with Escape.
func Unescape(s string) string {
	return strings.TrimPrefix(s, "'")
}

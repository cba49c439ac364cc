// Package sql embeds every SQL statement Parley runs, so data teams read and reuse the same definitions the dashboards use.
//
// Each folder belongs to one stage: build/ makes the warehouse (files run in
// name order), reports/ feeds the dashboards, qa/ the review samples and
// forecast/ the arrival counts. Import it as parleysql to keep database/sql's name free.
package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// FS holds every .sql file, by path relative to this folder.
//
//go:embed build reports qa forecast
var FS embed.FS

// File returns one embedded statement. A missing name is a programming error
// (the files are compiled in), so it panics with the name instead of returning an error.
func File(name string) string {
	b, err := FS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("sql: no embedded file %s: %v", name, err))
	}
	return string(b)
}

// Dir lists the .sql files of one folder in run order (their names sort in it).
func Dir(dir string) ([]string, error) {
	entries, err := fs.ReadDir(FS, dir)
	if err != nil {
		return nil, fmt.Errorf("sql: list %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".sql" {
			names = append(names, path.Join(dir, e.Name()))
		}
	}
	slices.Sort(names)
	return names, nil
}

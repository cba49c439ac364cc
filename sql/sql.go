// Package sqlfiles (folder sql/) embeds every SQL statement Parley runs, so
// data teams read and reuse the same definitions the dashboards use. It is
// not named sql so that database/sql keeps its name in the files that use
// both.
//
// Each folder belongs to one stage: build/ makes the warehouse (its files
// run in the order build/plan declares, which is their numbers),
// dashboards/ feeds the dashboards, qa/ the review samples, forecast/ the
// arrival counts, sandbox/ locks down the warehouse for parley sql and
// parley export, run/ and serve/ hold the lookups of parley run and parley
// serve, filters/ the values parley report and parley qa sample check their
// filters against.
package sqlfiles

import (
	"context"
	dsql "database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"time"
)

// FS holds every .sql file, by path relative to this folder.
//
//go:embed build dashboards qa forecast sandbox run serve filters
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

// Exec runs one embedded file on conn and logs how long it took as
// "STAGE: ran FILE", wall time (elapsed) and the process's CPU time (cpu,
// all threads: on a shared machine it varies far less than the wall time);
// its error names the stage and the file. The build's stages run their
// files through it.
func Exec(ctx context.Context, conn *dsql.Conn, log *slog.Logger, stage, name string, args ...any) error {
	t, cpu := time.Now(), ProcessCPU()
	if _, err := conn.ExecContext(ctx, File(name), args...); err != nil {
		return fmt.Errorf("%s: run %s: %w", stage, name, err)
	}
	log.Info(stage+": ran "+path.Base(name), "elapsed", time.Since(t).Round(time.Millisecond), "cpu", (ProcessCPU() - cpu).Round(time.Millisecond))
	return nil
}

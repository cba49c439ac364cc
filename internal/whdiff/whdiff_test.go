package whdiff_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/internal/whdiff"
)

// write makes a warehouse file at dir/name from statements.
func write(t *testing.T, dir, name string, stmts ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	db, err := warehouse.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

func TestCheck(t *testing.T) {
	base := []string{
		"CREATE TABLE t (id INTEGER, x DOUBLE, day TIMESTAMP)",
		"INSERT INTO t VALUES (1, 0.1, '2026-01-01'), (2, 0.2, '2026-01-02'), (2, 0.2, '2026-01-02')",
		"CREATE VIEW v AS SELECT id, sum(x) AS s FROM t GROUP BY id",
	}
	cases := []struct {
		name   string
		b      []string
		ignore []string
		differ string // the objects Check names, "" for none
	}{
		{name: "same rows in another order", b: []string{
			"CREATE TABLE t (id INTEGER, x DOUBLE, day TIMESTAMP)",
			"INSERT INTO t VALUES (2, 0.2, '2026-01-02'), (1, 0.1, '2026-01-01'), (2, 0.2, '2026-01-02')",
			"CREATE VIEW v AS SELECT id, sum(x) AS s FROM t GROUP BY id",
		}},
		{name: "a double's last bit", differ: "t", b: []string{
			"CREATE TABLE t (id INTEGER, x DOUBLE, day TIMESTAMP)",
			"INSERT INTO t VALUES (1, 0.1, '2026-01-01'), (2, nextafter(0.2, 1), '2026-01-02'), (2, 0.2, '2026-01-02')",
			"CREATE VIEW v AS SELECT id, sum(x) AS s FROM t GROUP BY id",
		}},
		{name: "a duplicate row fewer", differ: "t, v", b: []string{
			"CREATE TABLE t (id INTEGER, x DOUBLE, day TIMESTAMP)",
			"INSERT INTO t VALUES (1, 0.1, '2026-01-01'), (2, 0.2, '2026-01-02')",
			"CREATE VIEW v AS SELECT id, sum(x) AS s FROM t GROUP BY id",
		}},
		{name: "an ignored column", ignore: []string{"t.day"}, b: []string{
			"CREATE TABLE t (id INTEGER, x DOUBLE, day TIMESTAMP)",
			"INSERT INTO t VALUES (1, 0.1, '2027-01-01'), (2, 0.2, '2026-01-02'), (2, 0.2, '2026-01-02')",
			"CREATE VIEW v AS SELECT id, sum(x) AS s FROM t GROUP BY id",
		}},
		{name: "an object in one only, another column type", differ: "t, v, w", b: []string{
			"CREATE TABLE t (id BIGINT, x DOUBLE, day TIMESTAMP)",
			"CREATE VIEW v AS SELECT id, sum(x) AS s FROM t GROUP BY id",
			"CREATE TABLE w (id INTEGER)",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b := write(t, dir, "a.duckdb", base...), write(t, dir, "b.duckdb", tc.b...)
			_, err := whdiff.Check(context.Background(), a, b, tc.ignore...)
			switch {
			case tc.differ == "" && err != nil:
				t.Errorf("want no difference, got %v", err)
			case tc.differ != "" && !errors.Is(err, whdiff.ErrDiffer):
				t.Errorf("want ErrDiffer naming %s, got %v", tc.differ, err)
			case tc.differ != "" && !strings.HasSuffix(err.Error(), ": "+tc.differ):
				t.Errorf("%v: want the objects %s named", err, tc.differ)
			}
		})
	}
}

package warehouse

import (
	"errors"
	"slices"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name   string
		script string
		want   []string
	}{
		{"one", "SELECT 1", []string{"SELECT 1"}},
		{"one with semicolon", "SELECT 1;\n", []string{"SELECT 1;"}},
		{"two", "SELECT 1; SELECT 2", []string{"SELECT 1;", "SELECT 2"}},
		{"semicolon in a string", "SELECT ';' AS s; SELECT 2;", []string{"SELECT ';' AS s;", "SELECT 2;"}},
		{"semicolon in a quoted name", `SELECT 1 AS "a;b"; SELECT 2`, []string{`SELECT 1 AS "a;b";`, "SELECT 2"}},
		{"semicolon in a dollar string", "SELECT $$x;y$$; SELECT 2", []string{"SELECT $$x;y$$;", "SELECT 2"}},
		{"semicolon in a block comment", "SELECT /* ; */ 1; SELECT 2", []string{"SELECT /* ; */ 1;", "SELECT 2"}},
		{"semicolon in a line comment", "SELECT 1 -- first; not the end\n; SELECT 2", []string{"SELECT 1 -- first; not the end\n;", "SELECT 2"}},
		{"line comment holding a statement", "SELECT 1 x -- ; SELECT 666\n; SELECT 2", []string{"SELECT 1 x -- ; SELECT 666\n;", "SELECT 2"}},
		{"empty statements", "SELECT 1;;\n; SELECT 2;", []string{"SELECT 1;", ";\n; SELECT 2;"}},
		{"trailing comment", "SELECT 1; SELECT 2; -- done\n", []string{"SELECT 1;", "SELECT 2; -- done"}},
		{"write hidden after a query", "SELECT 1; COPY (SELECT 1) TO '/tmp/x.csv'", []string{"SELECT 1;", "COPY (SELECT 1) TO '/tmp/x.csv'"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SplitStatements(c.script)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("SplitStatements(%q) =\n%q\nwant\n%q", c.script, got, c.want)
			}
			// Every part is one statement to DuckDB's parser.
			p, err := sharedParser()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range got {
				if n, err := p.count(s); err != nil || n != 1 {
					t.Errorf("part %q: %d statements, %v", s, n, err)
				}
			}
		})
	}
	for _, bad := range []string{"", "  -- only a comment\n", ";;", "SELEC 1; SELECT 2", "SELECT 'unterminated; SELECT 2"} {
		if got, err := SplitStatements(bad); err == nil {
			t.Errorf("SplitStatements(%q) = %q, want an error", bad, got)
		}
	}
	if _, err := SplitStatements("-- nothing"); !errors.Is(err, ErrNoStatement) {
		t.Errorf("comment only: %v, want ErrNoStatement", err)
	}
}

package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/warehouse"
)

// TestVersionOfBuiltBinary builds parley as a user does (plain go build, no
// tags), then checks that `parley --version`, `parley version`, the lake's
// Parquet created_by and warehouse_info all report what the Go toolchain
// stamped into the binary (read back with `go version -m`) and the DuckDB
// that DuckDB itself reports. In a git clone that includes the commit; where
// the toolchain records none (a git worktree, -buildvcs=false) it is empty.
func TestVersionOfBuiltBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "parley")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	stamped, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	var module, revision string
	sc := bufio.NewScanner(bytes.NewReader(stamped))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 3 && f[0] == "mod":
			module = f[2]
		case len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			revision = strings.TrimPrefix(f[1], "vcs.revision=") + revision
		case len(f) == 2 && f[0] == "build" && f[1] == "vcs.modified=true":
			revision += "-modified"
		}
	}
	if module == "" {
		t.Fatalf("go version -m shows no module version:\n%s", stamped)
	}
	db, err := warehouse.Open(filepath.Join(dir, "probe.duckdb"), false)
	if err != nil {
		t.Fatal(err)
	}
	var duck string
	if err := db.QueryRow("SELECT version()").Scan(&duck); err != nil {
		t.Fatal(err)
	}
	db.Close()

	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	printed := run("version")
	if flag := run("--version"); flag != printed {
		t.Errorf("--version printed\n%s\nversion printed\n%s", flag, printed)
	}
	for _, want := range []string{"parley " + module + "\n", "  duckdb   " + duck + "\n", "  revision " + or(revision, "unknown")} {
		if !strings.Contains(printed, want) {
			t.Errorf("parley version printed\n%s\nwant a line %q", printed, want)
		}
	}

	// main turns usage errors into exit status 2.
	var exit *exec.ExitError
	if out, err := exec.Command(bin, "biuld").CombinedOutput(); !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "did you mean build?") {
		t.Errorf("parley biuld: %v\n%s\nwant exit status 2 and a suggestion", err, out)
	}

	lakeDir := filepath.Join(dir, "lake")
	run("import", "--lake", lakeDir, filepath.Join("..", "..", "testdata", "metrics", "basic.jsonl"))
	files, _ := filepath.Glob(filepath.Join(lakeDir, "events", "date=*", "*.parquet"))
	if len(files) == 0 {
		t.Fatal("import wrote no lake file")
	}
	if got, want := createdBy(t, files[0]), "parley version "+module+" (build "+revision+")"; got != want {
		t.Errorf("lake file created_by %q, want %q", got, want)
	}
	run("build", "--lake", lakeDir)
	wh, err := warehouse.Open(filepath.Join(dir, "warehouse.duckdb"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	var pv, pr, dv string
	if err := wh.QueryRow("SELECT parley_version, parley_revision, duckdb_version FROM warehouse_info").Scan(&pv, &pr, &dv); err != nil {
		t.Fatal(err)
	}
	if pv != module || pr != revision || dv != duck {
		t.Errorf("warehouse_info records %q, %q, %q; want %q, %q, %q", pv, pr, dv, module, revision, duck)
	}
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// createdBy is the created_by of a Parquet file's footer.
func createdBy(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	return pf.Metadata().CreatedBy
}

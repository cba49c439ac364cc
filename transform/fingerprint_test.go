package transform

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/parley-cx/parley/internal/config"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// TestFingerprintCoversEveryBuildFile changes each embedded build SQL file
// in turn, the statements Go runs from build/stmt included, and requires a
// different fingerprint each time: a warehouse built by other SQL must never
// be updated in place.
func TestFingerprintCoversEveryBuildFile(t *testing.T) {
	files := fstest.MapFS{}
	var build []string
	err := fs.WalkDir(sqlfiles.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sqlfiles.FS, name)
		if err != nil {
			return err
		}
		files[name] = &fstest.MapFile{Data: b}
		if strings.HasPrefix(name, "build/") && strings.HasSuffix(name, ".sql") {
			build = append(build, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	settings := config.Default()
	base, err := fingerprint(files, settings)
	if err != nil {
		t.Fatal(err)
	}
	if want := Fingerprint(settings); base != want {
		t.Fatalf("fingerprint of the copied files %s, of the embedded ones %s", base, want)
	}
	var stmt int
	for _, name := range build {
		if strings.HasPrefix(name, "build/stmt/") {
			stmt++
		}
		orig := files[name].Data
		files[name] = &fstest.MapFile{Data: append([]byte("-- changed\n"), orig...)}
		got, err := fingerprint(files, settings)
		files[name] = &fstest.MapFile{Data: orig}
		if err != nil {
			t.Fatal(err)
		}
		if got == base {
			t.Errorf("changing %s leaves the fingerprint unchanged", name)
		}
	}
	if stmt == 0 || len(build) < 20 {
		t.Fatalf("only %d build files (%d in build/stmt): the walk misses files", len(build), stmt)
	}
	// A file outside build/ (a report query) does not change what a build computes.
	files["dashboards/period.sql"] = &fstest.MapFile{Data: []byte("SELECT 1")}
	if got, _ := fingerprint(files, settings); got != base {
		t.Error("a report query changed the build fingerprint")
	}
}

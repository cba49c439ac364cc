package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrite covers the outcomes of one replacement: the new content lands,
// or the write fails and the old file is still there, whole, with no
// temporary file left beside it.
func TestWrite(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name string
		// setup prepares dir and returns the target path.
		setup   func(t *testing.T, dir string) string
		write   func(io.Writer) error
		wantErr string // "" means success
		want    string // the target's content afterwards
	}{
		{
			name:  "new file in a new folder",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "a", "b", "out.csv") },
			write: content("new"),
			want:  "new",
		},
		{
			name:  "replaces an existing file",
			setup: existing("old"),
			write: content("new"),
			want:  "new",
		},
		{
			name:    "failed write keeps the old file",
			setup:   existing("old"),
			write:   func(w io.Writer) error { w.Write([]byte("half")); return errBoom },
			wantErr: "boom",
			want:    "old",
		},
		{
			name: "folder that is a file",
			setup: func(t *testing.T, dir string) string {
				writeTestFile(t, filepath.Join(dir, "plain"), "x")
				return filepath.Join(dir, "plain", "out.csv")
			},
			write:   content("new"),
			wantErr: "create folder",
		},
		{
			name: "target that is a folder keeps it",
			setup: func(t *testing.T, dir string) string {
				target := filepath.Join(dir, "target")
				writeTestFile(t, filepath.Join(target, "inside"), "old")
				return target
			},
			write:   content("new"),
			wantErr: "rename",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			err := Write(path, Options{}, tt.write)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Write: %v", err)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Write: err = %v, want one saying %q", err, tt.wantErr)
				}
			}
			if tt.want != "" {
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Errorf("content = %q, want %q", got, tt.want)
				}
			}
			assertNoTemp(t, dir)
		})
	}
}

// TestWriteUnwritableFolder writes into a folder no process may create files
// in (procfs refuses even root, which a chmod would not stop).
func TestWriteUnwritableFolder(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("needs Linux's /proc, which refuses new files even to root")
	}
	err := WriteFile("/proc/parley-atomicfile-test", []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "create temporary file") {
		t.Fatalf("WriteFile into /proc: err = %v, want a refusal to create the temporary file", err)
	}
}

func TestWriteFileMode(t *testing.T) {
	tests := []struct {
		name string
		perm os.FileMode
		want os.FileMode
	}{
		{"default", 0, 0o644},
		{"kept from the caller", 0o600, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			if err := Write(path, Options{Perm: tt.perm}, content("x")); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Mode().Perm(); got != tt.want {
				t.Errorf("mode = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFileStages walks the stages callers that publish later rely on: the
// temporary file is invisible under the final name until Rename, Cleanup
// removes an abandoned one and leaves a renamed one alone.
func TestFileStages(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.parquet")
	f, err := Create(path, Options{Pattern: TempPrefix + "x.*.part"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(f.Name()), TempPrefix) || !strings.HasSuffix(f.Name(), ".part") {
		t.Errorf("temporary name %s does not follow the pattern", f.Name())
	}
	if _, err := f.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	if err := f.Seal(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("final path exists before Rename: %v", err)
	}
	f.SetName("renamed.parquet") // named once complete, as an import is
	path = filepath.Join(dir, "renamed.parquet")
	if f.Path() != path {
		t.Errorf("Path after SetName = %s, want %s", f.Path(), path)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Cleanup(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "data" {
		t.Fatalf("after Commit and Cleanup: %q, %v", got, err)
	}

	abandoned, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	abandoned.Write([]byte("never published"))
	if err := abandoned.Cleanup(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "data" {
		t.Errorf("Cleanup of an abandoned file changed the target: %q", got)
	}
	assertNoTemp(t, dir)
}

func TestPublish(t *testing.T) {
	dir := t.TempDir()
	tmp, path := filepath.Join(dir, "scratch"), filepath.Join(dir, "final")
	writeTestFile(t, tmp, "written elsewhere")
	writeTestFile(t, path, "old")
	if err := Publish(tmp, path); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "written elsewhere" {
		t.Errorf("content = %q", got)
	}
	// A missing source fails and leaves the target alone.
	if err := Publish(filepath.Join(dir, "missing"), path); err == nil {
		t.Fatal("Publish of a missing file succeeded")
	}
	if got, _ := os.ReadFile(path); string(got) != "written elsewhere" {
		t.Errorf("failed Publish changed the target: %q", got)
	}
}

func TestSyncDirMissing(t *testing.T) {
	if err := SyncDir(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("SyncDir of a missing folder succeeded")
	}
}

func content(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func existing(s string) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		path := filepath.Join(dir, "out.csv")
		writeTestFile(t, path, s)
		return path
	}
}

func writeTestFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// assertNoTemp fails if a temporary file is left anywhere under dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), TempPrefix) {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

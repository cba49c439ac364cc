package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/marcboeker/go-duckdb/v2"

	sqlfiles "github.com/parley-cx/parley/sql"
)

// ErrReadFolder is returned when a folder given in Sandbox.AllowRead cannot
// be opened for reading safely: it does not exist, is not a folder, or a
// link inside it leads out of it.
var ErrReadFolder = errors.New("folder cannot be opened for reading")

// Sandbox says what OpenSandbox leaves open besides reading the warehouse.
type Sandbox struct {
	// AllowRead lists folders whose files queries may read (read_csv,
	// read_parquet, glob, ...), by absolute path or by the path as given
	// here. Links inside a folder must stay inside it, or OpenSandbox fails
	// with ErrReadFolder: DuckDB follows links without checking where they go.
	AllowRead []string
	// WriteIn, when set, is the folder of the files parley itself writes
	// through DuckDB (export, sql --out). OpenSandbox makes a fresh private
	// scratch folder inside it (DB.Scratch), the only place DuckDB may write;
	// the caller renames the finished files out of it, and Close removes it.
	WriteIn string
}

// OpenSandbox opens the warehouse at path for statements parley did not
// write (parley sql, parley export of views a warehouse may define):
// read-only, with no extension installed or loaded, no file or URL opened
// outside sb's folders, and the configuration locked so that no later
// statement can undo any of it. The views and macros the file defines
// must call only AllowedTableFunctions (else ErrFunctionRefused). Callers
// still check each user statement with CheckQuery: DuckDB itself would let
// one write inside sb's folders.
//
// DuckDB shares one instance per file within a process, so while a
// sandbox is open, opening the same file again in this process fails
// (its configuration is locked, or differs) rather than sharing it.
func OpenSandbox(path string, sb Sandbox) (*DB, error) {
	if err := checkPath(path, true); err != nil {
		return nil, err
	}
	allowed, err := readFolders(sb.AllowRead)
	if err != nil {
		return nil, err
	}
	var scratch string
	if sb.WriteIn != "" {
		// Private and empty: a query that may read here finds nothing of the user's.
		if scratch, err = os.MkdirTemp(sb.WriteIn, "_tmp-parley-*"); err != nil {
			return nil, fmt.Errorf("warehouse: create scratch folder: %w", err)
		}
		if scratch, err = filepath.Abs(scratch); err != nil {
			os.RemoveAll(scratch)
			return nil, fmt.Errorf("warehouse: scratch folder: %w", err)
		}
		allowed = append(allowed, scratch)
	}
	// Options that need no order go in the DSN; the folder list and the
	// lock must run in order, so they are statements (sql/sandbox/).
	dsn := path + "?access_mode=read_only&autoinstall_known_extensions=false&autoload_known_extensions=false&allow_community_extensions=false"
	c, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		os.RemoveAll(scratch)
		return nil, fmt.Errorf("warehouse: open %s: %w", path, err)
	}
	db := &DB{DB: sql.OpenDB(c), connector: c, scratch: scratch}
	if err := db.lock(allowed); err != nil {
		return nil, errors.Join(fmt.Errorf("warehouse: sandbox %s: %w", path, err), db.Close())
	}
	if err := db.checkDefinitions(context.Background()); err != nil {
		return nil, errors.Join(fmt.Errorf("warehouse: sandbox %s: %w", path, err), db.Close())
	}
	return db, nil
}

// lock runs the sandbox statements. The settings are global to the
// database, so every later connection of the pool is locked too.
func (db *DB) lock(allowed []string) error {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if allowed == nil {
		allowed = []string{}
	}
	if _, err := conn.ExecContext(ctx, sqlfiles.File("sandbox/allow.sql"), allowed); err != nil {
		return fmt.Errorf("allow folders: %w", err)
	}
	if _, err := conn.ExecContext(ctx, sqlfiles.File("sandbox/lock.sql")); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}

// Scratch is the private folder OpenSandbox made inside Sandbox.WriteIn, or
// "" without one. Close removes it with whatever is left in it.
func (db *DB) Scratch() string { return db.scratch }

// readFolders checks each folder and returns the spellings DuckDB must
// accept for it: DuckDB compares path prefixes as written, so a folder is
// allowed as given, as an absolute path, and with its links resolved.
func readFolders(dirs []string) ([]string, error) {
	var out []string
	for _, dir := range dirs {
		given := filepath.Clean(dir)
		abs, err := filepath.Abs(given)
		if err != nil {
			return nil, fmt.Errorf("warehouse: %s: %w: %v", dir, ErrReadFolder, err)
		}
		resolved, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("warehouse: %s: %w: %v", dir, ErrReadFolder, err)
		}
		info, err := os.Stat(resolved)
		if err != nil {
			return nil, fmt.Errorf("warehouse: %s: %w: %v", dir, ErrReadFolder, err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("warehouse: %s: %w: not a folder", dir, ErrReadFolder)
		}
		if err := linksStayInside(resolved); err != nil {
			return nil, fmt.Errorf("warehouse: %s: %w", dir, err)
		}
		out = append(out, given, abs, resolved)
	}
	return out, nil
}

// linksStayInside walks root and fails on the first link that resolves
// outside it (or does not resolve). The check runs once, when the
// warehouse is opened; a link made in root while a query runs is not seen,
// so root should be a folder only its owner writes to.
func linksStayInside(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%w: cannot check %s: %v", ErrReadFolder, p, err)
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			return fmt.Errorf("%w: %s is a link that does not resolve: %v", ErrReadFolder, p, err)
		}
		if !inside(root, target) {
			return fmt.Errorf("%w: %s is a link to %s, outside the folder (remove the link or allow a folder without it)", ErrReadFolder, p, target)
		}
		return nil
	})
}

// inside reports whether p is root or lies under it; both are clean and absolute.
func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

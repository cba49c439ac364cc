// Package transform turns the Parquet lake's raw events into the warehouse's `events` table: deduplicated, ordered and split into episodes.
package transform

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/build/plan"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// ErrNoEvents is returned when Lake holds no complete events file and is
// no lake at all (none of a lake's folders: a mistyped path). A lake whose
// events are all gone (retention dropped every partition) builds an empty
// warehouse instead: keeping the old one would keep the expired data.
var ErrNoEvents = errors.New("no complete events files in the lake")

// ErrFullRebuild is returned by an incremental run when the warehouse
// cannot be updated in place and must be rebuilt from scratch: it was built
// by other settings or SQL, or a lake file it was built from is gone or was
// rewritten (compaction, erasure, retention). The error says which.
var ErrFullRebuild = errors.New("the warehouse needs a full rebuild")

// Config says where to read and write.
type Config struct {
	// Lake is the lake root (the folder holding events/).
	Lake string
	// Source is the lake the warehouse records as built from
	// (build_state.lake) when Lake is a local copy of it: an s3:// lake's
	// cache folder. Empty means Lake's absolute path.
	Source string
	// DB is the warehouse file. A full run expects a new, empty file; an
	// incremental run updates the warehouse a previous run wrote there.
	DB string
	// Settings supplies the organisation's time zone and the build's DuckDB
	// resources; nil means config.Default().
	Settings *config.Config
	// Incremental reads only the lake files DB was not built from and
	// replaces the events of the conversations they touch, ranking their new
	// rows together with the events DB kept for them.
	Incremental bool
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Stats describes one transform run.
type Stats struct {
	Files         int   // lake files in the lake
	NewFiles      int   // lake files not built before (all of them in a full run)
	RawRows       int64 // rows in the lake files, duplicates included
	Events        int64 // rows of the events table
	Duplicates    int64 // RawRows - Events
	Conversations int64
	// Conflicts counts the dropped copies whose content differed from the
	// kept copy of their event_id: the rows of duplicate_conflicts.
	Conflicts int64
	// Incremental says the run updated a warehouse built before.
	Incremental bool
	// Affected is how many conversations an incremental run recomputed.
	Affected int64
	// OffsetGaps is how many gap records the lake holds (Kafka offsets
	// deleted before ingest read them; table ingest_gaps).
	OffsetGaps int
	// GapsChanged says the gap records differ from those the warehouse was
	// built with: an incremental run with no new files must still go on.
	GapsChanged bool
	// ReviewFiles is how many files the lake's QA reviews dataset holds
	// (table qa_review_rows); ReviewsChanged says their rows differ from
	// those the warehouse was built with, which, like new gap records,
	// makes an incremental run with no new events files go on.
	ReviewFiles    int
	ReviewsChanged bool
	Elapsed        time.Duration
}

// lakeFile is one complete lake file as the file system reports it now.
type lakeFile struct {
	path     string
	size     int64
	modified time.Time
}

// Run builds the warehouse's events table in cfg.DB from the lake: all of
// it, or with cfg.Incremental only what changed since the last run.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	start := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	settings, err := config.OrDefault(cfg.Settings)
	if err != nil {
		return Stats{}, fmt.Errorf("transform: settings: %w", err)
	}
	glob := lake.EventsGlob(cfg.Lake)
	files, err := listFiles(glob)
	if err != nil {
		return Stats{}, err
	}
	if len(files) == 0 && !lake.Holds(cfg.Lake) {
		return Stats{}, fmt.Errorf("transform: %s: %w", glob, ErrNoEvents)
	}
	gaps, err := filepath.Glob(lake.GapsGlob(cfg.Lake))
	if err != nil {
		return Stats{}, fmt.Errorf("transform: list gap records: %w", err)
	}
	reviews, err := filepath.Glob(lake.ReviewsGlob(cfg.Lake))
	if err != nil {
		return Stats{}, fmt.Errorf("transform: list reviews files: %w", err)
	}
	log.Info("transform: reading lake", "files", len(files), "lake", cfg.Lake, "incremental", cfg.Incremental)

	db, err := warehouse.Open(settings.Build.DSN(cfg.DB), false)
	if err != nil {
		return Stats{}, fmt.Errorf("transform: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return Stats{}, errors.Join(fmt.Errorf("transform: connect: %w", err), db.Close())
	}
	lakePath := cfg.Source
	if lakePath == "" {
		if lakePath, err = filepath.Abs(cfg.Lake); err != nil {
			return Stats{}, errors.Join(fmt.Errorf("transform: %w", err), conn.Close(), db.Close())
		}
	}
	r := &runner{
		conn: conn, log: log, params: plan.Params(settings), fingerprint: Fingerprint(settings),
		settings: settings.SemanticYAML(), lake: lakePath,
		incremental: cfg.Incremental, files: files, gaps: gaps, reviews: reviews,
	}
	stats, runErr := r.run(ctx)
	if err := conn.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("transform: close connection: %w", err)
	}
	if err := db.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("transform: close %s: %w", cfg.DB, err)
	}
	if runErr != nil {
		return Stats{}, runErr
	}
	stats.Files = len(files)
	stats.Elapsed = time.Since(start)
	log.Info("transform: done", "events", stats.Events, "duplicates", stats.Duplicates,
		"conversations", stats.Conversations, "new_files", stats.NewFiles, "affected", stats.Affected,
		"elapsed", stats.Elapsed.Round(time.Millisecond))
	if stats.Conflicts > 0 {
		// Only the first-ingested copy of each event is kept; these others
		// said something else, which no metric shows.
		log.Warn("transform: events delivered more than once with different content; the first-ingested copies are kept, the others are listed in the table duplicate_conflicts",
			"conflicts", stats.Conflicts, "query", "SELECT * FROM duplicate_conflicts")
	}
	return stats, nil
}

// Fingerprint identifies what a build computes: the settings that shape the
// metrics and every SQL file of the build (sql/build and its subfolders,
// the statements Go runs with parameters included). Warehouses with
// different fingerprints are never updated into one another.
func Fingerprint(settings *config.Config) string {
	sum, err := fingerprint(sqlfiles.FS, settings)
	if err != nil {
		// The files are compiled in; an unreadable folder is a programming error.
		panic(fmt.Sprintf("transform: fingerprint the build SQL: %v", err))
	}
	return sum
}

// fingerprint hashes settings and every .sql file under build/ in fsys, by
// path and content, in the order fs.WalkDir visits them (lexical).
func fingerprint(fsys fs.FS, settings *config.Config) (string, error) {
	h := sha256.New()
	h.Write([]byte(settings.Fingerprint()))
	err := fs.WalkDir(fsys, "build", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".sql" {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		// The length first, so that no split of bytes between a name and a
		// content hashes like another.
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func listFiles(glob string) ([]lakeFile, error) {
	paths, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("transform: list %s: %w", glob, err)
	}
	files := make([]lakeFile, 0, len(paths))
	for _, p := range paths {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed since the listing (retention, compaction): not part of this build
		}
		if err != nil {
			return nil, fmt.Errorf("transform: stat %s: %w", p, err)
		}
		// Microseconds: what a DuckDB TIMESTAMP keeps, so the stored value compares equal.
		files = append(files, lakeFile{path: p, size: fi.Size(), modified: fi.ModTime().UTC().Truncate(time.Microsecond)})
	}
	return files, nil
}

type runner struct {
	conn        *sql.Conn
	log         *slog.Logger
	params      map[string]any
	fingerprint string
	// settings is the SemanticYAML recorded beside the fingerprint, for
	// BuiltWith to say which settings a later build changes.
	settings string
	// lake is the lake's absolute path (or s3:// URL, Config.Source),
	// recorded for BuiltWith.
	lake string

	// What this run reads, and what it found: the hooks fill them in.
	incremental   bool
	files         []lakeFile // every complete events file of the lake
	newFiles      []lakeFile // those not built yet (all of them in a full run)
	gaps, reviews []string   // the lake's gap records and reviews files
	stats         Stats
}

func (r *runner) exec(ctx context.Context, name string, args ...any) error {
	return sqlfiles.Exec(ctx, r.conn, r.log, "transform", name, args...)
}

// run walks the transform's steps of the build plan (build/plan): each
// step's scope, its file, then its hook.
func (r *runner) run(ctx context.Context) (Stats, error) {
	r.stats = Stats{Incremental: r.incremental, OffsetGaps: len(r.gaps), ReviewFiles: len(r.reviews)}
	r.newFiles = r.files
	mode := "all"
	if r.incremental {
		mode = "affected"
	}
	for _, step := range plan.Of(plan.Transform) {
		switch step.Only {
		case plan.NewFiles:
			if len(r.newFiles) == 0 {
				continue
			}
		case plan.IncrementalWithNewFiles:
			if !r.incremental || len(r.newFiles) == 0 {
				continue
			}
		}
		if step.Scope != "" {
			if err := r.exec(ctx, "build/stmt/scope_"+mode+"_"+step.Scope+".sql"); err != nil {
				return r.stats, err
			}
		}
		if err := r.exec(ctx, step.Path(), step.Args(r.params)...); err != nil {
			return r.stats, err
		}
		if err := r.hook(ctx, step.Then); err != nil {
			return r.stats, err
		}
	}
	if len(r.newFiles) == 0 {
		if r.stats.UpToDate() {
			r.log.Info("transform: no new lake files; the warehouse is up to date")
			return r.stats, r.count(ctx, &r.stats)
		}
		// New gap records or reviews only: no conversation changes, but
		// what reads the whole warehouse (warehouse_info, the QA tables)
		// must be recomputed.
		r.log.Info("transform: no new lake files, but new offset gap records or reviews", "gap_records", len(r.gaps), "reviews_changed", r.stats.ReviewsChanged)
		if err := r.exec(ctx, "build/stmt/clear_affected.sql"); err != nil {
			return r.stats, err
		}
		return r.stats, r.count(ctx, &r.stats)
	}
	if err := r.record(ctx, r.newFiles); err != nil {
		return r.stats, err
	}
	return r.stats, r.count(ctx, &r.stats)
}

// hook runs the Go a transform step names.
func (r *runner) hook(ctx context.Context, h plan.Hook) error {
	var err error
	switch h {
	case plan.NoHook:
	case plan.ListNewFiles:
		if r.incremental {
			if r.newFiles, err = r.listNewFiles(ctx, r.files); err != nil {
				return err
			}
		}
		r.stats.NewFiles = len(r.newFiles)
		if len(r.newFiles) > 0 {
			err = r.exec(ctx, "build/stmt/lake_files.sql", paths(r.newFiles))
		}
	case plan.ReadAffected:
		if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/affected_count.sql")).Scan(&r.stats.Affected); err != nil {
			return fmt.Errorf("transform: count affected conversations: %w", err)
		}
		r.log.Info("transform: incremental", "new_files", len(r.newFiles), "conversations", r.stats.Affected)
		for _, name := range []string{"build/stmt/ranges.sql", "build/stmt/old_events.sql"} {
			if err := r.exec(ctx, name); err != nil {
				return err
			}
		}
	case plan.CheckKeptCopies:
		if r.incremental {
			err = r.checkKeptCopies(ctx)
		}
	case plan.LoadGaps:
		if r.stats.GapsChanged, err = r.loadGaps(ctx, r.gaps); err == nil && len(r.gaps) > 0 {
			r.log.Warn("transform: the lake records offset gaps: Kafka messages deleted before ingest read them (table ingest_gaps)", "gap_records", len(r.gaps))
		}
	case plan.LoadReviews:
		r.stats.ReviewsChanged, err = r.loadReviews(ctx, r.reviews)
	default:
		return fmt.Errorf("transform: the build plan names hook %d, which is not the transform's", h)
	}
	return err
}

// checkKeptCopies forces a full rebuild when a new lake file holds a copy
// of an event built before that was ingested before the copy kept: the
// kept copy would change, and with it rows this update does not recompute.
func (r *runner) checkKeptCopies(ctx context.Context) error {
	var lost int64
	if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/lost_kept.sql")).Scan(&lost); err != nil {
		return fmt.Errorf("transform: check kept copies: %w", err)
	}
	if lost > 0 {
		return fmt.Errorf("transform: %w: new lake files hold %d copies of events built before that were ingested before the copies kept", ErrFullRebuild, lost)
	}
	return nil
}

// loadGaps replaces ingest_gaps (created by 130_ingest_gaps.sql) with the
// lake's gap records and reports whether they differ from those the table held.
func (r *runner) loadGaps(ctx context.Context, gaps []string) (changed bool, err error) {
	var before, after string
	digest := sqlfiles.File("build/stmt/ingest_gaps_digest.sql")
	if err := r.conn.QueryRowContext(ctx, digest).Scan(&before); err != nil {
		return false, fmt.Errorf("transform: read ingest_gaps: %w", err)
	}
	if err := r.exec(ctx, "build/stmt/clear_ingest_gaps.sql"); err != nil {
		return false, err
	}
	if len(gaps) > 0 {
		if err := r.exec(ctx, "build/stmt/load_ingest_gaps.sql", gaps); err != nil {
			return false, err
		}
	}
	if err := r.conn.QueryRowContext(ctx, digest).Scan(&after); err != nil {
		return false, fmt.Errorf("transform: read ingest_gaps: %w", err)
	}
	return before != after, nil
}

// loadReviews replaces qa_review_rows (created by 135_qa_review_rows.sql)
// with the lake's reviews dataset and reports whether its rows differ from
// those the table held.
func (r *runner) loadReviews(ctx context.Context, files []string) (changed bool, err error) {
	var before, after string
	digest := sqlfiles.File("build/stmt/qa_review_rows_digest.sql")
	if err := r.conn.QueryRowContext(ctx, digest).Scan(&before); err != nil {
		return false, fmt.Errorf("transform: read qa_review_rows: %w", err)
	}
	if err := r.exec(ctx, "build/stmt/clear_qa_review_rows.sql"); err != nil {
		return false, err
	}
	if len(files) > 0 {
		if err := r.exec(ctx, "build/stmt/load_qa_review_rows.sql", files); err != nil {
			return false, err
		}
	}
	if err := r.conn.QueryRowContext(ctx, digest).Scan(&after); err != nil {
		return false, fmt.Errorf("transform: read qa_review_rows: %w", err)
	}
	return before != after, nil
}

// UpToDate says an incremental run found nothing to do: no new events
// file, and the gap records and reviews the warehouse holds are the lake's.
func (s Stats) UpToDate() bool {
	return s.Incremental && s.NewFiles == 0 && !s.GapsChanged && !s.ReviewsChanged
}

// listNewFiles compares the lake with the files the warehouse was built
// from and returns the ones not built yet, or ErrFullRebuild.
func (r *runner) listNewFiles(ctx context.Context, files []lakeFile) ([]lakeFile, error) {
	var fp string
	switch err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/build_state.sql")).Scan(&fp); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("transform: %w: the warehouse does not record how it was built", ErrFullRebuild)
	case err != nil:
		return nil, fmt.Errorf("transform: read build state: %w", err)
	case fp != r.fingerprint:
		return nil, fmt.Errorf("transform: %w: it was built with other settings or by another version of the build SQL", ErrFullRebuild)
	}
	rows, err := r.conn.QueryContext(ctx, sqlfiles.File("build/stmt/build_files.sql"))
	if err != nil {
		return nil, fmt.Errorf("transform: read built files: %w", err)
	}
	built := map[string]lakeFile{}
	for rows.Next() {
		var f lakeFile
		if err := rows.Scan(&f.path, &f.size, &f.modified); err != nil {
			rows.Close()
			return nil, fmt.Errorf("transform: read built files: %w", err)
		}
		built[f.path] = f
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("transform: read built files: %w", err)
	}
	var fresh []lakeFile
	for _, f := range files {
		old, ok := built[f.path]
		if !ok {
			fresh = append(fresh, f)
			continue
		}
		delete(built, f.path)
		if old.size != f.size || !old.modified.Equal(f.modified) {
			return nil, fmt.Errorf("transform: %w: lake file %s changed since the last build", ErrFullRebuild, f.path)
		}
	}
	for p := range built {
		return nil, fmt.Errorf("transform: %w: lake file %s is gone since the last build", ErrFullRebuild, p)
	}
	return fresh, nil
}

// BuildState is how a warehouse was built, as it recorded.
type BuildState struct {
	// Fingerprint is Fingerprint of the settings and build SQL.
	Fingerprint string
	// Settings is the settings' config.SemanticYAML; "" for a warehouse
	// built before Parley recorded them.
	Settings string
	// Lake is the absolute path of the lake it was built from, or its
	// s3://bucket/prefix (Config.Source); "" for a warehouse built before
	// Parley recorded it.
	Lake string
}

// BuiltWith reads how the warehouse file db was built; ok is false when
// there is no warehouse there yet or it records nothing.
func BuiltWith(ctx context.Context, db string) (state BuildState, ok bool, err error) {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return state, false, nil
	}
	w, err := warehouse.Open(db, true)
	if err != nil {
		return state, false, fmt.Errorf("transform: %w", err)
	}
	defer w.Close()
	state, ok, err = ReadBuildState(ctx, w)
	if err != nil {
		return state, false, fmt.Errorf("%w (%s)", err, db)
	}
	return state, ok, nil
}

// ReadBuildState is BuiltWith on a warehouse already open (a reader that
// holds it open, such as parley report, cannot open it a second time).
// A warehouse without the table build_state records nothing: ok is false.
func ReadBuildState(ctx context.Context, w *warehouse.DB) (state BuildState, ok bool, err error) {
	var has bool
	if err := w.QueryRowContext(ctx, sqlfiles.File("build/stmt/has_build_state.sql")).Scan(&has); err != nil {
		return state, false, fmt.Errorf("transform: look for the build state: %w", err)
	}
	if !has {
		return state, false, nil
	}
	var settings, lakePath sql.NullString
	switch err := w.QueryRowContext(ctx, sqlfiles.File("build/stmt/built_with.sql")).Scan(&state.Fingerprint, &settings, &lakePath); {
	case errors.Is(err, sql.ErrNoRows):
		return state, false, nil
	case err != nil:
		return state, false, fmt.Errorf("transform: read how the warehouse was built: %w", err)
	}
	state.Settings, state.Lake = settings.String, lakePath.String
	return state, true, nil
}

// record stores the new files and the fingerprint, so the next
// incremental run knows what this one built.
func (r *runner) record(ctx context.Context, newFiles []lakeFile) error {
	t := time.Now()
	defer func() {
		r.log.Info("transform: recorded built files", "files", len(newFiles), "elapsed", time.Since(t).Round(time.Millisecond))
	}()
	tx, err := r.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("transform: begin recording built files: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; Commit's error is the one that counts
	sizes, modified := make([]int64, len(newFiles)), make([]time.Time, len(newFiles))
	for i, f := range newFiles {
		sizes[i], modified[i] = f.size, f.modified
	}
	if _, err := tx.ExecContext(ctx, sqlfiles.File("build/stmt/record_files.sql"), paths(newFiles), sizes, modified); err != nil {
		return fmt.Errorf("transform: record built files: %w", err)
	}
	if _, err := tx.ExecContext(ctx, sqlfiles.File("build/stmt/set_build_state.sql"), r.fingerprint, r.settings, r.lake); err != nil {
		return fmt.Errorf("transform: record build state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("transform: commit built files: %w", err)
	}
	return nil
}

func (r *runner) count(ctx context.Context, s *Stats) error {
	t := time.Now()
	defer func() { r.log.Info("transform: counted rows", "elapsed", time.Since(t).Round(time.Millisecond)) }()
	if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/raw_rows.sql")).Scan(&s.RawRows); err != nil {
		return fmt.Errorf("transform: count lake rows: %w", err)
	}
	if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/event_counts.sql")).Scan(&s.Events, &s.Conversations, &s.Conflicts); err != nil {
		return fmt.Errorf("transform: count events: %w", err)
	}
	s.Duplicates = s.RawRows - s.Events
	return nil
}

func paths(files []lakeFile) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.path
	}
	return out
}

package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parquet-go/parquet-go"
)

// ReviewsDir holds the QA reviews dataset: reviews/date=YYYY-MM-DD/<kind>-<hash>.parquet,
// one file per `parley qa import`, `qa dispute` or `qa resolve` that
// recorded something, in the partition of the UTC date it ran. Its rows
// are ReviewRow.
const ReviewsDir = "reviews"

// ReviewsGlob is the pattern that matches every complete reviews file under root.
func ReviewsGlob(root string) string {
	return filepath.Join(root, ReviewsDir, "date=*", "*"+ParquetExt)
}

// ReviewPartitionDir is the folder of the reviews files recorded on one UTC date.
func ReviewPartitionDir(root string, day time.Time) string {
	return filepath.Join(root, ReviewsDir, "date="+day.UTC().Format(time.DateOnly))
}

// Kinds of ReviewRow.
const (
	// ReviewKindReview is one version of a review: its ratings as scored.
	ReviewKindReview = "review"
	// ReviewKindDispute is an agent's dispute of a review.
	ReviewKindDispute = "dispute"
	// ReviewKindResolution closes the latest dispute of a review.
	ReviewKindResolution = "resolution"
)

// Decisions of a ReviewKindResolution row.
const (
	DecisionAccept = "accept"
	DecisionReject = "reject"
)

// ReviewRow is one record of the reviews dataset. A review is the set of
// rows sharing a ReviewID: its versions (kind "review"; the one with the
// latest At is final), and the disputes and resolutions filed against it.
// Every row carries the conversation and agent, so erasure and retention
// find them without reading the others.
type ReviewRow struct {
	Kind     string `parquet:"kind,dict"`
	ReviewID string `parquet:"review_id"`
	// At is when the reviewer last changed this version (reviewed_at), or
	// when the dispute or resolution was recorded.
	At time.Time `parquet:"at,timestamp(microsecond)"`
	// RecordedAt is when parley wrote the row.
	RecordedAt     time.Time `parquet:"recorded_at,timestamp(microsecond)"`
	Run            string    `parquet:"run,optional,dict"`
	ConversationID string    `parquet:"conversation_id"`
	// AgentID is the reviewed agent (the reviewee); "" (null) when the
	// scores file named none: the build then takes the conversation's most
	// active agent, which `parley erase` records here when it removes the
	// conversation's events.
	AgentID          string         `parquet:"agent_id,optional,dict"`
	ReviewerID       string         `parquet:"reviewer_id,optional,dict"`
	Scorecard        string         `parquet:"scorecard,optional,dict"`
	ScorecardVersion string         `parquet:"scorecard_version,optional,dict"`
	Calibration      bool           `parquet:"calibration"`
	Comment          string         `parquet:"comment,optional"`
	Ratings          []ReviewRating `parquet:"ratings,list"`
	// By filed the dispute (an agent) or the resolution (a lead).
	By string `parquet:"filed_by,optional"`
	// Reason is the dispute's reason.
	Reason string `parquet:"reason,optional"`
	// Decision of a resolution: DecisionAccept or DecisionReject.
	Decision string `parquet:"decision,optional,dict"`
	// Source is the file the row was imported from (its base name), or the
	// command that recorded it; Line its line in that file (0 if none).
	Source string `parquet:"source,dict"`
	Line   int64  `parquet:"line"`
	// ConversationStartedAt is the earliest event of the conversation
	// `parley erase` removed (zero, stored as null, if none): with the
	// events the lake keeps, the conversation's start before the erase, so
	// that the review keeps the conversation's date (qa_reviews.local_date)
	// and the agent's figures of that period do not change. Rows stored
	// later of the same conversation (qa import, dispute, resolve) get it
	// from the stored ones.
	ConversationStartedAt time.Time `parquet:"conversation_started_at,optional,timestamp(microsecond)"`
}

// ReviewRating is one category of a review version, with the definition
// it was rated under (scale, weight, critical, N/A allowed), so that the
// score never depends on the scorecard as it is today.
type ReviewRating struct {
	Category string `parquet:"category"`
	// Rating is nil when the category was marked not applicable (NA).
	Rating   *int32  `parquet:"rating,optional"`
	NA       bool    `parquet:"na"`
	Comment  string  `parquet:"comment,optional"`
	ScaleMin int32   `parquet:"scale_min"`
	ScaleMax int32   `parquet:"scale_max"`
	Weight   float64 `parquet:"weight"`
	Critical bool    `parquet:"critical"`
	AllowNA  bool    `parquet:"allow_na"`
}

// ErasedConversationID is what `parley erase --conversations` leaves of a
// conversation ID in the reviews dataset: "erased-" and the first 16 hex
// digits of its SHA-256, so that the review still counts for its agent and
// reviewer and its versions still group, while nothing names the
// conversation (the audit log knows it by the same digest). An import
// recognises a stored review of the conversation by it.
func ErasedConversationID(id string) string {
	return "erased-" + IDDigest(id)[:16]
}

// ReviewsLockFile, relative to the root, is held exclusively by the
// commands that add to the reviews dataset (qa import, dispute, resolve)
// while they read it, decide what is new and publish it, so that two of
// them never both record the same thing.
const ReviewsLockFile = ".reviews.lock"

// LockReviews takes the reviews lock, blocking until no other review writer runs.
func LockReviews(root string) (unlock func() error, err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("lake: create %s: %w", root, err)
	}
	return lockFile(filepath.Join(root, ReviewsLockFile), true)
}

// ReadReviews returns every row of the reviews dataset, file by file in
// name order (a missing dataset is empty).
func ReadReviews(ctx context.Context, root string) ([]ReviewRow, error) {
	paths, err := filepath.Glob(ReviewsGlob(root))
	if err != nil {
		return nil, fmt.Errorf("lake: list reviews: %w", err)
	}
	var rows []ReviewRow
	for _, p := range paths {
		err := EachRow(ctx, p, func(r *ReviewRow) error {
			c := *r
			c.Ratings = append([]ReviewRating(nil), r.Ratings...)
			rows = append(rows, c)
			return nil
		})
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the listing (retention)
		}
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// PublishParquet writes rows as the file dir/name of the lake at root,
// atomically: into a temporary file beside it (_tmp-<name>.<random>.part,
// created and held under the lake's shared lock, so a sweep never takes
// it for a leftover while it is written), fsynced, renamed into place under
// the shared lock, and the folder fsynced. If dir/name exists it is left
// as it is and nothing is written: callers name files by their content.
func PublishParquet[T any](root, dir, name string, rows []T) (err error) {
	final := filepath.Join(dir, name)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	created, err := mkdirSynced(root, dir)
	if err != nil {
		return err
	}
	unlock, err := Lock(root, false)
	if err != nil {
		return err
	}
	f, err := atomicfile.Create(final, atomicfile.Options{Pattern: TempPrefix + name + ".*.part", Perm: FilePerm})
	if err != nil {
		return errors.Join(fmt.Errorf("lake: %w", err), unlock())
	}
	release, err := HoldTemp(f.Name())
	if err = errors.Join(err, unlock()); err != nil {
		return errors.Join(err, f.Cleanup())
	}
	defer func() {
		err = errors.Join(err, release())
		if err != nil {
			err = errors.Join(err, f.Cleanup())
		}
	}()
	err = writeRows(f, rows)
	if err == nil {
		err = f.Seal()
	}
	if err != nil {
		return fmt.Errorf("lake: write %s: %w", f.Name(), err)
	}
	if unlock, err = Lock(root, false); err != nil {
		return err
	}
	if err := f.Rename(); err != nil {
		return errors.Join(fmt.Errorf("lake: publish %s: %w", final, err), unlock())
	}
	if err := unlock(); err != nil {
		return err
	}
	for _, d := range append([]string{dir}, created...) {
		if err := atomicfile.SyncDir(d); err != nil {
			return fmt.Errorf("lake: %w", err)
		}
	}
	return nil
}

func writeRows[T any](w io.Writer, rows []T) error {
	pw := parquet.NewGenericWriter[T](w, WriterOptions()...)
	if _, err := pw.Write(rows); err != nil {
		return err
	}
	return pw.Close()
}

// mkdirSynced creates dir and any missing parents below root, and returns
// the parents whose new entries must be fsynced to survive a crash.
func mkdirSynced(root, dir string) ([]string, error) {
	var parents []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == root || filepath.Dir(d) == d {
			break
		}
		parents = append(parents, filepath.Dir(d))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lake: create %s: %w", dir, err)
	}
	return parents, nil
}

package main

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/marcboeker/go-duckdb/v2"
	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// scanSQL is the build's floor; see its header.
//
//go:embed scan.sql
var scanSQL string

// copySQL is the build's second reference; see its header.
//
//go:embed copy.sql
var copySQL string

// topicSize sums the high watermarks of the topic's partitions.
func topicSize(ctx context.Context, addr string, partitions int32) (int64, error) {
	var n int64
	for p := range int(partitions) {
		conn, err := kafka.DialLeader(ctx, "tcp", addr, topic, p)
		if err != nil {
			return 0, fmt.Errorf("dial partition %d: %w", p, err)
		}
		last, err := conn.ReadLastOffset()
		if cerr := conn.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return 0, fmt.Errorf("last offset of partition %d: %w", p, err)
		}
		n += last
	}
	return n, nil
}

// rawConsume reads every message of every partition with kafka-go, with
// ingest's fetch size, one reader per partition as ingest has, and does
// nothing with them: the floor of any kafka-go sink.
func rawConsume(ctx context.Context, addr string, partitions int32) (time.Duration, error) {
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, partitions)
	for p := range int(partitions) {
		wg.Go(func() {
			conn, err := kafka.DialLeader(ctx, "tcp", addr, topic, p)
			if err != nil {
				errs[p] = fmt.Errorf("raw consume: dial partition %d: %w", p, err)
				return
			}
			last, err := conn.ReadLastOffset()
			if cerr := conn.Close(); err == nil {
				err = cerr
			}
			if err != nil || last == 0 {
				errs[p] = err
				return
			}
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{addr}, Topic: topic, Partition: p,
				MinBytes: 1, MaxBytes: ingest.FetchMaxBytes, MaxWait: 250 * time.Millisecond})
			defer r.Close()
			for {
				m, err := r.FetchMessage(ctx)
				if err != nil {
					errs[p] = fmt.Errorf("raw consume: partition %d: %w", p, err)
					return
				}
				if m.Offset+1 >= last {
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// scanLake runs scan.sql over the lake in an in-memory DuckDB and returns
// the rows it saw and its wall time.
func scanLake(ctx context.Context, glob string) (int64, time.Duration, error) {
	db, err := inMemory()
	if err != nil {
		return 0, 0, fmt.Errorf("scan floor: %w", err)
	}
	defer db.Close()
	start := time.Now()
	rows, err := db.QueryContext(ctx, scanSQL, glob)
	if err != nil {
		return 0, 0, fmt.Errorf("scan floor: %w", err)
	}
	defer rows.Close()
	var n int64
	if _, err := drain(rows, func(vals []any) { n = vals[0].(int64) }); err != nil {
		return 0, 0, fmt.Errorf("scan floor: %w", err)
	}
	return n, time.Since(start), nil
}

// inMemory opens a DuckDB without a file, for queries straight over the lake.
func inMemory() (*sql.DB, error) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	return sql.OpenDB(c), nil
}

// copyLake runs copy.sql into a new DuckDB file at path, which it removes
// afterwards, and returns its wall time up to the file being closed (and
// so checkpointed).
func copyLake(ctx context.Context, glob, path string) (time.Duration, error) {
	defer os.Remove(path)
	c, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return 0, fmt.Errorf("copy reference: open %s: %w", path, err)
	}
	db := sql.OpenDB(c)
	start := time.Now()
	_, err = db.ExecContext(ctx, copySQL, glob)
	if err := errors.Join(err, db.Close()); err != nil { // closes c too
		return 0, fmt.Errorf("copy reference: %w", err)
	}
	return time.Since(start), nil
}

// warehouseInfo is what the floors need to know about a built warehouse.
type warehouseInfo struct {
	First, Last   time.Time
	Conversations int64
}

// describeWarehouse reads the period and size of a warehouse with the
// dashboards' own period query.
func describeWarehouse(ctx context.Context, dbPath string) (warehouseInfo, error) {
	var w warehouseInfo
	err := withWarehouse(dbPath, func(db *warehouse.DB) error {
		var (
			tz                string
			built, lastEvent  sql.NullTime
			events            int64
			first, last       sql.NullTime
			lastKnown         sql.NullTime // the report's default period; not the bench's concern
			lastComplete      sql.NullTime // the report page's notice on its last days; likewise
			conversationCount int64
			gaps, gapMessages int64 // the dashboards' warning; not the bench's concern
		)
		// Every column of the dashboards' header query, so that one more
		// column fails here loudly rather than in a full ladder run.
		if err := db.QueryRowContext(ctx, sqlfiles.File("dashboards/period.sql")).
			Scan(&first, &last, &lastKnown, &lastComplete, &tz, &built, &lastEvent, &events, &conversationCount, &gaps, &gapMessages); err != nil {
			return err
		}
		if !first.Valid || !last.Valid {
			return errors.New("warehouse has no conversations")
		}
		w = warehouseInfo{First: first.Time, Last: last.Time, Conversations: conversationCount}
		return nil
	})
	if err != nil {
		return w, fmt.Errorf("describe warehouse: %w", err)
	}
	return w, nil
}

// reportQueries runs every query behind the dashboards once over the whole
// period, reading every row, and returns their total wall time.
func reportQueries(ctx context.Context, dbPath string, w warehouseInfo) (time.Duration, error) {
	names, err := sqlfiles.Dir("dashboards")
	if err != nil {
		return 0, err
	}
	var elapsed time.Duration
	err = withWarehouse(dbPath, func(db *warehouse.DB) error {
		start := time.Now()
		for _, name := range names {
			if path.Base(name) == "demo_summary.sql" { // parley demo's, not the dashboards'
				continue
			}
			q := sqlfiles.File(name)
			var args []any
			if strings.Contains(q, "$from") {
				args = append(args, sql.Named("from", w.First.Format(time.DateOnly)), sql.Named("to", w.Last.Format(time.DateOnly)))
			}
			if strings.Contains(q, "$limit") {
				args = append(args, sql.Named("limit", 25))
			}
			// The slice (every conversation) and the report queries' own parameters.
			for _, p := range []string{"queue", "channel", "market", "reason"} {
				if strings.Contains(q, "$"+p) {
					args = append(args, sql.Named(p, ""))
				}
			}
			if strings.Contains(q, "$start") {
				args = append(args, sql.Named("start", w.First.Format(time.DateOnly)))
			}
			if strings.Contains(q, "$min") {
				args = append(args, sql.Named("min", 10))
			}
			if err := query(ctx, db, q, args...); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		elapsed = time.Since(start)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("report floor: %w", err)
	}
	return elapsed, nil
}

// qaQueries runs the QA sampler's queries as it does: the period, the
// candidates as Arrow batches, then details and transcripts of qaSize ids.
func qaQueries(ctx context.Context, dbPath string, w warehouseInfo) (time.Duration, error) {
	var elapsed time.Duration
	err := withWarehouse(dbPath, func(db *warehouse.DB) error {
		start := time.Now()
		if err := query(ctx, db, sqlfiles.File("qa/01_period.sql")); err != nil {
			return err
		}
		var ids []string
		err := db.Arrow(ctx, func(rec arrow.Record) error {
			col, ok := rec.Column(0).(interface{ Value(int) string })
			if !ok {
				return fmt.Errorf("candidates: conversation_id is %s", rec.Column(0).DataType())
			}
			for i := 0; i < int(rec.NumRows()) && len(ids) < qaSize; i++ {
				ids = append(ids, strings.Clone(col.Value(i))) // the batch is released after fn
			}
			return nil
		}, sqlfiles.File("qa/02_candidates.sql"), w.First.Format(time.DateOnly), w.Last.Format(time.DateOnly), "", "", "most-active")
		if err != nil {
			return fmt.Errorf("candidates: %w", err)
		}
		for _, name := range []string{"qa/03_details.sql", "qa/04_transcripts.sql"} {
			if err := query(ctx, db, sqlfiles.File(name), ids); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		elapsed = time.Since(start)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("qa floor: %w", err)
	}
	return elapsed, nil
}

// arrivalsQuery runs the forecast's arrivals count (30-minute intervals, all
// queues and channels) alone.
func arrivalsQuery(ctx context.Context, dbPath string) (time.Duration, error) {
	var elapsed time.Duration
	err := withWarehouse(dbPath, func(db *warehouse.DB) error {
		start := time.Now()
		if err := query(ctx, db, sqlfiles.File("forecast/01_arrivals.sql"), int64(1800), "", ""); err != nil {
			return err
		}
		elapsed = time.Since(start)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("forecast floor: %w", err)
	}
	return elapsed, nil
}

// withWarehouse opens the warehouse read-only for fn and closes it before
// the next stage's process opens it.
func withWarehouse(dbPath string, fn func(*warehouse.DB) error) error {
	db, err := warehouse.Open(dbPath, true)
	if err != nil {
		return err
	}
	return errors.Join(fn(db), db.Close())
}

// query runs q and reads every row of its result into Go values, as the
// stages do, then throws them away.
func query(ctx context.Context, db *warehouse.DB, q string, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	_, err = drain(rows, nil)
	return err
}

// drain scans every row of rows, handing each to fn when fn is not nil.
func drain(rows *sql.Rows, fn func([]any)) (int64, error) {
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if fn != nil {
			fn(vals)
		}
		n++
	}
	return n, rows.Err()
}

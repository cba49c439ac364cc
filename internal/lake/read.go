package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"
)

// ReadChunk is how many rows EachRow (and other readers of lake files) decode at a time: enough to amortise the
// reader's per-call cost, small enough that a chunk of 1 MB messages fits.
const ReadChunk = 256

// EachRow calls fn for every row of the Parquet file at path, in order. T is
// Row or DeadLetter. fn gets a pointer into a buffer that later rows reuse: to
// keep a row, keep a copy of the value (its strings and maps are its own).
func EachRow[T any](ctx context.Context, path string, fn func(*T) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("lake: open %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("lake: stat %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return fmt.Errorf("lake: open Parquet %s: %w", path, err)
	}
	r := parquet.NewGenericReader[T](pf)
	defer r.Close()
	buf := make([]T, ReadChunk)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Fresh zero values: the reader reuses maps and slices it finds.
		clear(buf)
		n, err := r.Read(buf)
		for i := range n {
			if ferr := fn(&buf[i]); ferr != nil {
				return fmt.Errorf("lake: %s: %w", path, ferr)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lake: read %s: %w", path, err)
		}
	}
}

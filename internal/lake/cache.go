package lake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/parley-cx/parley/internal/objstore"
)

// CacheIndex, inside a local cache of a lake on object storage, records the
// ETag and size of every object copied, so that the next sync downloads
// only what is new or changed.
const CacheIndex = ".parley-cache.json"

// syncWorkers is how many objects SyncCache downloads at once.
const syncWorkers = 8

// BuildPrefixes are the datasets `parley build` reads: events, gap records
// and QA reviews (dead letters are not part of the warehouse).
var BuildPrefixes = []string{EventsDir + "/", GapsDir + "/", ReviewsDir + "/"}

// SyncStats says what a sync did.
type SyncStats struct {
	// Objects is the number of lake objects the cache mirrors now.
	Objects int
	// Downloaded objects were new or changed, Bytes in all; Removed were
	// gone from the bucket (compaction, erasure, retention).
	Downloaded, Removed int
	Bytes               int64
	// Requests is what the sync cost, listing included.
	Requests objstore.Counts
	// ETags are the mirrored objects' ETags, by key: the condition under
	// which a command that rewrites a copy may upload it back.
	ETags map[string]string
}

// String is a one-line summary.
func (s SyncStats) String() string {
	return fmt.Sprintf("%d objects: %d downloaded (%.1f MB), %d removed; %s", s.Objects, s.Downloaded, float64(s.Bytes)/1e6, s.Removed, s.Requests)
}

type cacheEntry struct {
	ETag string `json:"etag"`
	Size int64  `json:"size"`
}

// SyncCache makes dir a copy of the complete files under prefixes of the lake
// in b, in the same layout, so that anything that reads a lake folder (the
// build's globs, DuckDB's read_parquet) reads it: it downloads the objects
// whose ETag the cache does not hold, and removes the files whose objects
// are gone. Files in progress are not copied (they are staged elsewhere and
// never match a reader's glob), nor the inputs a compaction journal has
// replaced (see ReadJournals). Downloads go to a temporary name and are
// renamed into place, so an interrupted sync leaves the cache consistent.
func SyncCache(ctx context.Context, b *objstore.Bucket, dir string, prefixes []string, log *slog.Logger) (SyncStats, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	before := b.Counts()
	var st SyncStats
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("lake: cache %s: %w", dir, err)
	}
	index := map[string]cacheEntry{}
	indexPath := filepath.Join(dir, CacheIndex)
	if raw, err := os.ReadFile(indexPath); err == nil {
		if err := json.Unmarshal(raw, &index); err != nil {
			log.Warn("lake: cache index unreadable; every object is downloaded again", "index", indexPath, "err", err)
			index = map[string]cacheEntry{}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("lake: read cache index: %w", err)
	}
	hidden, err := hiddenByJournals(ctx, b)
	if err != nil {
		return st, err
	}
	listed := map[string]bool{}
	var want []objstore.Info
	for _, prefix := range prefixes {
		objs, err := b.List(ctx, prefix)
		if err != nil {
			return st, fmt.Errorf("lake: sync: %w", err)
		}
		for _, o := range objs {
			if !complete(o.Key) || hidden[o.Key] {
				continue
			}
			listed[o.Key] = true
			if e, ok := index[o.Key]; ok && e.ETag == o.ETag && e.Size == o.Size {
				if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(o.Key))); err == nil && fi.Size() == o.Size {
					continue
				}
			}
			want = append(want, o)
		}
	}
	// Downloads run syncWorkers at a time: against a real store each GET
	// waits tens of milliseconds before its first byte.
	var mu sync.Mutex
	var errs []error
	work := make(chan objstore.Info)
	var wg sync.WaitGroup
	for range min(syncWorkers, len(want)) {
		wg.Go(func() {
			for o := range work {
				n, err := download(ctx, b, o.Key, filepath.Join(dir, filepath.FromSlash(o.Key)))
				mu.Lock()
				switch {
				case errors.Is(err, objstore.ErrNotFound):
					delete(listed, o.Key) // removed since the listing
				case err != nil:
					errs = append(errs, err)
				default:
					index[o.Key] = cacheEntry{ETag: o.ETag, Size: n}
					st.Downloaded++
					st.Bytes += n
				}
				mu.Unlock()
			}
		})
	}
	for _, o := range want {
		work <- o
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		return st, errors.Join(append(errs, saveIndex(indexPath, index))...)
	}
	for key := range index {
		if listed[key] || !underAny(key, prefixes) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(key))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return st, errors.Join(fmt.Errorf("lake: cache: remove %s: %w", key, err), saveIndex(indexPath, index))
		}
		delete(index, key)
		st.Removed++
	}
	st.Objects = len(listed)
	st.ETags = make(map[string]string, len(index))
	for key, e := range index {
		st.ETags[key] = e.ETag
	}
	if err := saveIndex(indexPath, index); err != nil {
		return st, err
	}
	after := b.Counts()
	st.Requests = objstore.Counts{Get: after.Get - before.Get, Head: after.Head - before.Head, Put: after.Put - before.Put,
		Copy: after.Copy - before.Copy, List: after.List - before.List, Delete: after.Delete - before.Delete,
		BytesDown: after.BytesDown - before.BytesDown, BytesUp: after.BytesUp - before.BytesUp}
	log.Info("lake: synced the local cache", "lake", b.URL(), "cache", dir, "summary", st.String())
	return st, nil
}

// complete reports whether key is a finished file of a dataset a reader's
// glob matches: a .parquet file in a date=… folder, or a gap record.
func complete(key string) bool {
	name := path.Base(key)
	if strings.HasPrefix(name, TempPrefix) || strings.HasPrefix(name, "_") {
		return false
	}
	if strings.HasPrefix(key, GapsDir+"/") {
		return strings.HasSuffix(name, GapExt)
	}
	return strings.HasSuffix(name, ParquetExt) && strings.HasPrefix(path.Base(path.Dir(key)), "date=")
}

func underAny(key string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// download copies the object key to the file local through a temporary
// file in the same folder, renamed into place once complete.
func download(ctx context.Context, b *objstore.Bucket, key, local string) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		return 0, fmt.Errorf("lake: cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(local), TempPrefix+filepath.Base(local)+".*.part")
	if err != nil {
		return 0, fmt.Errorf("lake: cache: %w", err)
	}
	_, n, err := b.Download(ctx, key, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), local)
	}
	if err != nil {
		_ = os.Remove(f.Name()) // best effort: a _tmp- file matches no reader's glob
		return 0, err
	}
	return n, nil
}

func saveIndex(path string, index map[string]cacheEntry) error {
	raw, err := json.Marshal(index)
	if err != nil {
		return fmt.Errorf("lake: encode cache index: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return fmt.Errorf("lake: write cache index: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("lake: write cache index: %w", err)
	}
	return nil
}

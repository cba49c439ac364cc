package lake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"sync"
	"time"

	"github.com/parley-cx/parley/internal/objstore"
)

// MaintenanceLeaseKey is the lease that compact, erase and retention hold
// on a lake in object storage, where no flock exists: the stand-in for a
// folder's exclusive lake lock among those three commands (ingest and
// import need none: they never touch a file another process published).
var MaintenanceLeaseKey = path.Join("_locks", "maintenance.json")

// LeaseTerm is how long a maintenance lease lasts without renewal; the
// holder renews it every third of it. A holder that dies leaves it to
// expire, so the next command waits at most this long.
const LeaseTerm = time.Minute

// lease is the lease object's content.
type lease struct {
	Holder  string    `json:"holder"`
	Command string    `json:"command"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Expires time.Time `json:"expires"`
	// Released is set by a holder that let go before the term ended.
	Released bool `json:"released,omitempty"`
}

// Lease is a held maintenance lease.
type Lease struct {
	b    *objstore.Bucket
	mu   sync.Mutex
	etag string
	l    lease
	err  error // why a renewal failed: the lease may be lost
	stop chan struct{}
	done chan struct{}
}

// AcquireLease takes the lake's maintenance lease for command, waiting
// while another process holds it (polling every second, logging who holds
// it), until ctx ends. Taking it is one conditional write: If-None-Match: *
// when there is none, If-Match on the ETag of a released or expired one,
// so of two processes only one gets it. It is renewed in the background
// until Release.
func AcquireLease(ctx context.Context, b *objstore.Bucket, command string, log *slog.Logger) (*Lease, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname() // an unknown host name is recorded as empty
	me := lease{Holder: newLeaseID(), Command: command, Host: host, PID: os.Getpid()}
	for logged := false; ; {
		raw, etag, err := b.Get(ctx, MaintenanceLeaseKey)
		cond := objstore.Condition{IfMatch: etag}
		switch {
		case errors.Is(err, objstore.ErrNotFound):
			cond = objstore.Condition{IfAbsent: true}
		case err != nil:
			return nil, fmt.Errorf("lake: read the maintenance lease: %w", err)
		default:
			var cur lease
			if err := json.Unmarshal(raw, &cur); err != nil {
				return nil, fmt.Errorf("lake: parse the maintenance lease: %w", err)
			}
			if !cur.Released && time.Now().Before(cur.Expires) {
				if !logged {
					log.Info("lake: waiting for another command's maintenance lease", "command", cur.Command, "host", cur.Host, "pid", cur.PID, "expires", cur.Expires)
					logged = true
				}
				select {
				case <-ctx.Done():
					return nil, fmt.Errorf("lake: waiting for the maintenance lease held by %s on %s: %w", cur.Command, cur.Host, ctx.Err())
				case <-time.After(time.Second):
				}
				continue
			}
		}
		me.Expires = time.Now().Add(LeaseTerm)
		data, err := json.Marshal(me)
		if err != nil {
			return nil, fmt.Errorf("lake: encode the maintenance lease: %w", err)
		}
		etag, err = b.PutBytes(ctx, MaintenanceLeaseKey, data, cond)
		if errors.Is(err, objstore.ErrPrecondition) {
			continue // another process took it first
		}
		if err != nil {
			return nil, fmt.Errorf("lake: take the maintenance lease: %w", err)
		}
		l := &Lease{b: b, etag: etag, l: me, stop: make(chan struct{}), done: make(chan struct{})}
		go l.renew()
		return l, nil
	}
}

func newLeaseID() string {
	return fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano())
}

// renew extends the lease every third of its term until Release.
func (l *Lease) renew() {
	defer close(l.done)
	t := time.NewTicker(LeaseTerm / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		if err := l.write(false); err != nil {
			l.mu.Lock()
			l.err = err
			l.mu.Unlock()
			return
		}
	}
}

func (l *Lease) write(release bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.l
	next.Released = release
	next.Expires = time.Now().Add(LeaseTerm)
	data, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("lake: encode the maintenance lease: %w", err)
	}
	etag, err := l.b.PutBytes(context.Background(), MaintenanceLeaseKey, data, objstore.Condition{IfMatch: l.etag})
	if err != nil {
		return fmt.Errorf("lake: renew the maintenance lease: %w", err)
	}
	l.l, l.etag = next, etag
	return nil
}

// Check reports whether the lease is still held: nil, or why a renewal
// failed (another process took it after it expired). Commands check it
// before each step that changes what readers see.
func (l *Lease) Check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if time.Now().After(l.l.Expires) {
		return errors.New("lake: the maintenance lease expired before it could be renewed")
	}
	return nil
}

// Release stops the renewals and marks the lease released, so that the
// next command takes it at once.
func (l *Lease) Release() error {
	close(l.stop)
	<-l.done
	if err := l.Check(); err != nil {
		return err
	}
	return l.write(true)
}

// CompactStagingDir, under StagingDir, holds the merged files of a
// compaction before they are copied into place. Only a holder of the
// maintenance lease writes or removes it, so SweepBucket leaves it alone.
const CompactStagingDir = "_compact"

// FinishJournal completes the journal at key: a committed one by deleting
// its inputs (forward), a prepared one by deleting its merged files (back),
// then the journal itself. The caller holds the maintenance lease.
func FinishJournal(ctx context.Context, b *objstore.Bucket, key string, j Journal) error {
	gone := j.Merged
	if j.State == JournalCommitted {
		gone = j.Inputs
	}
	for _, k := range gone {
		if err := b.Delete(ctx, k); err != nil {
			return fmt.Errorf("lake: finish %s: %w", key, err)
		}
	}
	if err := b.Delete(ctx, key); err != nil {
		return fmt.Errorf("lake: finish %s: %w", key, err)
	}
	return nil
}

// RecoverMaintenance finishes what an interrupted compact, erase or
// retention left in a lake on object storage: every journal (forward if
// committed, back if prepared) and compaction's staged merged files. The
// caller holds the maintenance lease, so none of it is in use.
func RecoverMaintenance(ctx context.Context, b *objstore.Bucket, log *slog.Logger) (int, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	js, _, err := ReadJournals(ctx, b)
	if err != nil {
		return 0, err
	}
	n := 0
	for key, j := range js {
		if err := FinishJournal(ctx, b, key, j); err != nil {
			return n, err
		}
		log.Warn("lake: finished the journal of an interrupted command", "journal", key, "state", j.State)
		n++
	}
	staged, err := b.List(ctx, path.Join(StagingDir, CompactStagingDir)+"/")
	if err != nil {
		return n, fmt.Errorf("lake: list compaction staging: %w", err)
	}
	for _, o := range staged {
		if err := b.Delete(ctx, o.Key); err != nil {
			return n, fmt.Errorf("lake: remove compaction staging: %w", err)
		}
		log.Warn("lake: removed a merged file of an interrupted compact", "key", o.Key)
		n++
	}
	return n, nil
}

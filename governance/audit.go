// Package governance gives operators the lake's compliance controls: erasing a customer, dropping data past a retention window, and the append-only audit log that records both.
package governance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// AuditFile is the audit log inside the lake's audit directory: one JSON
// object per line, only ever appended to.
const AuditFile = lake.AuditFile

// Entry is one line of the audit log (see lake.AuditEntry). The log lives in
// internal/lake because ingest records partition resets in it too.
type Entry = lake.AuditEntry

// Statuses of audit entries.
const (
	// StatusStarted is written before a run changes anything.
	StatusStarted = "started"
	// StatusCompleted ends a run that did all it set out to do.
	StatusCompleted = "completed"
	// StatusFailed ends a run that stopped on an error; Entry.Error says which.
	StatusFailed = "failed"
	// StatusInterrupted ends, on behalf of a run that died (killed, crashed,
	// power lost), a run that has a start line and no end line. The run that
	// noticed writes it; its own lines count the leftovers it removed.
	StatusInterrupted = "interrupted"
)

// CustomerDigest is how the audit log names a customer: hex SHA-256 of the ID (lake.IDDigest).
func CustomerDigest(id string) string { return lake.IDDigest(id) }

// auditLog is the audit log a run writes to: the lake folder's
// _audit/audit.jsonl, or the same object in a bucket.
type auditLog interface {
	// append adds e and makes it durable.
	append(e Entry) error
	// read returns every entry, oldest first (see ReadAudit).
	read() ([]Entry, error)
}

// folderAudit is the audit log of the lake folder at its root.
type folderAudit string

func (r folderAudit) append(e Entry) error   { return lake.AppendAudit(string(r), e) }
func (r folderAudit) read() ([]Entry, error) { return lake.ReadAudit(string(r)) }

// bucketAudit is the audit log of a lake in object storage.
type bucketAudit struct {
	ctx context.Context
	b   *objstore.Bucket
}

func (a bucketAudit) append(e Entry) error {
	// An audit line is written even when the run's context ended.
	return lake.AppendAuditBucket(context.WithoutCancel(a.ctx), a.b, e)
}
func (a bucketAudit) read() ([]Entry, error) { return lake.ReadAuditBucket(a.ctx, a.b) }

// ReadAudit returns every entry of the lake's audit log, oldest first.
func ReadAudit(root string) ([]Entry, error) { return lake.ReadAudit(root) }

// newEntry starts an audit entry for action, naming the OS user and host.
func newEntry(action, reason string, dryRun bool, now time.Time) Entry {
	return lake.NewAuditEntry(action, reason, dryRun, now)
}

// auditedRun runs do between the two lines of a run in the audit log: the
// "started" line, written (and fsynced) before do may change anything, and
// the end line with what do recorded in e. Before starting it ends, as
// interrupted, every earlier run that started and never ended, and notes
// in e which of them this run repeats. The caller holds the lake's
// exclusive lock, so a run without an end line is not still going.
func auditedRun(audit auditLog, e Entry, log *slog.Logger, do func(e *Entry) error) error {
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return fmt.Errorf("governance: run ID: %w", err)
	}
	e.Run = hex.EncodeToString(id)
	if err := endInterrupted(audit, &e, log); err != nil {
		return err
	}
	start := e
	start.Status, start.Counts = StatusStarted, map[string]int64{}
	if err := audit.append(start); err != nil {
		return fmt.Errorf("governance: %s: record the start of the run (nothing was changed): %w", e.Action, err)
	}
	runErr := do(&e)
	e.Status = StatusCompleted
	if runErr != nil {
		e.Status, e.Error = StatusFailed, auditText(runErr)
	}
	return errors.Join(runErr, audit.append(e))
}

// auditText is how the audit log records err: an error whose text names
// people (as CustomerNotFoundError's does) gives an AuditText without them.
func auditText(err error) string {
	var a interface{ AuditText() string }
	if errors.As(err, &a) {
		return a.AuditText()
	}
	return err.Error()
}

// endInterrupted appends an "interrupted" line for every run that started
// and never ended, and records in e.Params["retry_of"] those that were the
// same request (same action; for erase, the same customer).
func endInterrupted(audit auditLog, e *Entry, log *slog.Logger) error {
	entries, err := audit.read()
	if err != nil {
		// Half a line cannot hide a whole run; the rest is still read.
		log.Error("governance: audit log has lines that do not decode", "err", err)
	}
	open := map[string]Entry{}
	var order []string
	for _, old := range entries {
		switch {
		case old.Run == "":
		case old.Status == StatusStarted:
			open[old.Run] = old
			order = append(order, old.Run)
		default:
			delete(open, old.Run)
		}
	}
	var retries []string
	for _, run := range order {
		old, ok := open[run]
		if !ok {
			continue
		}
		end := old
		end.Time, end.Status = e.Time, StatusInterrupted
		end.Params = maps.Clone(old.Params)
		if end.Params == nil {
			end.Params = map[string]string{}
		}
		end.Params["ended_by_run"] = e.Run
		end.Counts = map[string]int64{}
		end.Error = "the run stopped without recording its end (killed, crashed or lost power): what it changed is not counted here; the run that recorded this removed its leftovers"
		if err := audit.append(end); err != nil {
			return fmt.Errorf("governance: record interrupted run %s: %w", run, err)
		}
		log.Warn("governance: an earlier run was interrupted; recorded in the audit log", "action", old.Action, "run", run, "started", old.Time)
		if old.Action == e.Action && old.Params["customer_sha256"] == e.Params["customer_sha256"] {
			retries = append(retries, run)
		}
	}
	if len(retries) > 0 {
		e.Params["retry_of"] = strings.Join(retries, ",")
	}
	return nil
}

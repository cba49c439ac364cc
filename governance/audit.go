// Package governance gives operators the lake's compliance controls: erasing a customer, dropping data past a retention window, and the append-only audit log that records both.
package governance

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/lake"
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

// appendAudit adds e to the lake's audit log and makes it durable.
func appendAudit(root string, e Entry) error { return lake.AppendAudit(root, e) }

// ReadAudit returns every entry of the lake's audit log, oldest first.
func ReadAudit(root string) ([]Entry, error) { return lake.ReadAudit(root) }

// newEntry starts an audit entry for action, naming the OS user and host.
func newEntry(action, reason string, dryRun bool, now time.Time) Entry {
	return lake.NewAuditEntry(action, reason, dryRun, now)
}

// syncDir makes the directory entries of dir (new names, renames) durable.
func syncDir(dir string) error { return lake.SyncDir(dir) }

// auditedRun runs do between the two lines of a run in the audit log: the
// "started" line, written (and fsynced) before do may change anything, and
// the end line with what do recorded in e. Before starting it ends, as
// interrupted, every earlier run that started and never ended, and notes
// in e which of them this run repeats. The caller holds the lake's
// exclusive lock, so a run without an end line is not still going.
func auditedRun(root string, e Entry, log *slog.Logger, do func(e *Entry) error) error {
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return fmt.Errorf("governance: run ID: %w", err)
	}
	e.Run = hex.EncodeToString(id)
	if err := endInterrupted(root, &e, log); err != nil {
		return err
	}
	start := e
	start.Status, start.Counts = StatusStarted, map[string]int64{}
	if err := appendAudit(root, start); err != nil {
		return fmt.Errorf("governance: %s: record the start of the run (nothing was changed): %w", e.Action, err)
	}
	runErr := do(&e)
	e.Status = StatusCompleted
	if runErr != nil {
		e.Status, e.Error = StatusFailed, runErr.Error()
	}
	return errors.Join(runErr, appendAudit(root, e))
}

// endInterrupted appends an "interrupted" line for every run that started
// and never ended, and records in e.Params["retry_of"] those that were the
// same request (same action; for erase, the same customer).
func endInterrupted(root string, e *Entry, log *slog.Logger) error {
	entries, err := ReadAudit(root)
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
		if err := appendAudit(root, end); err != nil {
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

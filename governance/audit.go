// Package governance gives operators the lake's compliance controls: erasing a customer, dropping data past a retention window, and the append-only audit log that records both.
package governance

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/lake"
)

// AuditFile is the audit log inside the lake's audit directory: one JSON
// object per line, only ever appended to.
const AuditFile = "audit.jsonl"

// Entry is one line of the audit log. It says who ran what, when, and how
// much it touched; it never holds erased content, and it names a customer
// only by the SHA-256 of their ID, so the log itself holds no personal data
// yet still proves, to anyone who knows the ID, that the request was done.
//
// A run writes two lines sharing its Run ID: one with Status "started"
// before it changes anything, and one with Status "completed" or "failed"
// and its counts at the end. A run killed in between has no end line; the
// next erase or retention adds one for it with Status "interrupted".
type Entry struct {
	Time   time.Time `json:"time"`
	Action string    `json:"action"` // "erase" or "retention"
	// Run identifies one run; its lines share it. Empty in lines written
	// before runs were recorded from their start (one line per run).
	Run string `json:"run,omitempty"`
	// Status is StatusStarted, StatusCompleted, StatusFailed or StatusInterrupted.
	Status string `json:"status,omitempty"`
	User   string `json:"user"`
	Host   string `json:"host"`
	// Reason is the operator's reference for the run (a ticket, a request ID).
	Reason string            `json:"reason,omitempty"`
	DryRun bool              `json:"dry_run"`
	Params map[string]string `json:"params"`
	Counts map[string]int64  `json:"counts"`
	// Error is set when the run failed part way; Counts then say what was done.
	Error string `json:"error,omitempty"`
}

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

// CustomerDigest is how the audit log names a customer: hex SHA-256 of the ID.
func CustomerDigest(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// appendAudit adds e to the lake's audit log and makes it durable before
// returning: an erase whose record could be lost did not happen, as far as
// an auditor can tell.
func appendAudit(root string, e Entry) error {
	dir := filepath.Join(root, lake.AuditDir)
	created := false
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("governance: create audit directory %s: %w", dir, err)
		}
		created = true
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("governance: encode audit entry: %w", err)
	}
	path := filepath.Join(dir, AuditFile)
	// O_APPEND: concurrent writers never overwrite each other's lines.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("governance: open audit log %s: %w", path, err)
	}
	torn, err := endsTorn(f)
	if err == nil {
		if torn {
			// A run killed while appending left half a line; end it, so
			// this entry stays a line of its own.
			line = append([]byte{'\n'}, line...)
		}
		_, err = f.Write(append(line, '\n'))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("governance: append to audit log %s: %w", path, err)
	}
	if created {
		if err := syncDir(root); err != nil {
			return err
		}
	}
	return nil
}

// endsTorn reports whether f is not empty and does not end with a newline.
func endsTorn(f *os.File) (bool, error) {
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, info.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// ReadAudit returns every entry of the lake's audit log, oldest first. A
// line that does not decode (half a line, left by a run killed while
// appending it) is skipped and named in the error, which comes with every
// entry that did decode.
func ReadAudit(root string) ([]Entry, error) {
	path := filepath.Join(root, lake.AuditDir, AuditFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("governance: open audit log: %w", err)
	}
	defer f.Close()
	var out []Entry
	var bad []error
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			bad = append(bad, fmt.Errorf("governance: audit log %s line %d: %w", path, n, err))
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("governance: read audit log %s: %w", path, err)
	}
	return out, errors.Join(bad...)
}

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

// newEntry starts an audit entry for action, naming the OS user and host.
func newEntry(action, reason string, dryRun bool, now time.Time) Entry {
	who := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	host, _ := os.Hostname() // an unknown host name is recorded as empty, not fatal
	return Entry{
		Time: now.UTC(), Action: action, User: who, Host: host, Reason: reason, DryRun: dryRun,
		Params: map[string]string{}, Counts: map[string]int64{},
	}
}

// syncDir makes the directory entries of dir (new names, renames) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("governance: open directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("governance: sync directory %s: %w", dir, err)
	}
	return nil
}

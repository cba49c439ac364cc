package lake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
)

// AuditFile is the audit log inside AuditDir: one JSON object per line,
// only ever appended to.
const AuditFile = "audit.jsonl"

// AuditEntry is one line of the audit log. It says who ran what, when, and
// how much it touched; it never holds erased content, and it names a
// customer only by the SHA-256 of their ID, so the log itself holds no
// personal data yet still proves, to anyone who knows the ID, that the
// request was done.
//
// An erase or retention run writes two lines sharing its Run ID: one with
// Status "started" before it changes anything, and one with Status
// "completed" or "failed" and its counts at the end. A run killed in
// between has no end line; the next erase or retention adds one for it with
// Status "interrupted" (see governance).
type AuditEntry struct {
	Time time.Time `json:"time"`
	// Action is "erase", "retention" or "reset-partition", or one of
	// parley serve's: "signin", "signin-failed", "signout", "view-transcript",
	// "review", "dispute", "resolve", "denied".
	Action string `json:"action"`
	// Run identifies one run; its lines share it. Empty in one-line entries
	// (partition resets, and runs logged before runs had two lines).
	Run string `json:"run,omitempty"`
	// Status is "started", "completed", "failed" or "interrupted"; empty in one-line entries.
	Status string `json:"status,omitempty"`
	// User is the OS user who ran the command, or the person signed in to
	// parley serve (for a failed sign-in, the name given).
	User string `json:"user"`
	Host string `json:"host"`
	// Remote is where a parley serve request came from (the client's
	// address, or the one a trusted proxy names); empty for commands.
	Remote string `json:"remote,omitempty"`
	// Reason is the operator's reference for the run (a ticket, a request ID).
	Reason string            `json:"reason,omitempty"`
	DryRun bool              `json:"dry_run"`
	Params map[string]string `json:"params"`
	Counts map[string]int64  `json:"counts"`
	// Error is set when the run failed part way; Counts then say what was done.
	Error string `json:"error,omitempty"`
}

// IDDigest is how the audit log names a customer or a conversation: the
// hex SHA-256 of the ID. The log holds no personal data, yet anyone who
// knows the ID can find its entries (printf %s ID | sha256sum).
func IDDigest(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// NewAuditEntry starts an audit entry for action, naming the OS user and host.
func NewAuditEntry(action, reason string, dryRun bool, now time.Time) AuditEntry {
	who := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	host, _ := os.Hostname() // an unknown host name is recorded as empty, not fatal
	return AuditEntry{
		Time: now.UTC(), Action: action, User: who, Host: host, Reason: reason, DryRun: dryRun,
		Params: map[string]string{}, Counts: map[string]int64{},
	}
}

// AppendAudit adds e to the lake's audit log and makes it durable before
// returning: an action whose record could be lost did not happen, as far as
// an auditor can tell.
func AppendAudit(root string, e AuditEntry) error {
	dir := filepath.Join(root, AuditDir)
	created := false
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("lake: create audit directory %s: %w", dir, err)
		}
		created = true
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("lake: encode audit entry: %w", err)
	}
	path := filepath.Join(dir, AuditFile)
	// O_APPEND: concurrent writers never overwrite each other's lines.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("lake: open audit log %s: %w", path, err)
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
		return fmt.Errorf("lake: append to audit log %s: %w", path, err)
	}
	if created {
		return atomicfile.SyncDir(root)
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
// line that does not decode (half a line, left by a process killed while
// appending it) is skipped and named in the error, which comes with every
// entry that did decode.
func ReadAudit(root string) ([]AuditEntry, error) {
	path := filepath.Join(root, AuditDir, AuditFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lake: open audit log: %w", err)
	}
	defer f.Close()
	return decodeAudit(f, path)
}

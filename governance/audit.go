// Package governance gives operators the lake's compliance controls: erasing a customer, dropping data past a retention window, and the append-only audit log that records both.
package governance

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/parley-cx/parley/internal/lake"
)

// AuditFile is the audit log inside the lake's audit directory: one JSON
// object per line, only ever appended to.
const AuditFile = lake.AuditFile

// Entry is one line of the audit log (see lake.AuditEntry). The log lives in
// internal/lake because ingest records partition resets in it too.
type Entry = lake.AuditEntry

// CustomerDigest is how the audit log names a customer: hex SHA-256 of the ID.
func CustomerDigest(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

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

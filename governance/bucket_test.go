package governance

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

// bucketLake imports lines into a new lake in a bucket of a test server.
func bucketLake(t *testing.T, lines []line) (string, objstore.Options, *objstore.Bucket) {
	t.Helper()
	srv := s3test.Start(t, s3test.Options{})
	srv.SetEnv(t)
	opt := objstore.Options{Endpoint: srv.Endpoint}
	var buf bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(b, '\n'))
	}
	in := filepath.Join(t.TempDir(), "history.jsonl")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	root := srv.LakeURL("acme/lake")
	if _, err := ingest.Import(context.Background(), ingest.ImportConfig{Lake: root, S3: opt, Inputs: []string{in}}); err != nil {
		t.Fatalf("import: %v", err)
	}
	b, err := objstore.Open(context.Background(), root, opt)
	if err != nil {
		t.Fatal(err)
	}
	return root, opt, b
}

// localCopy mirrors the bucket's events, dead letters and reviews into a folder.
func localCopy(t *testing.T, b *objstore.Bucket) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := lake.SyncCache(context.Background(), b, dir, []string{lake.EventsDir + "/", lake.DeadLetterDir + "/", lake.ReviewsDir + "/"}, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEraseBucket: erase on a lake in object storage removes the
// customer's events and scrubs their dead letters in the bucket itself
// (each file replaced under If-Match), records both audit lines in the
// bucket's audit log, leaves the other customer alone; a dry run changes
// no object.
func TestEraseBucket(t *testing.T) {
	ctx := context.Background()
	root, opt, b := bucketLake(t, testLines())
	before := localCopy(t, b)
	if len(filesContaining(t, before, []byte(secretA))) == 0 || len(filesContaining(t, before, []byte(deadSecret))) == 0 {
		t.Fatal("the test lake does not hold the customer's text")
	}
	etags := func() map[string]string {
		objs, err := b.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, o := range objs {
			m[o.Key] = o.ETag
		}
		return m
	}
	untouched := etags()
	dry, err := Erase(ctx, EraseConfig{Lake: root, S3: opt, Customer: target, Conversations: true, DryRun: true})
	if err != nil || dry.Events == 0 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	for k, e := range etags() {
		if !isBookkeeping(k) && untouched[k] != e {
			t.Errorf("dry run changed %s", k)
		}
	}

	st, err := Erase(ctx, EraseConfig{Lake: root, S3: opt, Customer: target, Conversations: true, Reason: "DSR-1"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != dry.Events || st.DeadLetters == 0 || st.FilesRewritten == 0 {
		t.Errorf("erase %+v, dry run said %+v", st, dry)
	}
	after := localCopy(t, b)
	for _, secret := range []string{secretA, secretB, deadSecret, target} {
		if hits := filesContaining(t, after, []byte(secret)); len(hits) > 0 {
			t.Errorf("%q still in %v", secret, hits)
		}
	}
	if len(filesContaining(t, after, []byte(otherText))) == 0 {
		t.Error("the other customer's events went too")
	}
	entries, err := lake.ReadAuditBucket(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, e := range entries {
		if e.Action == "erase" && !e.DryRun {
			statuses = append(statuses, e.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != StatusStarted || statuses[1] != StatusCompleted {
		t.Errorf("audit lines of the erase: %v, want started, completed", statuses)
	}
}

// isBookkeeping reports keys a dry run may write: the audit log and the
// maintenance lease.
func isBookkeeping(key string) bool {
	return key == lake.AuditKey || key == lake.MaintenanceLeaseKey
}

// TestRetentionBucket drops the older day from a lake in a bucket and
// records the run in the bucket's audit log.
func TestRetentionBucket(t *testing.T) {
	ctx := context.Background()
	root, opt, b := bucketLake(t, testLines())
	now := time.Date(2026, 4, 3, 12, 0, 0, 0, time.UTC)
	cfg := RetentionConfig{Lake: root, S3: opt, Keep: 31*24*time.Hour + 12*time.Hour, Now: now, DryRun: true}
	var logs strings.Builder
	cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := Retention(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `msg="retention: would drop"`) || strings.Contains(logs.String(), "retention: dropped") {
		t.Errorf("dry run log does not say it only would drop:\n%s", logs.String())
	}
	cfg.DryRun = false
	st, err := Retention(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.EventPartitions != 1 || st.Files != 1 || st.Bytes == 0 {
		t.Errorf("stats %+v, want one events partition of one file", st)
	}
	if got := datedDirs(t, localCopy(t, b), lake.EventsDir); len(got) != 1 || got[0] != "date=2026-03-03" {
		t.Errorf("events partitions left: %v, want date=2026-03-03", got)
	}
	if js, _, err := lake.ReadJournals(ctx, b); err != nil || len(js) != 0 {
		t.Errorf("journals left: %v %v", js, err)
	}
	entries, err := lake.ReadAuditBucket(ctx, b)
	if err != nil || len(entries) != 4 || entries[3].Action != "retention" || entries[3].Status != StatusCompleted || entries[3].DryRun {
		t.Errorf("audit log %+v (%v), want the two lines of the dry run and of the run", entries, err)
	}
}

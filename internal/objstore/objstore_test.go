package objstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

func open(t *testing.T, srv *s3test.Server, prefix string, opt objstore.Options) *objstore.Bucket {
	t.Helper()
	srv.SetEnv(t)
	opt.Endpoint = srv.Endpoint
	b, err := objstore.Open(context.Background(), srv.LakeURL(prefix), opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestServerEnforcesConditionalWrites is the premise of every fencing test
// on a bucket: the test server itself must refuse a second create of one
// key (If-None-Match: *) and a replace with a stale ETag (If-Match) with
// 412, also when many writers race, or those tests would prove nothing.
func TestServerEnforcesConditionalWrites(t *testing.T) {
	ctx := context.Background()
	b := open(t, s3test.Start(t, s3test.Options{}), "lake", objstore.Options{})
	first, err := b.PutBytes(ctx, "k", []byte("one"), objstore.Condition{IfAbsent: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.PutBytes(ctx, "k", []byte("two"), objstore.Condition{IfAbsent: true}); !errors.Is(err, objstore.ErrPrecondition) {
		t.Fatalf("second create of one key: %v, want a 412 (ErrPrecondition)", err)
	}
	second, err := b.PutBytes(ctx, "k", []byte("three"), objstore.Condition{IfMatch: first})
	if err != nil {
		t.Fatalf("replace with the current ETag: %v", err)
	}
	if _, err := b.PutBytes(ctx, "k", []byte("four"), objstore.Condition{IfMatch: first}); !errors.Is(err, objstore.ErrPrecondition) {
		t.Fatalf("replace with a stale ETag: %v, want a 412", err)
	}
	data, etag, err := b.Get(ctx, "k")
	if err != nil || string(data) != "three" || etag != second {
		t.Fatalf("after the refused writes: %q %s %v, want \"three\" %s", data, etag, err, second)
	}

	// Racing writers with the same condition: exactly one wins each round.
	for round := range 20 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		info, err := b.Head(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		for w := range 8 {
			wg.Go(func() {
				_, err := b.PutBytes(ctx, "k", []byte(strings.Repeat("x", round*8+w+1)), objstore.Condition{IfMatch: info.ETag})
				switch {
				case err == nil:
					mu.Lock()
					won++
					mu.Unlock()
				case !errors.Is(err, objstore.ErrPrecondition):
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("round %d: %d of 8 racing If-Match writes succeeded, want exactly 1", round, won)
		}
	}
	if err := b.CheckConditionalWrites(ctx); err != nil {
		t.Fatalf("probe on an enforcing server: %v", err)
	}
}

// TestRefusesStoreWithoutConditionalWrites: a server that ignores the
// conditions is named as such by the probe every lake command runs.
func TestRefusesStoreWithoutConditionalWrites(t *testing.T) {
	b := open(t, s3test.Start(t, s3test.Options{IgnoreConditions: true}), "lake", objstore.Options{})
	err := b.CheckConditionalWrites(context.Background())
	if !errors.Is(err, objstore.ErrNoConditionalWrites) || !strings.Contains(err.Error(), "If-None-Match") {
		t.Fatalf("probe on a server ignoring conditions: %v, want ErrNoConditionalWrites naming If-None-Match", err)
	}
}

// TestTLS: an https endpoint works when its certificate authority is given
// with Options.CAFile, and fails without it.
func TestTLS(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{TLS: true})
	ctx := context.Background()
	if !strings.HasPrefix(srv.Endpoint, "https://") {
		t.Fatalf("endpoint %s is not https", srv.Endpoint)
	}
	trusted := open(t, srv, "p", objstore.Options{CAFile: srv.CAFile})
	if _, err := trusted.PutBytes(ctx, "a", []byte("x"), objstore.Condition{}); err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	// A CA file from parley.yaml is named as such when it cannot be read.
	if _, err := objstore.Open(ctx, srv.LakeURL("p"), objstore.Options{Endpoint: srv.Endpoint, CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil || !strings.Contains(err.Error(), "--s3-ca, lake.s3.ca_file") {
		t.Errorf("a missing CA file: %v", err)
	}
	untrusted := open(t, srv, "p", objstore.Options{})
	if _, _, err := untrusted.Get(ctx, "a"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA: %v, want a certificate error", err)
	}
}

// TestBucketOperations: keys are relative to the prefix; list, copy,
// delete and the not-found error.
func TestBucketOperations(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t, s3test.Options{})
	b := open(t, srv, "team/lake", objstore.Options{})
	other := open(t, srv, "team/lake2", objstore.Options{})
	for _, k := range []string{"events/date=2026-03-01/a.parquet", "events/date=2026-03-02/b.parquet", "_offsets/t/0.json"} {
		if _, err := b.PutBytes(ctx, k, []byte(k), objstore.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := other.PutBytes(ctx, "events/x.parquet", []byte("x"), objstore.Condition{}); err != nil {
		t.Fatal(err)
	}
	got, err := b.List(ctx, "events/")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "events/date=2026-03-01/a.parquet" || got[1].Size != int64(len("events/date=2026-03-02/b.parquet")) || got[0].ETag == "" {
		t.Fatalf("list events/: %+v", got)
	}
	if _, err := b.Copy(ctx, "events/date=2026-03-01/a.parquet", "events/date=2026-03-03/c.parquet"); err != nil {
		t.Fatal(err)
	}
	if data, _, err := b.Get(ctx, "events/date=2026-03-03/c.parquet"); err != nil || string(data) != "events/date=2026-03-01/a.parquet" {
		t.Fatalf("copy: %q %v", data, err)
	}
	if err := b.Delete(ctx, "events/date=2026-03-03/c.parquet"); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "never-there"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if _, _, err := b.Get(ctx, "events/date=2026-03-03/c.parquet"); !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("get after delete: %v, want ErrNotFound", err)
	}
	if _, err := b.Head(ctx, "nope"); !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("head of a missing key: %v, want ErrNotFound", err)
	}
	if c := b.Counts(); c.Put != 3 || c.Copy != 1 || c.List != 1 {
		t.Fatalf("counts %+v", c)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, bucket, prefix string
		ok                 bool
	}{
		{"s3://b/p/q", "b", "p/q", true},
		{"s3://b/p/", "b", "p", true},
		{"s3://b", "b", "", true},
		{"s3:///p", "", "", false},
		{"s3://b/p//q", "", "", false},
		{"s3://b/p/../q", "", "", false},
		{"/data/lake", "", "", false},
	}
	for _, tc := range tests {
		b, p, err := objstore.ParseURL(tc.in)
		if (err == nil) != tc.ok || b != tc.bucket || p != tc.prefix {
			t.Errorf("ParseURL(%q) = %q, %q, %v", tc.in, b, p, err)
		}
	}
}

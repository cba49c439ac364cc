package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/objstore/s3test"
	"github.com/parley-cx/parley/metrics"
)

// TestImportAndBuildOnBucket: import into s3://bucket/prefix and build
// from it through the local cache; a second build downloads nothing and
// finds the warehouse up to date; a new import is downloaded alone and
// built incrementally, with the same counts as a full build of a folder
// lake holding the same inputs. The lake's location comes from parley.yaml
// in the second half.
func TestImportAndBuildOnBucket(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	srv.SetEnv(t)
	dir := t.TempDir()
	lakeURL := srv.LakeURL("acme/lake")
	db := filepath.Join(dir, "warehouse.duckdb")
	s3flags := []string{"--lake", lakeURL, "--s3-endpoint", srv.Endpoint}
	run := func(args ...string) string { return mustParley(t, args...) }

	run(append([]string{"import"}, append(s3flags, metricsFixture("basic.jsonl"))...)...)
	if out := run(append([]string{"import"}, append(s3flags, metricsFixture("basic.jsonl"))...)...); !strings.Contains(out, "1 input(s) already in the lake") {
		t.Errorf("second import of the same input: %s", out)
	}
	first := run(append([]string{"build", "--db", db}, s3flags...)...)
	synced := regexp.MustCompile(`synced \S+ to (\S+): (\d+) objects: (\d+) downloaded`)
	m := synced.FindStringSubmatch(first)
	if m == nil || m[1] != filepath.Join(dir, "lake-cache") || m[2] == "0" || m[2] != m[3] || !strings.Contains(first, "built ") {
		t.Fatalf("first build from the bucket:\n%s", first)
	}
	second := run(append([]string{"build", "--db", db}, s3flags...)...)
	if m := synced.FindStringSubmatch(second); m == nil || m[3] != "0" || !strings.Contains(second, "is up to date") {
		t.Errorf("second build downloaded something or rebuilt:\n%s", second)
	}

	// The same settings from parley.yaml.
	cfg := filepath.Join(dir, "parley.yaml")
	yaml := "lake:\n  path: " + lakeURL + "\n  s3:\n    endpoint: " + srv.Endpoint + "\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	run("import", "--config", cfg, metricsFixture("async.jsonl"))
	updated := run("build", "--db", db, "--config", cfg)
	// Only the new import's files are downloaded, and they are the build's new files.
	if m := synced.FindStringSubmatch(updated); m == nil || m[3] == "0" || !strings.Contains(updated, "\nupdated ") || !strings.Contains(updated, ": "+m[3]+" new files,") {
		t.Errorf("build after a new import: want its files alone downloaded and an incremental update:\n%s", updated)
	}

	// The maintenance commands take the same flags.
	// (A customer of the lake: an ID no event has is refused.)
	if out := run(append([]string{"erase", "--customer", "cust-1", "--dry-run"}, s3flags...)...); !strings.HasPrefix(out, "would erase: ") || strings.HasPrefix(out, "would erase: 0 events") {
		t.Errorf("erase --dry-run on the bucket: %s", out)
	}
	if out := run(append([]string{"retention", "--keep", "3650d", "--dry-run"}, s3flags...)...); !strings.Contains(out, "would have dropped 0 event date partitions") {
		t.Errorf("retention --dry-run on the bucket: %s", out)
	}
	if out := run(append([]string{"compact"}, s3flags...)...); !strings.HasPrefix(out, "compacted: 0 files merged") {
		t.Errorf("compact on the bucket (import files are never merged): %s", out)
	}
	if _, err := parley(t, "lake", "status", "--lake", lakeURL); err == nil || !strings.Contains(err.Error(), "reads a lake folder only") {
		t.Errorf("lake status on a bucket: %v", err)
	}

	// Export writes the warehouse's views to a bucket too.
	exported := srv.LakeURL("exports/2026-03")
	if _, err := parleyCombined(t, "export", "--db", db, "--out", exported, "--s3-endpoint", srv.Endpoint); err != nil {
		t.Fatalf("export to a bucket: %v", err)
	}
	eb, err := objstore.Open(context.Background(), exported, objstore.Options{Endpoint: srv.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if objs, err := eb.List(context.Background(), ""); err != nil || len(objs) != len(metrics.PublicObjects) {
		t.Errorf("export wrote %d objects (%v), want one per public object (%d)", len(objs), err, len(metrics.PublicObjects))
	}

	folder := filepath.Join(dir, "folder", "lake")
	run("import", "--lake", folder, metricsFixture("basic.jsonl"))
	run("import", "--lake", folder, metricsFixture("async.jsonl"))
	full := run("build", "--lake", folder)
	counts := regexp.MustCompile(`\d+ events \(\d+ duplicates dropped\) in \d+ conversations from \d+ files`)
	if a, b := counts.FindString(updated), counts.FindString(full); a == "" || a != b {
		t.Errorf("bucket build says %q, folder build %q", a, b)
	}
	// The automatic QA checks ran on every conversation of the bucket's
	// build, incremental step included, as on the folder's.
	verdicts := `SELECT "check", result, count(*) AS n, count(DISTINCT conversation_id) AS conversations FROM auto_qa GROUP BY ALL ORDER BY ALL`
	fromBucket := run("sql", "--db", db, verdicts)
	if fromFolder := run("sql", "--db", filepath.Join(dir, "folder", "warehouse.duckdb"), verdicts); fromBucket != fromFolder || !strings.Contains(fromBucket, "greeting") {
		t.Errorf("auto_qa of the bucket's build:\n%s\nof the folder's:\n%s", fromBucket, fromFolder)
	}
}

// TestBucketRefusedWithoutConditionalWrites: import names the missing
// feature instead of writing to a store that ignores conditions.
func TestBucketRefusedWithoutConditionalWrites(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{IgnoreConditions: true})
	srv.SetEnv(t)
	out, err := parleyCombined(t, "import", "--lake", srv.LakeURL("l"), "--s3-endpoint", srv.Endpoint, metricsFixture("basic.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "does not enforce conditional writes") {
		t.Fatalf("import on a store without conditional writes: %v\n%s", err, out)
	}
}

// TestBucketOverTLS: an https endpoint is trusted through --s3-ca (or
// lake.s3.ca_file), and refused without it.
func TestBucketOverTLS(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{TLS: true})
	srv.SetEnv(t)
	args := []string{"import", "--lake", srv.LakeURL("l"), "--s3-endpoint", srv.Endpoint, metricsFixture("basic.jsonl")}
	if out, err := parleyCombined(t, args...); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("import over TLS without the CA: %v\n%s", err, out)
	}
	if out, err := parleyCombined(t, append(args, "--s3-ca", srv.CAFile)...); err != nil {
		t.Fatalf("import over TLS with --s3-ca: %v\n%s", err, out)
	}
	cfg := filepath.Join(t.TempDir(), "parley.yaml")
	yaml := "lake:\n  path: " + srv.LakeURL("l") + "\n  s3:\n    endpoint: " + srv.Endpoint + "\n    ca_file: " + srv.CAFile + "\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := parleyCombined(t, "build", "--config", cfg, "--db", filepath.Join(t.TempDir(), "w.duckdb")); err != nil || !strings.Contains(out, "built ") {
		t.Fatalf("build over TLS with lake.s3.ca_file: %v\n%s", err, out)
	}
}

// TestReviewsCopiedToBucketAreBuilt: QA reviews are written to a lake
// folder (qa import refuses s3://), and files of its reviews/ copied under
// the bucket's reviews/ (aws s3 sync, as qa import's help says) reach
// qa_reviews through a build from the bucket.
func TestReviewsCopiedToBucketAreBuilt(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	srv.SetEnv(t)
	dir := t.TempDir()
	lakeURL := srv.LakeURL("acme/lake")
	s3flags := []string{"--lake", lakeURL, "--s3-endpoint", srv.Endpoint}
	mustParley(t, append([]string{"import"}, append(s3flags, metricsFixture("basic.jsonl"))...)...)

	review, err := json.Marshal(map[string]any{
		"review_id": "rv-0123456789abcdef", "run": "2026-03-20-7", "conversation_id": "c-bot-contained", "agent_id": "ana",
		"reviewer_id": "bob", "calibration": false, "scorecard": "default", "scorecard_version": config.DefaultScorecard().Version(),
		"reviewed_at": "2026-03-21T09:30:00Z",
		"ratings": []any{
			map[string]any{"category": "greeting", "rating": 3, "na": false, "comment": ""},
			map[string]any{"category": "understanding", "rating": 4, "na": false, "comment": ""},
			map[string]any{"category": "solution", "rating": 4, "na": false, "comment": ""},
			map[string]any{"category": "tone", "rating": 5, "na": false, "comment": ""},
			map[string]any{"category": "process", "rating": 1, "na": false, "comment": ""},
			map[string]any{"category": "closing", "rating": nil, "na": true, "comment": ""},
		},
		"comment": "",
	})
	if err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(dir, "scores.jsonl")
	if err := os.WriteFile(scores, append(review, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := parley(t, "qa", "import", "--lake", lakeURL, scores); err == nil {
		t.Fatal("qa import wrote to a bucket")
	}
	folder := filepath.Join(dir, "reviews-lake")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	mustParley(t, "qa", "import", "--lake", folder, scores)

	// aws s3 sync folder/reviews s3://…/reviews: every file, same relative key.
	ctx := context.Background()
	b, err := objstore.Open(ctx, lakeURL, objstore.Options{Endpoint: srv.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	copied := 0
	err = filepath.WalkDir(filepath.Join(folder, "reviews"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(folder, p)
		if err != nil {
			return err
		}
		copied++
		_, err = b.PutFile(ctx, filepath.ToSlash(rel), p, objstore.Condition{})
		return err
	})
	if err != nil || copied == 0 {
		t.Fatalf("copy the reviews: %v (%d files)", err, copied)
	}
	db := filepath.Join(dir, "warehouse.duckdb")
	mustParley(t, append([]string{"build", "--db", db}, s3flags...)...)
	if out := mustParley(t, "sql", "--db", db, "SELECT review_id, reviewer_id, conversation_id FROM qa_reviews"); !strings.Contains(out, "rv-0123456789abcdef") || !strings.Contains(out, "c-bot-contained") {
		t.Errorf("qa_reviews after a build from the bucket:\n%s", out)
	}
}

// TestBucketWithoutCredentials: with no AWS credentials anywhere (no variables, no profile,
// no instance role), a command on a bucket fails before its first request with one error that
// says so and how to give them, not the SDK's chain of provider failures, and build leaves no
// empty lake-cache folder behind.
func TestBucketWithoutCredentials(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	srv.SetEnv(t)
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(name, "")
	}
	// SetEnv has disabled the instance metadata service: the test reaches no address but the
	// server's, and the instance role is as absent as on a laptop.
	dir := t.TempDir()
	lakeURL := srv.LakeURL("acme/lake")
	for _, args := range [][]string{
		{"build", "--lake", lakeURL, "--s3-endpoint", srv.Endpoint, "--db", filepath.Join(dir, "warehouse.duckdb")},
		{"import", "--lake", lakeURL, "--s3-endpoint", srv.Endpoint, metricsFixture("basic.jsonl")},
	} {
		out, err := parleyCombined(t, args...)
		if err == nil {
			t.Fatalf("parley %v without credentials: no error\n%s", args, out)
		}
		msg := err.Error()
		for _, want := range []string{"no AWS credentials found", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "--s3-endpoint"} {
			if !strings.Contains(msg, want) {
				t.Errorf("parley %s: %q does not say %q", args[0], msg, want)
			}
		}
		for _, noise := range []string{"IMDS", "ec2imds", "failed to refresh cached credentials", "operation error"} {
			if strings.Contains(msg+out, noise) {
				t.Errorf("parley %s: the SDK's %q leaks into the output:\n%s\n%s", args[0], noise, msg, out)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "lake-cache")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("build without credentials left lake-cache behind (stat: %v)", err)
	}
}

// TestBucketWithoutCredentialsIsQuiet runs build as a process of its own, with the instance
// metadata service a local server that refuses tokens (403, as proxies and container hosts
// answer) and knows no role: stderr is the one error, without the SDK's "WARN falling back
// to IMDSv1" before it.
func TestBucketWithoutCredentialsIsQuiet(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	var asked atomic.Int64
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if r.Method == http.MethodPut { // the IMDSv2 token
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(imds.Close)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "build", "--lake", srv.LakeURL("acme/lake"), "--s3-endpoint", srv.Endpoint, "--db", filepath.Join(dir, "warehouse.duckdb"))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, asCLIEnv+"=1", "AWS_REGION=us-east-1", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT="+imds.URL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("build without credentials succeeded:\n%s", stdout.String())
	}
	if asked.Load() == 0 {
		t.Fatal("the instance metadata service was not asked: the test proves nothing")
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "no AWS credentials found") {
		t.Errorf("stderr %q, want the one error", stderr.String())
	}
}

// Package objstore is the lake's client for S3-compatible object storage: get, list, delete, server-side copy, and the two conditional writes (create only if absent, replace only if unchanged) that the lake's protocols on a bucket are built on.
package objstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/logging"
)

// Scheme starts a lake location in object storage: s3://bucket/prefix.
const Scheme = "s3://"

// IsURL reports whether a --lake value names object storage rather than a folder.
func IsURL(s string) bool { return strings.HasPrefix(s, Scheme) }

// ErrNotFound is returned for a key that does not exist.
var ErrNotFound = errors.New("object not found")

// ErrPrecondition is returned when a conditional write was refused (HTTP
// 412): the key existed for a create, or its ETag was not the one given
// for a replace. Callers branch on it: it is how a fenced-out writer learns
// that someone else moved the object.
var ErrPrecondition = errors.New("precondition failed (the object was created or changed by someone else)")

// ErrConflict is AWS S3's 409 ConditionalRequestConflict: another
// conditional write to the key was in flight. Nothing was written; the
// caller reads the object again and retries.
var ErrConflict = errors.New("conflicting conditional write in flight")

// Options configures Open.
type Options struct {
	// Endpoint is the URL of an S3-compatible service (http:// or
	// https://host:port). Empty means AWS S3 itself. With an endpoint,
	// requests are path-style (http://host/bucket/key), which every
	// S3-compatible store serves.
	Endpoint string
	// Region is the bucket's region; empty takes AWS_REGION or the
	// shared config file's, else us-east-1.
	Region string
	// CAFile is a PEM file of certificate authorities to trust for an
	// https endpoint, besides (AWS_CA_BUNDLE) or instead of the system's.
	CAFile string
}

// Info describes one object.
type Info struct {
	// Key is relative to the bucket's prefix.
	Key  string
	Size int64
	// ETag is the object's entity tag, quotes included, as S3 sends it.
	ETag string
	// Modified is when the object was written (List only).
	Modified time.Time
}

// Counts are the requests a Bucket made and the bytes it moved, for the
// performance figures of docs/performance.md and for logs.
type Counts struct {
	Get, Head, Put, Copy, List, Delete int64
	BytesDown, BytesUp                 int64
}

// Requests is the total number of requests.
func (c Counts) Requests() int64 { return c.Get + c.Head + c.Put + c.Copy + c.List + c.Delete }

// String is a one-line summary.
func (c Counts) String() string {
	return fmt.Sprintf("%d requests (%d GET, %d HEAD, %d PUT, %d COPY, %d LIST, %d DELETE), %.1f MB down, %.1f MB up",
		c.Requests(), c.Get, c.Head, c.Put, c.Copy, c.List, c.Delete, float64(c.BytesDown)/1e6, float64(c.BytesUp)/1e6)
}

// Bucket is a lake root in object storage: a bucket and a key prefix.
// Keys given to its methods are relative to the prefix and use "/".
type Bucket struct {
	client *s3.Client
	bucket string
	prefix string // "" or ending in "/"
	url    string

	get, head, put, cp, list, del, down, up atomic.Int64
}

// ParseURL splits s3://bucket/prefix into the bucket and the prefix
// (without a trailing slash; empty for the bucket's root).
func ParseURL(s string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(s, Scheme)
	if !ok {
		return "", "", fmt.Errorf("objstore: %q does not start with %s", s, Scheme)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	prefix = strings.Trim(prefix, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("objstore: %q names no bucket (want s3://bucket/prefix)", s)
	}
	if strings.Contains(prefix, "//") || path.Clean("/"+prefix) != "/"+prefix && prefix != "" {
		return "", "", fmt.Errorf("objstore: %q: the prefix must be a clean path (no //, . or ..)", s)
	}
	return bucket, prefix, nil
}

// Open connects to the bucket named by lakeURL (s3://bucket/prefix) with
// the standard AWS credential chain: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_PROFILE with
// ~/.aws/credentials and ~/.aws/config (SSO and assumed roles included),
// then the instance or container role. It sends no request to the store;
// when the chain comes down to the instance role, it asks the instance
// metadata service for it, and without one fails with ErrNoCredentials.
func Open(ctx context.Context, lakeURL string, opt Options) (*Bucket, error) {
	bucket, prefix, err := ParseURL(lakeURL)
	if err != nil {
		return nil, err
	}
	var loads []func(*config.LoadOptions) error
	if opt.CAFile != "" {
		pem, err := os.ReadFile(opt.CAFile)
		if err != nil {
			return nil, fmt.Errorf("objstore: read the certificate authorities (--s3-ca, lake.s3.ca_file): %w", err)
		}
		loads = append(loads, config.WithCustomCABundle(bytes.NewReader(pem)))
	}
	if opt.Region != "" {
		loads = append(loads, config.WithRegion(opt.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("objstore: load AWS configuration: %w", err)
	}
	if err := checkCredentials(ctx, &cfg); err != nil {
		return nil, fmt.Errorf("objstore: %s: %w", lakeURL, err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if opt.Endpoint != "" {
		if u, err := url.Parse(opt.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("objstore: --s3-endpoint %q: want http://host:port or https://host:port", opt.Endpoint)
		}
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(opt.Endpoint)
			o.UsePathStyle = true
		}
		// Checksums only where S3 requires them: the SDK's default adds
		// trailing CRC checksums in aws-chunked bodies, which several
		// S3-compatible stores do not parse. Payloads are still signed
		// (SigV4 hashes every body sent).
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	b := &Bucket{client: client, bucket: bucket, url: Scheme + bucket}
	if prefix != "" {
		b.prefix = prefix + "/"
		b.url += "/" + prefix
	}
	return b, nil
}

// ErrNoCredentials is returned by Open when the AWS credential chain finds no credentials:
// none in the environment or a profile, and no instance or container role.
var ErrNoCredentials = errors.New("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY " +
	"(for MinIO or another S3-compatible store, its access key and secret, with --s3-endpoint or lake.s3.endpoint), " +
	"or AWS_PROFILE naming a profile of ~/.aws/credentials or ~/.aws/config, or run where an instance or container role gives them")

// noCredentials is ErrNoCredentials with the SDK's account of the chain, kept for errors.As
// and debugging but out of the message: a chain of provider failures and metadata-service
// retries that says less than ErrNoCredentials does.
type noCredentials struct{ cause error }

func (e noCredentials) Error() string   { return ErrNoCredentials.Error() }
func (e noCredentials) Unwrap() []error { return []error{ErrNoCredentials, e.cause} }

// checkCredentials fails with ErrNoCredentials when the chain has come down to the instance
// role (no variables, no profile) and the instance metadata service gives none: the first
// request would otherwise fail with the SDK's chain of errors, after a command has begun
// (build had made its cache folder). Other sources (keys, profiles, SSO) are left to fail
// on use with their own, more telling errors.
//
// The instance role is then asked through a metadata client that logs nothing: the SDK's own
// writes "WARN falling back to IMDSv1" on stderr wherever the metadata address answers 403
// (a proxy, a container host), before the error that says what matters.
func checkCredentials(ctx context.Context, cfg *aws.Config) error {
	src, ok := cfg.Credentials.(aws.CredentialProviderSource)
	if !ok || !slices.Contains(src.ProviderSources(), aws.CredentialSourceIMDS) {
		return nil
	}
	quiet := cfg.Copy()
	quiet.Logger = logging.Nop{}
	cfg.Credentials = aws.NewCredentialsCache(ec2rolecreds.New(func(o *ec2rolecreds.Options) {
		o.Client = imds.NewFromConfig(quiet)
		o.CredentialSources = src.ProviderSources()
	}))
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return noCredentials{cause: err}
	}
	return nil
}

// URL is the lake location the bucket was opened with, written one way
// (s3://bucket/prefix, no trailing slash), so two spellings of one
// location compare equal.
func (b *Bucket) URL() string { return b.url }

// Counts returns the requests and bytes so far.
func (b *Bucket) Counts() Counts {
	return Counts{Get: b.get.Load(), Head: b.head.Load(), Put: b.put.Load(), Copy: b.cp.Load(), List: b.list.Load(), Delete: b.del.Load(),
		BytesDown: b.down.Load(), BytesUp: b.up.Load()}
}

func (b *Bucket) key(k string) string { return b.prefix + k }

// classify maps S3's answers that callers branch on to ErrNotFound and
// ErrPrecondition, keeping the original error for its message.
func classify(op, key string, err error) error {
	if err == nil {
		return nil
	}
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var re *awshttp.ResponseError
	switch {
	case errors.As(err, &nsk), errors.As(err, &nf):
		return fmt.Errorf("objstore: %s %s: %w", op, key, errors.Join(ErrNotFound, err))
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound:
		return fmt.Errorf("objstore: %s %s: %w", op, key, errors.Join(ErrNotFound, err))
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed:
		return fmt.Errorf("objstore: %s %s: %w", op, key, errors.Join(ErrPrecondition, err))
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusConflict:
		return fmt.Errorf("objstore: %s %s: %w", op, key, errors.Join(ErrConflict, err))
	}
	return fmt.Errorf("objstore: %s %s: %w", op, key, err)
}

// Get returns the whole object and its ETag.
func (b *Bucket) Get(ctx context.Context, key string) ([]byte, string, error) {
	b.get.Add(1)
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(key))})
	if err != nil {
		return nil, "", classify("get", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	b.down.Add(int64(len(data)))
	if err != nil {
		return nil, "", fmt.Errorf("objstore: read %s: %w", key, err)
	}
	return data, aws.ToString(out.ETag), nil
}

// Download writes the object to w and returns its ETag and size.
func (b *Bucket) Download(ctx context.Context, key string, w io.Writer) (string, int64, error) {
	b.get.Add(1)
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(key))})
	if err != nil {
		return "", 0, classify("get", key, err)
	}
	defer out.Body.Close()
	n, err := io.Copy(w, out.Body)
	b.down.Add(n)
	if err != nil {
		return "", n, fmt.Errorf("objstore: download %s: %w", key, err)
	}
	return aws.ToString(out.ETag), n, nil
}

// Head returns the object's size and ETag.
func (b *Bucket) Head(ctx context.Context, key string) (Info, error) {
	b.head.Add(1)
	out, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(key))})
	if err != nil {
		return Info{}, classify("head", key, err)
	}
	return Info{Key: key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag)}, nil
}

// Condition says when a Put may write.
type Condition struct {
	// IfAbsent writes only if the key does not exist (If-None-Match: *).
	IfAbsent bool
	// IfMatch, if set, writes only if the object's ETag is this one (If-Match).
	IfMatch string
}

// Put writes body (read from its start) to key under cond and returns the
// new ETag; ErrPrecondition if cond did not hold. The store checks cond
// and writes in one step, so of two writers racing with the same
// condition exactly one succeeds.
func (b *Bucket) Put(ctx context.Context, key string, body io.ReadSeeker, cond Condition) (string, error) {
	size, err := body.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = body.Seek(0, io.SeekStart)
	}
	if err != nil {
		return "", fmt.Errorf("objstore: put %s: measure the body: %w", key, err)
	}
	in := &s3.PutObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(key)), Body: body, ContentLength: aws.Int64(size)}
	if cond.IfAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if cond.IfMatch != "" {
		in.IfMatch = aws.String(cond.IfMatch)
	}
	b.put.Add(1)
	out, err := b.client.PutObject(ctx, in)
	if err != nil {
		return "", classify("put", key, err)
	}
	b.up.Add(size)
	return aws.ToString(out.ETag), nil
}

// PutBytes is Put for a body held in memory.
func (b *Bucket) PutBytes(ctx context.Context, key string, data []byte, cond Condition) (string, error) {
	return b.Put(ctx, key, bytes.NewReader(data), cond)
}

// PutFile uploads the local file at path to key under cond.
func (b *Bucket) PutFile(ctx context.Context, key, path string, cond Condition) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("objstore: put %s: %w", key, err)
	}
	defer f.Close() // only read
	return b.Put(ctx, key, f, cond)
}

// Copy copies the object at from to to inside the bucket, on the server
// (no bytes pass through this process), and returns the new ETag.
func (b *Bucket) Copy(ctx context.Context, from, to string) (string, error) {
	b.cp.Add(1)
	src := b.bucket + "/" + b.key(from)
	out, err := b.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(to)), CopySource: aws.String(url.PathEscape(src))})
	if err != nil {
		return "", classify("copy "+from+" to", to, err)
	}
	if out.CopyObjectResult == nil {
		return "", nil
	}
	return aws.ToString(out.CopyObjectResult.ETag), nil
}

// Delete removes key; a missing key is not an error.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	b.del.Add(1)
	_, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(key))})
	if err = classify("delete", key, err); errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// List returns every object whose key starts with prefix (relative to the
// bucket's prefix), in key order.
func (b *Bucket) List(ctx context.Context, prefix string) ([]Info, error) {
	var out []Info
	p := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{Bucket: &b.bucket, Prefix: aws.String(b.key(prefix))})
	for p.HasMorePages() {
		b.list.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("list", prefix+"*", err)
		}
		for _, o := range page.Contents {
			out = append(out, Info{Key: strings.TrimPrefix(aws.ToString(o.Key), b.prefix), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), Modified: aws.ToTime(o.LastModified)})
		}
	}
	return out, nil
}

// ProbeKey is where CheckConditionalWrites writes (and removes) its test objects.
const ProbeKey = "_parley/conditional-write-probe/"

// ErrNoConditionalWrites says the store accepted a write that a
// condition should have refused.
var ErrNoConditionalWrites = errors.New("the object store does not enforce conditional writes (PutObject with If-None-Match: * and If-Match)")

// CheckConditionalWrites proves that the store enforces both conditional
// writes the lake relies on, by trying them on a fresh key: a second
// create with If-None-Match: * and a replace with a wrong If-Match must
// both be refused. A store that accepts either (older S3-compatible
// servers ignore the headers) would let a fenced-out writer overwrite a
// checkpoint, so lake commands refuse to run on it: the error wraps
// ErrNoConditionalWrites and names the header that was ignored.
func (b *Bucket) CheckConditionalWrites(ctx context.Context) error {
	id := make([]byte, 8)
	_, _ = rand.Read(id) // crypto/rand never fails
	key := ProbeKey + hex.EncodeToString(id)
	etag, err := b.PutBytes(ctx, key, []byte("first"), Condition{IfAbsent: true})
	if err != nil {
		return fmt.Errorf("objstore: %s: write a test object: %w", b.url, err)
	}
	defer b.Delete(context.WithoutCancel(ctx), key) //nolint:errcheck // a leftover probe object is harmless and named as such
	_, err = b.PutBytes(ctx, key, []byte("second"), Condition{IfAbsent: true})
	switch {
	case err == nil:
		return fmt.Errorf("objstore: %s: a second create of %s with If-None-Match: * succeeded: %w", b.url, key, ErrNoConditionalWrites)
	case !errors.Is(err, ErrPrecondition):
		return fmt.Errorf("objstore: %s: test If-None-Match: %w", b.url, err)
	}
	wrong := `"00000000000000000000000000000000"`
	if etag == wrong {
		wrong = `"11111111111111111111111111111111"`
	}
	_, err = b.PutBytes(ctx, key, []byte("third"), Condition{IfMatch: wrong})
	switch {
	case err == nil:
		return fmt.Errorf("objstore: %s: a replace of %s with a wrong If-Match succeeded: %w", b.url, key, ErrNoConditionalWrites)
	case !errors.Is(err, ErrPrecondition):
		return fmt.Errorf("objstore: %s: test If-Match: %w", b.url, err)
	}
	if _, err := b.PutBytes(ctx, key, []byte("fourth"), Condition{IfMatch: etag}); err != nil {
		return fmt.Errorf("objstore: %s: a replace with the right If-Match failed: %w", b.url, err)
	}
	return nil
}

// Package s3test runs a real S3-protocol server (gofakes3 with its in-memory backend) over HTTP or HTTPS on 127.0.0.1, for tests of the lake on object storage.
//
// gofakes3 v1.2.0 checks PutObject's If-None-Match: * and If-Match under
// the same lock that writes the object (backend s3mem), so two racing
// conditional writes cannot both succeed; objstore's
// TestServerEnforcesConditionalWrites proves it over HTTP before any test
// relies on it. It does not check request signatures (any credentials are
// accepted), has no eventual consistency to simulate (every read follows
// the last write), and keeps objects in memory.
package s3test

import (
	"crypto/tls"
	"encoding/pem"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// BucketName is the bucket every Server starts with.
const BucketName = "lake"

// Server is a running S3-protocol server with one bucket.
type Server struct {
	// Endpoint is the server's base URL (http://127.0.0.1:PORT, or https:// with TLS).
	Endpoint string
	// CAFile, with TLS, is a PEM file of the certificate that signs the server's.
	CAFile string
	srv    *httptest.Server
}

// Options changes the server Start runs.
type Options struct {
	// TLS serves HTTPS with a certificate of its own, trusted through CAFile.
	TLS bool
	// IgnoreConditions makes the server accept every conditional write as
	// if it had no condition, like an S3-compatible store that does not
	// implement them: the lake must refuse to run on it.
	IgnoreConditions bool
}

// Start runs a server until the test ends.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	mem := s3mem.New()
	var backend gofakes3.Backend = mem
	if opt.IgnoreConditions {
		backend = ignoreConditions{mem}
	}
	if err := backend.CreateBucket(BucketName); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(faker.Server())
	srv.Listener.Close()
	srv.Listener = ln
	s := &Server{srv: srv}
	if opt.TLS {
		srv.StartTLS()
		s.CAFile = filepath.Join(t.TempDir(), "s3-ca.pem")
		cert := srv.TLS.Certificates[0]
		if err := os.WriteFile(s.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
			t.Fatal(err)
		}
		srv.TLS.MinVersion = tls.VersionTLS12
	} else {
		srv.Start()
	}
	s.Endpoint = srv.URL
	t.Cleanup(srv.Close)
	return s
}

// LakeURL is the s3:// location of prefix in the server's bucket.
func (s *Server) LakeURL(prefix string) string { return "s3://" + BucketName + "/" + prefix }

// Env is the environment a process needs to reach the server with the
// standard AWS variables (static test credentials, a region, no shared
// config files of the machine running the tests).
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=parley-test",
		"AWS_SECRET_ACCESS_KEY=parley-test-secret",
		"AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// SetEnv sets Env in the test's own process, restored when it ends.
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		for i := range kv {
			if kv[i] == '=' {
				t.Setenv(kv[:i], kv[i+1:])
				break
			}
		}
	}
}

// ignoreConditions drops the conditions of every PutObject.
type ignoreConditions struct{ *s3mem.Backend }

func (b ignoreConditions) PutObject(bucket, key string, meta map[string]string, input io.Reader, size int64, _ *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	return b.Backend.PutObject(bucket, key, meta, input, size, nil)
}

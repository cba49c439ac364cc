package serve

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/lake"
)

// fixture is a lake, a reports folder with one page and a secret beside
// it, and a packet folder with one transcript page.
type fixture struct {
	dir, lake, reports, qa string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	f := fixture{dir: dir, lake: filepath.Join(dir, "lake"), reports: filepath.Join(dir, "report"), qa: filepath.Join(dir, "qa")}
	for _, d := range []string{f.lake, f.reports, filepath.Join(f.qa, "2026-03-12-1", "transcripts")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	page := func(path, title string) {
		if err := htmlpage.WritePage(path, htmlpage.Page{Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	page(filepath.Join(f.reports, "index.html"), "Overview")
	page(filepath.Join(f.qa, "2026-03-12-1", "transcripts", "1.html"), "Transcript")
	write(t, filepath.Join(f.qa, "2026-03-12-1", "manifest.jsonl"), `{"page":"transcripts/1.html","conversation_id":"c-9"}`+"\n")
	write(t, filepath.Join(dir, "secret.txt"), "TOP SECRET\n")
	// A link inside the reports folder that leads out of it.
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(f.reports, "link.html")); err != nil {
		t.Fatal(err)
	}
	return f
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hashOf(t *testing.T, password string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// start serves f with set on 127.0.0.1 (httptest: a real listener).
func start(t *testing.T, f fixture, set config.Serve) *httptest.Server {
	t.Helper()
	settings := config.Default()
	settings.Serve = set
	s, err := New(Config{Lake: f.lake, DB: filepath.Join(f.dir, "warehouse.duckdb"), Reports: f.reports, QA: f.qa, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func passwordSettings(t *testing.T) config.Serve {
	return config.Serve{Auth: config.AuthPassword, Users: []config.User{
		{Name: "lead", PasswordHash: hashOf(t, "right"), Roles: []string{config.RoleLeader}},
		{Name: "alice", PasswordHash: hashOf(t, "alice-pw"), Roles: []string{config.RoleQA}},
	}}
}

// client is a browser-less client with cookies that does not follow redirects.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// signIn signs c in as user and returns the response to the form's post.
func signIn(t *testing.T, c *http.Client, base, user, password string) *http.Response {
	t.Helper()
	resp, body := do(t, c, http.MethodGet, base+"/signin", nil)
	m := csrfRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("GET /signin: %d, no token in %q", resp.StatusCode, body)
	}
	resp, _ = do(t, c, http.MethodPost, base+"/signin", url.Values{"csrf": {m[1]}, "name": {user}, "password": {password}})
	return resp
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func auditActions(t *testing.T, root string) []lake.AuditEntry {
	t.Helper()
	entries, err := lake.ReadAudit(root)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestSignInIsRateLimited: five wrong passwords for a name, then the sixth
// attempt is refused even with the right password (429), every attempt
// audited; another name from the same address still signs in; the session
// cookie is HttpOnly and SameSite=Strict, not Secure over plain HTTP.
func TestSignInIsRateLimited(t *testing.T) {
	f := newFixture(t)
	srv := start(t, f, passwordSettings(t))
	c := client(t)
	for i := range 5 {
		if resp := signIn(t, c, srv.URL, "lead", fmt.Sprintf("guess-%d", i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, resp.StatusCode)
		}
	}
	if resp := signIn(t, c, srv.URL, "lead", "right"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password after five wrong ones: %d, want 429", resp.StatusCode)
	}
	resp := signIn(t, c, srv.URL, "alice", "alice-pw")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice: %d, want 303", resp.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure {
		t.Errorf("session cookie %+v, want HttpOnly, SameSite=Strict, not Secure over HTTP", session)
	}
	failed, limited := 0, 0
	for _, e := range auditActions(t, f.lake) {
		if e.Action == "signin-failed" && e.User == "lead" && e.Remote == "127.0.0.1" {
			failed++
			if e.Params["why"] == "too many attempts" {
				limited++
			}
		}
	}
	if failed != 6 || limited != 1 {
		t.Errorf("audited %d failed sign-ins (%d rate-limited), want 6 (1)", failed, limited)
	}
}

// TestProxySignIn: behind a single sign-on proxy the header names the
// user, believed only from the trusted proxies and only for listed users;
// there is no password page. A password hash beside it is refused by the
// configuration (never both).
func TestProxySignIn(t *testing.T) {
	f := newFixture(t)
	set := config.Serve{Auth: config.AuthProxy, ProxyHeader: "X-Forwarded-User", TrustedProxies: []string{"127.0.0.1/32"},
		Users: []config.User{{Name: "lead", Roles: []string{config.RoleLeader}}}}
	srv := start(t, f, set)
	get := func(user string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/reports/index.html", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-User", user)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body) //nolint:errcheck // the status is the check
		return resp.StatusCode, string(b)
	}
	if code, body := get("lead"); code != http.StatusOK || !strings.Contains(body, "parley-refresh") {
		t.Errorf("lead through the proxy: %d", code)
	}
	if code, _ := get("mallory"); code != http.StatusForbidden {
		t.Errorf("an unlisted user: %d, want 403", code)
	}
	if code, _ := get(""); code != http.StatusForbidden {
		t.Errorf("no user named: %d, want 403", code)
	}
	if resp, _ := do(t, client(t), http.MethodGet, srv.URL+"/signin", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/signin behind a proxy: %d, want 404", resp.StatusCode)
	}
	// The same header from an address that is not the proxy's.
	untrusted := set
	untrusted.TrustedProxies = []string{"10.0.0.0/8"}
	srv2 := start(t, f, untrusted)
	req, _ := http.NewRequest(http.MethodGet, srv2.URL+"/reports/index.html", nil) //nolint:errcheck // a constant URL
	req.Header.Set("X-Forwarded-User", "lead")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("the header from an untrusted address: %d, want 403", resp.StatusCode)
	}
	var signins, refused int
	for _, e := range auditActions(t, f.lake) {
		switch {
		case e.Action == "signin" && e.User == "lead":
			signins++
		case e.Action == "signin-failed" && e.User == "mallory", e.Action == "denied" && e.Params["why"] == "not from a trusted proxy":
			refused++
		}
	}
	if signins != 1 || refused != 2 {
		t.Errorf("audit: %d sign-ins, %d refusals; want 1 and 2", signins, refused)
	}
	both := config.Default()
	both.Serve = set
	both.Serve.Users = []config.User{{Name: "lead", PasswordHash: hashOf(t, "x"), Roles: []string{config.RoleLeader}}}
	if err := both.Validate(); err == nil || !strings.Contains(err.Error(), "password_hash") {
		t.Errorf("a password hash behind a proxy: %v, want refused", err)
	}
}

// TestTraversalRefused sends, byte for byte as written (a browser would
// normalise some), requests that try to leave the served folders, list a
// folder or follow a link out: none answers 200 or shows the secret.
func TestTraversalRefused(t *testing.T) {
	f := newFixture(t)
	srv := start(t, f, config.Serve{Auth: config.AuthPassword, Users: []config.User{
		{Name: "root", PasswordHash: hashOf(t, "pw"), Roles: []string{config.RoleAdmin}}}})
	c := client(t)
	signIn(t, c, srv.URL, "root", "pw")
	u, _ := url.Parse(srv.URL)             //nolint:errcheck // httptest's URL
	cookie := c.Jar.Cookies(u)[0].String() // the session
	if resp, _ := do(t, c, http.MethodGet, srv.URL+"/reports/index.html", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("the served page itself: %d", resp.StatusCode)
	}
	for _, path := range []string{
		"/reports/../secret.txt", "/reports/..%2fsecret.txt", "/reports/%2e%2e%2fsecret.txt", "/reports/..%5csecret.txt",
		"/reports/link.html", "/reports/.%2e/secret.txt", "/reports/index.html%00", "/reports/",
		"/qa/2026-03-12-1/../../secret.txt", "/qa/2026-03-12-1/..%2f..%2fsecret.txt", "/qa/2026-03-12-1/transcripts/",
		"/qa/2026-03-12-1/transcripts/..%2f..%2f..%2fsecret.txt", "/qa/..%2f/secret.txt", "/qa/2026-03-12-1/%2e%2e/%2e%2e/secret.txt",
		"/qa/2026-03-12-1/.manifest.jsonl", "/_parley/version?file=../secret.txt", "//secret.txt", "/qa/2026-03-12-1/transcripts/1.html/..",
	} {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nConnection: close\r\n\r\n", path, u.Host, cookie)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body) //nolint:errcheck // what arrived is checked
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "TOP SECRET") || strings.Contains(string(body), "1.html") {
			t.Errorf("%s: %d %.200q", path, resp.StatusCode, body)
		}
	}
}

// TestTLSAndLoopback: with certificate files the server speaks HTTPS only,
// marks its session cookie Secure and sends HSTS; without TLS it refuses to
// listen anywhere but on loopback unless a proxy terminates TLS.
func TestTLSAndLoopback(t *testing.T) {
	f := newFixture(t)
	cert, key := selfSigned(t, f.dir)
	set := passwordSettings(t)
	set.TLSCert, set.TLSKey = cert, key
	settings := config.Default()
	settings.Serve = set
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Lake: f.lake, Reports: f.reports, QA: f.qa, Settings: settings, Listen: addr})
	}()
	c := client(t)
	c.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test's own certificate
	var resp *http.Response
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if resp, err = c.Get("https://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the TLS server did not come up: %v", err)
		}
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
	resp = signIn(t, c, "https://"+addr, "lead", "right")
	var secure bool
	for _, ck := range resp.Cookies() {
		secure = secure || (ck.Name == sessionCookie && ck.Secure)
	}
	if !secure {
		t.Error("the session cookie over TLS is not Secure")
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP on the TLS port: %d, want 400 (Go's answer to HTTP on an HTTPS server)", resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}

	plain := config.Default()
	plain.Serve = passwordSettings(t)
	err = Run(context.Background(), Config{Lake: f.lake, Settings: plain, Listen: "0.0.0.0:0"})
	if err == nil || !strings.Contains(err.Error(), "no TLS") {
		t.Errorf("plain HTTP on every interface: %v, want refused", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	return certFile, keyFile
}

// TestTranscriptNotShownUnaudited: a transcript is sent only once its view
// is in the audit log; when the log cannot be written (here its file is a
// folder, which stops root too) the page is refused, while a dashboard,
// which holds no transcript, is still served.
func TestTranscriptNotShownUnaudited(t *testing.T) {
	f := newFixture(t)
	srv := start(t, f, config.Serve{Auth: config.AuthPassword, Users: []config.User{
		{Name: "root", PasswordHash: hashOf(t, "pw"), Roles: []string{config.RoleAdmin}}}})
	c := client(t)
	signIn(t, c, srv.URL, "root", "pw")
	transcript := srv.URL + "/qa/2026-03-12-1/transcripts/1.html"
	if resp, body := do(t, c, http.MethodGet, transcript, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Transcript") {
		t.Fatalf("the transcript while the log is writable: %d", resp.StatusCode)
	}
	entries := auditActions(t, f.lake)
	if last := entries[len(entries)-1]; last.Action != "view-transcript" || last.Params["conversation_sha256"] != lake.IDDigest("c-9") {
		t.Errorf("last audit entry %+v, want the view of c-9 by its digest", last)
	}
	log := filepath.Join(f.lake, lake.AuditDir, lake.AuditFile)
	if err := os.Rename(log, log+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(log, 0o755); err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, c, http.MethodGet, transcript, nil)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "<title>Transcript") {
		t.Errorf("the transcript with the audit log unwritable: %d, want 500 and no transcript", resp.StatusCode)
	}
	if resp, _ := do(t, c, http.MethodGet, srv.URL+"/reports/index.html", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a dashboard with the audit log unwritable: %d, want 200", resp.StatusCode)
	}
}

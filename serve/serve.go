// Package serve is `parley serve`: an HTTP server (standard library only) that shows the dashboards, the Now page and the QA packets to signed-in people by role, stores reviews posted from the packets' forms as `parley qa import` does, takes agents' disputes, and audits every transcript view, review, dispute and sign-in.
//
// It serves what other stages wrote (the reports folder, the QA packets)
// and writes only through the qa package's import and dispute paths and
// the lake's audit log. Deny by default: every route names the permission
// it needs, and a role grants a fixed set of them (roles below).
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
)

// Config says what to serve and from where.
type Config struct {
	// Lake is the lake root: reviews and disputes go to its reviews
	// dataset, and every audited action to its audit log.
	Lake string
	// DB is the warehouse (reviews are listed from qa_reviews).
	DB string
	// Reports is the folder parley report (or run) writes the dashboards to.
	Reports string
	// QA is the folder of the QA packets (qa sample's --out).
	QA string
	// Settings holds the serve section (users, sign-in, TLS) and the
	// scorecards reviews are checked against.
	Settings *config.Config
	// Listen overrides serve.listen.
	Listen string
	// Log receives requests refused and errors; nil discards them.
	Log *slog.Logger
}

// permission is one thing a route may need.
type permission int

const (
	permDashboards   permission = iota // the reports folder, the Now page included
	permPackets                        // QA packets, transcripts included
	permSubmitReview                   // post a review from a packet's form
	permResolve                        // resolve a dispute
	permReviewsAll                     // every review
	permReviewsOwn                     // the reviews of one's own conversations (agent id)
	permDispute                        // dispute one's own review
)

// roles are the permissions each role grants; nothing else is allowed.
var roles = map[string][]permission{
	config.RoleLeader: {permDashboards},
	config.RoleQA:     {permPackets, permSubmitReview, permResolve, permReviewsAll},
	config.RoleAgent:  {permReviewsOwn, permDispute},
	config.RoleAdmin:  {permDashboards, permPackets, permSubmitReview, permResolve, permReviewsAll},
}

// Server is a configured parley serve.
type Server struct {
	cfg      Config
	set      config.Serve
	log      *slog.Logger
	users    map[string]config.User
	trusted  []netip.Prefix
	sessions *sessions
	limits   *limiter
	secure   bool // session cookies carry Secure
	host     string
	auditMu  sync.Mutex
	dbMu     sync.Mutex
}

// New checks cfg and makes a server; it serves nothing until Handler is used.
func New(cfg Config) (*Server, error) {
	var errs []error
	if cfg.Lake == "" {
		errs = append(errs, errors.New("lake: required (the audit log and reviews live there)"))
	}
	if cfg.Settings == nil {
		errs = append(errs, errors.New("settings: required (the serve section of parley.yaml)"))
	} else if len(cfg.Settings.Serve.Users) == 0 {
		errs = append(errs, errors.New("serve.users: nobody may sign in: list the users of parley.yaml's serve section (docs/operations.md)"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	set := cfg.Settings.Serve
	s := &Server{cfg: cfg, set: set, log: cfg.Log, users: map[string]config.User{},
		sessions: newSessions(firstDuration(time.Duration(set.SessionTTL), config.DefaultSessionTTL)),
		limits:   newLimiter(),
		secure:   set.TLSCert != "" || set.BehindProxy}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, u := range set.Users {
		s.users[u.Name] = u
	}
	for _, p := range set.TrustedProxies {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("serve: serve.trusted_proxies: %w", err)
		}
		s.trusted = append(s.trusted, prefix)
	}
	s.host, _ = os.Hostname() // an unknown host is recorded as empty
	return s, nil
}

// Handler is the server's whole HTTP interface. Routes not listed do not
// exist (404); every listed route but sign-in and /healthz needs a
// signed-in user, and most a permission.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n")) //nolint:errcheck // the client went away
	})
	mux.HandleFunc("GET /signin", s.signinPage)
	mux.HandleFunc("POST /signin", s.signin)
	mux.Handle("POST /signout", s.signedIn(s.signout))
	mux.Handle("GET /{$}", s.signedIn(s.home))
	mux.Handle("GET /reports/{file}", s.allow(permDashboards, s.reportFile))
	mux.Handle("GET /_parley/version", s.allow(permDashboards, s.version))
	mux.Handle("GET /qa/{$}", s.allow(permPackets, s.packets))
	mux.Handle("GET /qa/{run}/{path...}", s.allow(permPackets, s.packetFile))
	mux.Handle("POST /qa/reviews", s.allow(permSubmitReview, s.submitReview))
	mux.Handle("GET /reviews", s.signedIn(s.reviewList))
	mux.Handle("GET /reviews/{id}", s.signedIn(s.reviewPage))
	mux.Handle("POST /reviews/{id}/dispute", s.allow(permDispute, s.dispute))
	mux.Handle("POST /reviews/{id}/resolve", s.allow(permResolve, s.resolve))

	// A browser's cross-origin POST is refused before anything else looks
	// at it (Sec-Fetch-Site, Origin); the forms' tokens are checked too.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := ""
		if c, err := r.Cookie(sessionCookie); err == nil {
			if se := s.sessions.get(c.Value); se != nil {
				user = se.user.Name
			}
		}
		s.audit(r, "denied", user, map[string]string{"path": r.URL.Path, "why": "cross-origin request"})
		s.fail(w, r, http.StatusForbidden, "A form on another site tried to send this request; it was refused.")
	}))
	return s.headers(cop.Handler(mux))
}

// headers sets what every response carries: no sniffing, no referrer, no
// framing, no caching of what a signed-in person saw, and a CSP that
// allows nothing (pages replace it with their own, as strict).
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// audit appends one line to the lake's audit log: who, when, what, from
// where. It reports false, having logged why, when the line could not be
// written: the caller then refuses to do what would go unrecorded.
func (s *Server) audit(r *http.Request, action, user string, params map[string]string) bool {
	e := lake.NewAuditEntry(action, "", false, time.Now())
	e.User, e.Host, e.Remote, e.Params = user, s.host, s.remote(r).String(), params
	s.auditMu.Lock()
	err := lake.AppendAudit(s.cfg.Lake, e)
	s.auditMu.Unlock()
	if err != nil {
		s.log.Error("serve: audit log not written; the request is refused", "action", action, "user", user, "err", err)
		return false
	}
	return true
}

// digest names a conversation in the audit log, as erase does (the log
// holds no personal data); "" when the conversation is not known.
func digest(conversationID string) string {
	if conversationID == "" {
		return ""
	}
	return lake.IDDigest(conversationID)
}

// remote is where the request came from: the client, or, from a trusted
// proxy, the first address of X-Forwarded-For.
func (s *Server) remote(r *http.Request) netip.Addr {
	addr := s.remoteAddr(r)
	if s.fromTrustedProxy(addr) {
		if fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-For"), ","); strings.TrimSpace(fwd) != "" {
			if a, err := netip.ParseAddr(strings.TrimSpace(fwd)); err == nil {
				return a.Unmap()
			}
		}
	}
	return addr
}

func (s *Server) fromTrustedProxy(a netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Run serves until ctx ends, then shuts down, letting requests in
// progress finish (at most 10s). It listens with TLS from serve.tls_cert
// and tls_key; without them only on a loopback address or behind a proxy
// that terminates TLS (serve.behind_proxy), so that passwords and session
// cookies never cross a network in clear text.
func Run(ctx context.Context, cfg Config) error {
	s, err := New(cfg)
	if err != nil {
		return err
	}
	addr := firstString(cfg.Listen, s.set.Listen, config.DefaultServeListen)
	tlsOn := s.set.TLSCert != ""
	if !tlsOn && !s.set.BehindProxy && !loopback(addr) {
		return fmt.Errorf("serve: %s is not a loopback address and there is no TLS: give serve.tls_cert and serve.tls_key, or set serve.behind_proxy when a reverse proxy terminates TLS", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	s.log.Info("serve: listening", "url", scheme+"://"+ln.Addr().String(), "auth", s.set.Auth, "users", len(s.users),
		"reports", cfg.Reports, "qa", cfg.QA, "db", cfg.DB)
	errc := make(chan error, 1)
	go func() {
		if tlsOn {
			errc <- srv.ServeTLS(ln, s.set.TLSCert, s.set.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	s.log.Info("serve: stopped")
	return nil
}

// loopback reports whether addr (host:port) listens on a loopback address only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func firstString(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

package serve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/parley-cx/parley/internal/config"
)

// Cookies the server sets.
const (
	sessionCookie = "parley_session"
	// signinCookie carries the sign-in form's CSRF token before there is a
	// session (the form holds the same value: double submit).
	signinCookie = "parley_signin"
)

// session is one signed-in person.
type session struct {
	user    config.User
	csrf    string // the token every form of the session carries
	expires time.Time
}

// sessions are held in memory: restarting the server signs everyone out.
type sessions struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]*session
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]*session{}}
}

// start makes a new session for u and returns its cookie value.
func (ss *sessions) start(u config.User) (string, *session) {
	id, se := token(), &session{user: u, csrf: token(), expires: time.Now().Add(ss.ttl)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := time.Now()
	for k, old := range ss.m {
		if now.After(old.expires) {
			delete(ss.m, k)
		}
	}
	ss.m[id] = se
	return id, se
}

func (ss *sessions) get(id string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	se := ss.m[id]
	if se == nil || time.Now().After(se.expires) {
		delete(ss.m, id)
		return nil
	}
	return se
}

func (ss *sessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// token is 32 random bytes in hex.
func token() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("serve: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// limiter limits failed sign-ins per user name (a burst of 5) and per
// client address (20, for an office behind one address), each refilled by
// one every 12 seconds: guessing a password takes years, while a person
// who mistypes twice notices nothing. Successful sign-ins cost nothing.
type limiter struct {
	mu   sync.Mutex
	keys map[string]*rate.Limiter
}

func newLimiter() *limiter { return &limiter{keys: map[string]*rate.Limiter{}} }

// limitKey is one bucket of failed sign-ins.
type limitKey struct {
	key   string
	burst int
}

func (l *limiter) bucket(k limitKey) *rate.Limiter {
	if len(l.keys) > 100_000 {
		// Forget full buckets: they hold no information.
		for key, b := range l.keys {
			if b.Tokens() >= float64(b.Burst()) {
				delete(l.keys, key)
			}
		}
	}
	b := l.keys[k.key]
	if b == nil {
		b = rate.NewLimiter(rate.Every(12*time.Second), k.burst)
		l.keys[k.key] = b
	}
	return b
}

// blocked reports whether any of the keys has no failed attempt left.
func (l *limiter) blocked(keys ...limitKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if l.bucket(k).Tokens() < 1 {
			return true
		}
	}
	return false
}

// failed spends one attempt of every key.
func (l *limiter) failed(keys ...limitKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.bucket(k).Allow()
	}
}

// identity is the signed-in person of a request.
type identity struct {
	user    config.User
	session *session
}

func (id identity) can(p permission) bool {
	for _, r := range id.user.Roles {
		if slices.Contains(roles[r], p) {
			return true
		}
	}
	return false
}

type ctxKey struct{}

func identityOf(r *http.Request) identity {
	id, _ := r.Context().Value(ctxKey{}).(identity)
	return id
}

// signedIn runs h for a signed-in person: by session (auth: password), or
// by the trusted proxy's header (auth: proxy). Others are sent to sign in
// (GET) or refused (anything else). Every POST must carry the session's
// CSRF token.
func (s *Server) signedIn(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.identify(w, r)
		if !ok {
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if !sameToken(r.PostFormValue("csrf"), id.session.csrf) {
				s.audit(r, "denied", id.user.Name, map[string]string{"path": r.URL.Path, "why": "missing or wrong CSRF token"})
				s.fail(w, r, http.StatusForbidden, "This form has expired or did not come from this server. Go back, reload the page and try again.")
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// allow is signedIn for people whose roles grant p; others get 403, audited.
func (s *Server) allow(p permission, h http.HandlerFunc) http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if id := identityOf(r); !id.can(p) {
			s.deny(w, r, "role does not allow it", nil)
			return
		}
		h(w, r)
	})
}

// deny answers 403 and records the attempt in the audit log.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, why string, params map[string]string) {
	if params == nil {
		params = map[string]string{}
	}
	params["path"], params["why"] = r.URL.Path, why
	s.audit(r, "denied", identityOf(r).user.Name, params)
	s.fail(w, r, http.StatusForbidden, "You may not open this page.")
}

// identify finds who is signed in, answering the request itself (and
// reporting false) when nobody is.
func (s *Server) identify(w http.ResponseWriter, r *http.Request) (identity, bool) {
	if s.set.Auth == config.AuthProxy {
		return s.proxyIdentity(w, r)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if se := s.sessions.get(c.Value); se != nil {
			return identity{user: se.user, session: se}, true
		}
	}
	if r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	} else {
		s.fail(w, r, http.StatusForbidden, "Sign in first.")
	}
	return identity{}, false
}

// proxyIdentity believes the proxy header from the trusted proxies only,
// and only for users parley.yaml lists. The person gets a session of their
// own (for the forms' CSRF tokens), started, and audited, when the header
// names someone new to this browser.
func (s *Server) proxyIdentity(w http.ResponseWriter, r *http.Request) (identity, bool) {
	remote := s.remoteAddr(r)
	name := r.Header.Get(s.set.ProxyHeader)
	if !s.fromTrustedProxy(remote) {
		s.audit(r, "denied", name, map[string]string{"path": r.URL.Path, "why": "not from a trusted proxy"})
		s.fail(w, r, http.StatusForbidden, "Sign in through the single sign-on proxy.")
		return identity{}, false
	}
	u, ok := s.users[name]
	if !ok {
		s.audit(r, "signin-failed", name, map[string]string{"path": r.URL.Path, "why": "the proxy named a user parley.yaml does not list"})
		s.fail(w, r, http.StatusForbidden, "Your account has no access to Parley.")
		return identity{}, false
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if se := s.sessions.get(c.Value); se != nil && se.user.Name == name {
			return identity{user: u, session: se}, true
		}
	}
	if !s.audit(r, "signin", name, map[string]string{"via": "proxy"}) {
		s.fail(w, r, http.StatusInternalServerError, "The audit log cannot be written; nothing is shown.")
		return identity{}, false
	}
	id, se := s.sessions.start(u)
	s.setCookie(w, sessionCookie, id, 0)
	return identity{user: u, session: se}, true
}

// remoteAddr is the address the request came from on the socket (not what a header says).
func (s *Server) remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
}

var signinTmpl = template.Must(template.New("signin").Parse(`<section class="signin">
<h2>Sign in</h2>
{{with .Error}}<p class="alert" role="alert" id="message">{{.}}</p>{{end}}
<form method="post" action="/signin">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="next" value="{{.Next}}">
<p><label>Name <input name="name" id="name" autocomplete="username" required value="{{.Name}}"></label></p>
<p><label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit" id="signin">Sign in</button></p>
</form>
</section>`))

type signinData struct {
	CSRF, Next, Name, Error string
}

// signinPage shows the sign-in form (auth: password only; behind a
// single sign-on proxy there is nothing to sign in to here).
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	if s.set.Auth != config.AuthPassword {
		http.NotFound(w, r)
		return
	}
	s.signinForm(w, r, http.StatusOK, signinData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request, status int, d signinData) {
	d.CSRF = token()
	s.setCookie(w, signinCookie, d.CSRF, 600)
	s.page(w, r, status, "Sign in", signinTmpl, d, identity{})
}

// signin checks a name and password (bcrypt), rate-limited per client and
// per name, and audits the outcome either way.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if s.set.Auth != config.AuthPassword {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	name, next := r.PostFormValue("name"), safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(signinCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.audit(r, "signin-failed", name, map[string]string{"why": "missing or wrong CSRF token"})
		s.signinForm(w, r, http.StatusForbidden, signinData{Next: next, Name: name, Error: "The sign-in form expired. Try again."})
		return
	}
	keys := []limitKey{{"addr:" + s.remote(r).String(), 20}, {"user:" + name, 5}}
	if s.limits.blocked(keys...) {
		s.audit(r, "signin-failed", name, map[string]string{"why": "too many attempts"})
		s.signinForm(w, r, http.StatusTooManyRequests, signinData{Next: next, Name: name, Error: "Too many attempts. Wait a minute and try again."})
		return
	}
	u, known := s.users[name]
	hash := []byte(u.PasswordHash)
	if !known {
		hash = dummyHash // as slow as a real check, so timing does not tell who exists
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(r.PostFormValue("password"))) != nil || !known {
		s.limits.failed(keys...)
		s.audit(r, "signin-failed", name, map[string]string{"why": "wrong name or password"})
		s.signinForm(w, r, http.StatusUnauthorized, signinData{Next: next, Name: name, Error: "Wrong name or password."})
		return
	}
	if !s.audit(r, "signin", name, map[string]string{"via": "password"}) {
		s.fail(w, r, http.StatusInternalServerError, "The audit log cannot be written; sign-in is refused.")
		return
	}
	id, _ := s.sessions.start(u)
	s.setCookie(w, sessionCookie, id, 0)
	s.setCookie(w, signinCookie, "", -1)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// dummyHash is compared with when the name is unknown.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no user has this password"), bcrypt.DefaultCost)

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.end(c.Value)
	}
	s.audit(r, "signout", identityOf(r).user.Name, nil)
	s.setCookie(w, sessionCookie, "", -1)
	target := "/signin"
	if s.set.Auth == config.AuthProxy {
		target = "/"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext is where to go after signing in: a path on this server, never
// another site ("//evil.example", "https://…").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/robfig/cron/v3"
	"golang.org/x/crypto/bcrypt"
)

// Run holds the settings of `parley run`, the long-running process that
// keeps the lake, the warehouse, the reports and the QA packets fresh; its
// paths are also where `parley serve` finds what it serves. None of it
// changes what a build computes.
type Run struct {
	// DB is the warehouse file; empty means warehouse.duckdb next to the lake folder.
	DB string `yaml:"db"`
	// Reports is the folder the dashboards are written to after each
	// build; empty means "report" next to the lake folder.
	Reports string `yaml:"reports"`
	// BuildEvery is how often an incremental build (then the reports) runs; default 5m.
	BuildEvery Duration `yaml:"build_every"`
	// Listen is the address of the health, readiness and Prometheus
	// endpoints (/healthz, /readyz, /metrics); default 127.0.0.1:9464.
	Listen string `yaml:"listen"`
	// ShutdownTimeout bounds how long SIGTERM waits for the stages to
	// finish or abandon their work; default 30s.
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// Ingest is the Kafka topic to ingest continuously; none without brokers.
	Ingest RunIngest `yaml:"ingest"`
	// QA draws a QA sample on a cron schedule; none without a schedule.
	QA RunQA `yaml:"qa"`
	// Retention drops lake partitions past a window on a cron schedule;
	// none without a schedule.
	Retention RunRetention `yaml:"retention"`
}

// RunIngest is what `parley run` consumes, as `parley ingest` flags say
// it. The SASL password comes from the PARLEY_SASL_PASSWORD environment
// variable, never from the file.
type RunIngest struct {
	Brokers       []string `yaml:"brokers"`
	Topic         string   `yaml:"topic"`
	Group         string   `yaml:"group"`
	FlushInterval Duration `yaml:"flush_interval"`
	TLS           bool     `yaml:"tls"`
	TLSCA         string   `yaml:"tls_ca"`
	TLSCert       string   `yaml:"tls_cert"`
	TLSKey        string   `yaml:"tls_key"`
	SASLMechanism string   `yaml:"sasl_mechanism"`
	SASLUser      string   `yaml:"sasl_user"`
}

// RunQA is a scheduled `parley qa sample`.
type RunQA struct {
	// Schedule is a cron expression ("0 6 * * 1": Mondays at 06:00) or a
	// descriptor (@daily, @every 12h), in the org time zone.
	Schedule string `yaml:"schedule"`
	// Out is the packets' folder; empty means "qa" next to the lake folder.
	Out string `yaml:"out"`
	// Size and PerAgent are qa sample's --size and --per-agent (one of them; default size 50).
	Size     int `yaml:"size"`
	PerAgent int `yaml:"per_agent"`
	// Reviewers and Calibration are qa sample's --reviewers and --calibration.
	Reviewers   []string `yaml:"reviewers"`
	Calibration int      `yaml:"calibration"`
}

// RunRetention is a scheduled `parley retention`.
type RunRetention struct {
	// Schedule is a cron expression, as RunQA.Schedule.
	Schedule string `yaml:"schedule"`
	// Keep is the retention window ("400d").
	Keep Duration `yaml:"keep"`
}

// Run defaults.
const (
	DefaultBuildEvery      = 5 * time.Minute
	DefaultRunListen       = "127.0.0.1:9464"
	DefaultShutdownTimeout = 30 * time.Second
	DefaultServeListen     = "127.0.0.1:8080"
	DefaultSessionTTL      = 12 * time.Hour
	DefaultRefreshEvery    = 30 * time.Second
)

// ParseSchedule parses a cron expression of run.qa.schedule or
// run.retention.schedule: five fields (minute hour day-of-month month
// day-of-week) or a descriptor (@hourly, @daily, @weekly, @every 6h).
func ParseSchedule(spec string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule like \"30 3 * * *\" or \"@daily\": %w", spec, err)
	}
	return s, nil
}

func (r Run) validate() []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	if r.BuildEvery < 0 {
		add("run.build_every", "must be > 0")
	}
	if r.ShutdownTimeout < 0 {
		add("run.shutdown_timeout", "must be > 0")
	}
	if r.Listen != "" && !strings.Contains(r.Listen, ":") {
		add("run.listen", "%q is not host:port", r.Listen)
	}
	in := r.Ingest
	if len(in.Brokers) > 0 && in.Topic == "" {
		add("run.ingest.topic", "required with run.ingest.brokers")
	}
	if len(in.Brokers) == 0 && in.Topic != "" {
		add("run.ingest.brokers", "required with run.ingest.topic")
	}
	if (in.TLSCert == "") != (in.TLSKey == "") {
		add("run.ingest.tls_cert", "tls_cert and tls_key go together")
	}
	if in.FlushInterval < 0 {
		add("run.ingest.flush_interval", "must be > 0")
	}
	if r.QA.Schedule != "" {
		if _, err := ParseSchedule(r.QA.Schedule); err != nil {
			add("run.qa.schedule", "%v", err)
		}
	}
	if r.QA.Size < 0 || r.QA.PerAgent < 0 || r.QA.Calibration < 0 {
		add("run.qa", "size, per_agent and calibration must be >= 0")
	}
	if r.QA.Size > 0 && r.QA.PerAgent > 0 {
		add("run.qa.per_agent", "give size or per_agent, not both")
	}
	if r.Retention.Schedule != "" {
		if _, err := ParseSchedule(r.Retention.Schedule); err != nil {
			add("run.retention.schedule", "%v", err)
		}
		if r.Retention.Keep < Duration(24*time.Hour) {
			add("run.retention.keep", "required with a schedule, at least 1d (e.g. 400d)")
		}
	}
	return errs
}

// Serve holds the settings of `parley serve`: who may sign in and how,
// and how the server listens.
type Serve struct {
	// Listen is the server's address; default 127.0.0.1:8080.
	Listen string `yaml:"listen"`
	// Auth is how people sign in: AuthPassword (users with bcrypt hashes
	// sign in on the server's page) or AuthProxy (a trusted reverse proxy
	// names the signed-in user in ProxyHeader). One or the other, never both.
	Auth string `yaml:"auth"`
	// ProxyHeader names the user (auth: proxy), e.g. X-Forwarded-User.
	ProxyHeader string `yaml:"proxy_header"`
	// TrustedProxies are the addresses (CIDRs) of the reverse proxies in
	// front: ProxyHeader (auth: proxy) and X-Forwarded-For (where a request
	// came from, for the audit log and sign-in rate limits) are believed
	// from them only. With auth: proxy a request from anywhere else is refused.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// TLSCert and TLSKey serve HTTPS from PEM files.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// BehindProxy says TLS ends at a reverse proxy in front: session
	// cookies are then marked Secure although the server speaks HTTP.
	BehindProxy bool `yaml:"behind_proxy"`
	// SessionTTL is how long a sign-in lasts; default 12h.
	SessionTTL Duration `yaml:"session_ttl"`
	// RefreshEvery is how often an open dashboard checks for a new build; default 30s.
	RefreshEvery Duration `yaml:"refresh_every"`
	// Users are the people who may sign in.
	Users []User `yaml:"users"`
}

// User is one person who may use `parley serve`.
type User struct {
	// Name is the sign-in name (and, behind a proxy, the header's value).
	Name string `yaml:"name"`
	// PasswordHash is a bcrypt hash (`parley serve passwd`); only with auth: password.
	PasswordHash string `yaml:"password_hash"`
	// Roles are what the user may do: leader, qa, agent, admin.
	Roles []string `yaml:"roles"`
	// AgentID is the user's actor id in the events, for the agent role
	// (their own reviews); empty means Name.
	AgentID string `yaml:"agent_id"`
}

// Sign-in modes of Serve.Auth.
const (
	AuthPassword = "password"
	AuthProxy    = "proxy"
)

// Roles of serve users.
const (
	RoleLeader = "leader" // dashboards and the Now page
	RoleQA     = "qa"     // QA packets, submitting reviews, resolving disputes
	RoleAgent  = "agent"  // their own reviews and disputes
	RoleAdmin  = "admin"  // everything the others may
)

// Roles lists every role, in the order docs name them.
var Roles = []string{RoleLeader, RoleQA, RoleAgent, RoleAdmin}

// userNameRE is what a user name may look like: no spaces, no markup.
var userNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$`)

// Agent is the actor id whose reviews the user may see as an agent.
func (u User) Agent() string {
	if u.AgentID != "" {
		return u.AgentID
	}
	return u.Name
}

func (s Serve) validate() []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	switch s.Auth {
	case "":
		if len(s.Users) > 0 || s.ProxyHeader != "" {
			add("serve.auth", "say how people sign in: %q (bcrypt password hashes of serve.users) or %q (serve.proxy_header from serve.trusted_proxies)", AuthPassword, AuthProxy)
		}
	case AuthPassword:
		if s.ProxyHeader != "" {
			add("serve.proxy_header", "set with auth: password; a proxy's header is never trusted beside passwords: use auth: proxy, or remove it")
		}
	case AuthProxy:
		if s.ProxyHeader == "" {
			add("serve.proxy_header", "required with auth: proxy (e.g. X-Forwarded-User)")
		}
		if len(s.TrustedProxies) == 0 {
			add("serve.trusted_proxies", "required with auth: proxy: the addresses of the proxy (e.g. 127.0.0.1/32)")
		}
	default:
		add("serve.auth", "%q must be %q or %q", s.Auth, AuthPassword, AuthProxy)
	}
	for i, p := range s.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			add(fmt.Sprintf("serve.trusted_proxies[%d]", i), "%q is not a CIDR like 10.0.0.0/8", p)
		}
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		add("serve.tls_cert", "tls_cert and tls_key go together")
	}
	if s.SessionTTL < 0 || s.RefreshEvery < 0 {
		add("serve", "session_ttl and refresh_every must be > 0")
	}
	seen := map[string]bool{}
	for i, u := range s.Users {
		field := fmt.Sprintf("serve.users[%d]", i)
		if !userNameRE.MatchString(u.Name) {
			add(field+".name", "%q must be 1-128 letters, digits and _ . @ + -", u.Name)
		} else if seen[u.Name] {
			add(field+".name", "%q is listed twice", u.Name)
		}
		seen[u.Name] = true
		switch {
		case s.Auth == AuthPassword && u.PasswordHash == "":
			add(field+".password_hash", "required with auth: password (make one with: parley serve passwd)")
		case s.Auth == AuthProxy && u.PasswordHash != "":
			add(field+".password_hash", "set with auth: proxy: the proxy signs people in, so a password here would be a second way in; remove it")
		case u.PasswordHash != "":
			if _, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil {
				add(field+".password_hash", "not a bcrypt hash (make one with: parley serve passwd)")
			}
		}
		if len(u.Roles) == 0 {
			add(field+".roles", "at least one of %s", strings.Join(Roles, ", "))
		}
		for j, r := range u.Roles {
			if !slices.Contains(Roles, r) {
				add(fmt.Sprintf("%s.roles[%d]", field, j), "%q must be one of %s", r, strings.Join(Roles, ", "))
			}
		}
	}
	return errs
}

package config

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestRunAndServeSettings: run and serve keys load, and every mistake names
// its field; above all, passwords and a proxy header never both sign people in.
func TestRunAndServeSettings(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	h := string(hash)
	cases := []struct {
		name, yaml string
		wantErr    []string // empty: valid
	}{
		{"run", `lake: /data/lake
run:
  db: /data/w.duckdb
  reports: /data/report
  build_every: 2m
  ingest: {brokers: [k1:9092], topic: events, flush_interval: 5s}
  qa: {schedule: "0 6 * * 1", per_agent: 5, reviewers: [alice, bob], calibration: 2}
  retention: {schedule: "@daily", keep: 400d}`, nil},
		{"password users", "serve:\n  auth: password\n  users:\n    - {name: alice, password_hash: '" + h + "', roles: [qa, leader]}\n    - {name: ana, password_hash: '" + h + "', roles: [agent], agent_id: ag-7}", nil},
		{"proxy users", "serve:\n  auth: proxy\n  proxy_header: X-Forwarded-User\n  trusted_proxies: [127.0.0.1/32]\n  behind_proxy: true\n  users: [{name: alice, roles: [admin]}]", nil},
		{"bad cron", "run: {qa: {schedule: 'every monday'}}", []string{"run.qa.schedule"}},
		{"retention without keep", "run: {retention: {schedule: '@daily'}}", []string{"run.retention.keep"}},
		{"topic without brokers", "run: {ingest: {topic: t}}", []string{"run.ingest.brokers"}},
		{"size and per agent", "run: {qa: {schedule: '@daily', size: 5, per_agent: 2}}", []string{"run.qa.per_agent"}},
		{"users without auth", "serve: {users: [{name: a, password_hash: '" + h + "', roles: [qa]}]}", []string{"serve.auth"}},
		{"proxy header beside passwords", "serve: {auth: password, proxy_header: X-User, users: [{name: a, password_hash: '" + h + "', roles: [qa]}]}", []string{"serve.proxy_header"}},
		{"password beside proxy", "serve: {auth: proxy, proxy_header: X-User, trusted_proxies: [10.0.0.0/8], users: [{name: a, password_hash: '" + h + "', roles: [qa]}]}", []string{"serve.users[0].password_hash"}},
		{"proxy without trusted proxies", "serve: {auth: proxy, proxy_header: X-User, users: [{name: a, roles: [qa]}]}", []string{"serve.trusted_proxies"}},
		{"bad cidr", "serve: {auth: proxy, proxy_header: X-User, trusted_proxies: [proxy.local], users: [{name: a, roles: [qa]}]}", []string{"serve.trusted_proxies[0]"}},
		{"no hash", "serve: {auth: password, users: [{name: a, roles: [qa]}]}", []string{"serve.users[0].password_hash"}},
		{"not a bcrypt hash", "serve: {auth: password, users: [{name: a, password_hash: secret, roles: [qa]}]}", []string{"serve.users[0].password_hash"}},
		{"unknown role, no roles, twice, bad name", "serve:\n  auth: password\n  users:\n    - {name: a, password_hash: '" + h + "', roles: [boss]}\n    - {name: a, password_hash: '" + h + "'}\n    - {name: '<b>', password_hash: '" + h + "', roles: [qa]}",
			[]string{"serve.users[0].roles[0]", "serve.users[1].name", "serve.users[1].roles", "serve.users[2].name"}},
		{"tls half", "serve: {tls_cert: c.pem}", []string{"serve.tls_cert"}},
		{"unknown key", "serve: {password: x}", []string{"password"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeFile(t, tc.yaml))
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tc.yaml, "ag-7") && cfg.Serve.Users[1].Agent() != "ag-7" {
					t.Errorf("agent id = %q", cfg.Serve.Users[1].Agent())
				}
				return
			}
			for _, field := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), field) {
					t.Errorf("Load: %v, want an error naming %s", err, field)
				}
			}
		})
	}
}

// TestFingerprintIgnoresRunAndServe: where things are and how the long-running
// commands run change no figure, so they force no full rebuild.
func TestFingerprintIgnoresRunAndServe(t *testing.T) {
	base := Default().Fingerprint()
	c := Default()
	c.Lake = Lake{Path: "/data/lake", S3: S3{Region: "eu-west-1"}}
	c.Run.BuildEvery = Duration(60e9)
	c.Serve.Auth = AuthPassword
	c.Serve.Users = []User{{Name: "a", Roles: []string{RoleQA}}}
	if c.Fingerprint() != base {
		t.Error("lake, run or serve settings changed the fingerprint")
	}
	if strings.Contains(Default().SemanticYAML(), "serve") || strings.Contains(string(Default().YAML()), "run:") {
		t.Error("unset run and serve sections are written out")
	}
}

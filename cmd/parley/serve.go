package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/serve"
)

func newServeCmd() *cobra.Command {
	var configPath, lakeFlag, listen string
	cmd := &cobra.Command{
		Use:   "serve --config parley.yaml [--lake DIR] [--listen ADDR]",
		Short: "Serve the dashboards, the Now page and the QA packets to signed-in people, by role",
		Long: `Serve is an HTTPS server for what parley run (or report and qa sample) writes:

  /reports/...   the dashboards and the Now page (role leader), reloaded in
                 the browser when a new build rewrites them
  /qa/...        the QA packets (role qa): each transcript's review form
                 posts to the server, which stores the review exactly as
                 "parley qa import" does (same checks; posting again stores
                 nothing new)
  /reviews       reviews (roles qa, admin: all; agent: their own), where
                 agents dispute their reviews and QA leads resolve disputes

Who may sign in is the serve section of parley.yaml (docs/config.md): users
with bcrypt password hashes ("parley serve passwd" makes one) and roles
leader, qa, agent and admin, with serve.auth: password; or, with serve.auth:
proxy, the user a trusted single sign-on proxy names in serve.proxy_header
(never both). Whatever a role does not grant is refused (403) and recorded.

Every transcript view, review, dispute, resolution, sign-in and failed
sign-in, and every refusal, is appended to the lake's audit log
(LAKE/_audit/audit.jsonl) with the user, the time, what and from where;
a transcript whose view cannot be recorded is not shown.

Every form carries a CSRF token and cross-origin posts are refused;
session cookies are HttpOnly, SameSite=Strict and Secure over TLS; pages
keep the reports' strict Content-Security-Policy; sign-in is rate-limited;
no folder is ever listed and no path leaves its folder. TLS comes from
serve.tls_cert and serve.tls_key, or from a reverse proxy in front
(serve.behind_proxy); without either the server listens on loopback only.

The lake is --lake, else the lake key of parley.yaml; the warehouse,
reports and packets are where parley run writes them (run.db, run.reports,
run.qa.out, or next to the lake folder). The lake must be a folder: serve
writes reviews and the audit log into it; a lake in object storage is
refused (ingest, import, compact, erase, retention, build and export take
one), as in
  parley serve --config parley.yaml --lake s3://acme-lake/parley   # refused

Example:
  parley serve passwd < password.txt          # prints a bcrypt hash for parley.yaml
  parley serve --config /etc/parley/parley.yaml
  parley serve --config parley.yaml --listen 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return usageErrorf("serve: --config is required: the users and how they sign in are in parley.yaml's serve section")
			}
			settings, err := config.Load(configPath)
			if err != nil {
				return usageErrorf("serve: --config: %w", err)
			}
			p, err := resolvePaths(lakeFlag, settings)
			if err != nil {
				return usageErrorf("serve: %w", err)
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			return serve.Run(cmd.Context(), serve.Config{Lake: p.Lake, DB: p.DB, Reports: p.Reports, QA: p.QA,
				Settings: settings, Listen: listen, Log: log})
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "parley.yaml with the serve section (required)")
	f.StringVar(&lakeFlag, "lake", "", "lake folder: reviews and the audit log (default: the lake key of parley.yaml)")
	f.StringVar(&listen, "listen", "", "address to listen on (default: serve.listen, else 127.0.0.1:8080); e.g. 127.0.0.1:8443")
	cmd.AddCommand(newServePasswdCmd())
	return cmd
}

func newServePasswdCmd() *cobra.Command {
	var cost int
	cmd := &cobra.Command{
		Use:   "passwd",
		Short: "Print the bcrypt hash of a password read from standard input, for serve.users in parley.yaml",
		Long: `Passwd reads one password (the first line of standard input) and prints
its bcrypt hash, to paste as password_hash of a user in the serve section
of parley.yaml. The password itself is never stored.

Example:
  parley serve passwd < password.txt
  printf '%s' "$PASSWORD" | parley serve passwd --cost 12`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
				return usageErrorf("serve passwd: --cost: %d is outside %d..%d", cost, bcrypt.MinCost, bcrypt.MaxCost)
			}
			line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("serve passwd: read the password: %w", err)
			}
			password := strings.TrimRight(line, "\r\n")
			if password == "" {
				return usageErrorf("serve passwd: no password on standard input")
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
			if err != nil {
				return usageErrorf("serve passwd: %w", err) // e.g. longer than bcrypt's 72 bytes
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(hash))
			return nil
		},
	}
	cmd.Flags().IntVar(&cost, "cost", 12, "bcrypt cost: each step doubles the work of every sign-in and of every guess")
	return cmd
}

package htmlpage

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Served says how `parley serve` loosens a page of this kit it serves, and
// no more: the policy stays default-src 'none' with hash-pinned scripts.
type Served struct {
	// Forms lets the page's forms post to the server (form-action 'self'
	// instead of 'none').
	Forms bool
	// Connect lets the page's scripts ask the server for a newer build
	// (connect-src 'self' instead of 'none').
	Connect bool
	// Scripts are inline scripts the server adds, allowed by their SHA-256.
	Scripts []string
}

// CSP is csp, as a page of this kit carries it, changed as s says.
func (s Served) CSP(csp string) string {
	dirs := strings.Split(csp, "; ")
	for i, d := range dirs {
		name, _, _ := strings.Cut(d, " ")
		switch {
		case name == "form-action" && s.Forms:
			dirs[i] = "form-action 'self'"
		case name == "connect-src" && s.Connect:
			dirs[i] = "connect-src 'self'"
		case name == "script-src":
			for _, src := range s.Scripts {
				dirs[i] += " " + scriptHash(src)
			}
		}
	}
	return strings.Join(dirs, "; ")
}

// cspMeta opens the CSP meta tag of page.tmpl; its content attribute follows.
const cspMeta = `<meta http-equiv="Content-Security-Policy" content="`

// ErrNotAPage is returned by Rewrite for a file that is not a page of this
// kit (it has no CSP meta tag, or more than one).
var ErrNotAPage = errors.New("reports: not a page of the reports kit (no single CSP meta tag)")

// Rewrite prepares a page of this kit for `parley serve`: its CSP meta tag
// becomes s.CSP of the page's own policy, and extra (trusted markup the
// server built: data blocks, and the scripts in s.Scripts) goes at the end
// of <main>, before the page's own scripts run, so they find it. It returns the page and its policy, which the server also sends
// as the Content-Security-Policy header.
func (s Served) Rewrite(page []byte, extra template.HTML) ([]byte, string, error) {
	if bytes.Count(page, []byte(cspMeta)) != 1 {
		return nil, "", ErrNotAPage
	}
	start := bytes.Index(page, []byte(cspMeta)) + len(cspMeta)
	end := bytes.IndexByte(page[start:], '"')
	body := bytes.LastIndex(page, []byte("</main>"))
	if end < 0 || body < start {
		return nil, "", ErrNotAPage
	}
	csp := s.CSP(html.UnescapeString(string(page[start : start+end])))
	var out bytes.Buffer
	out.Grow(len(page) + len(extra) + 256)
	out.Write(page[:start])
	out.WriteString(html.EscapeString(csp))
	out.Write(page[start+end : body])
	out.WriteString(string(extra))
	out.Write(page[body:])
	return out.Bytes(), csp, nil
}

// ScriptTag is src as an inline script element, for Rewrite's extra; the
// page runs it only if Served.Scripts holds the same src.
func ScriptTag(src string) template.HTML {
	if strings.Contains(strings.ToLower(src), "</script") {
		panic(fmt.Sprintf("reports: a script may not contain </script: %.40q", src))
	}
	return template.HTML("<script>" + src + "</script>\n")
}

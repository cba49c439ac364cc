package serve

import (
	"bytes"
	"html/template"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/htmlpage"
)

// pageCSP finishes a page's policy for the header: no framing, which only
// a header can say.
func pageCSP(csp string) string { return csp + "; frame-ancestors 'none'" }

var chromeTmpl = template.Must(template.New("chrome").Parse(`{{if .Name}}<form method="post" action="/signout" class="signout">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p class="note">Signed in as <strong id="who">{{.Name}}</strong> ({{.Roles}}) <button type="submit" id="signout">Sign out</button></p>
</form>{{end}}
{{.Body}}`))

// page writes a page of the server: the reports kit's shell, the same
// strict policy with forms allowed to post here, the navigation of what
// the person may open, and body executed from tmpl with data.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, title string, tmpl *template.Template, data any, id identity) {
	body, err := htmlpage.Fragment(tmpl, data)
	if err != nil {
		s.log.Error("serve: render page", "title", title, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	d := struct {
		Name, Roles, CSRF string
		Body              template.HTML
	}{Name: id.user.Name, Roles: strings.Join(id.user.Roles, ", "), Body: body}
	if id.session != nil {
		d.CSRF = id.session.csrf
	}
	if body, err = htmlpage.Fragment(chromeTmpl, d); err == nil {
		var buf bytes.Buffer
		if err = htmlpage.Render(&buf, htmlpage.Page{Title: title, Nav: s.nav(id, r.URL.Path), Body: body,
			Footer: "Parley · every transcript view, review, dispute and sign-in is recorded in the audit log."}); err == nil {
			var out []byte
			var csp string
			if out, csp, err = (htmlpage.Served{Forms: true}).Rewrite(buf.Bytes(), ""); err == nil {
				w.Header().Set("Content-Security-Policy", pageCSP(csp))
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.WriteHeader(status)
				w.Write(out) //nolint:errcheck // the client went away
				return
			}
		}
	}
	s.log.Error("serve: render page", "title", title, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

var messageTmpl = template.Must(template.New("message").Parse(`<section><p{{if .Alert}} class="alert" role="alert"{{end}} id="message">{{.Text}}</p>
{{with .Problems}}<ul id="problems">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Back}}<p><a href="{{.}}" id="back">Back</a></p>{{end}}</section>`))

type message struct {
	Text     string
	Alert    bool
	Problems []string
	Back     string
}

// fail answers status with a page saying text.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, text string) {
	s.page(w, r, status, http.StatusText(status), messageTmpl, message{Text: text, Alert: true}, identityOf(r))
}

// nav links what id may open.
func (s *Server) nav(id identity, current string) []htmlpage.Link {
	if id.user.Name == "" {
		return nil
	}
	links := []htmlpage.Link{{Href: "/", Label: "Home"}}
	if id.can(permDashboards) {
		links = append(links, htmlpage.Link{Href: "/reports/index.html", Label: "Dashboards"}, htmlpage.Link{Href: "/reports/now.html", Label: "Now"})
	}
	if id.can(permPackets) {
		links = append(links, htmlpage.Link{Href: "/qa/", Label: "QA packets"})
	}
	if id.can(permReviewsAll) || id.can(permReviewsOwn) {
		links = append(links, htmlpage.Link{Href: "/reviews", Label: "Reviews"})
	}
	for i := range links {
		links[i].Current = links[i].Href == current
	}
	return links
}

var homeTmpl = template.Must(template.New("home").Parse(`<section><h2>What you can open</h2>
{{with .Reports}}<h3>Dashboards</h3><ul id="reports">{{range .}}<li><a href="/reports/{{.}}">{{.}}</a></li>{{end}}</ul>{{end}}
{{if .Packets}}<p><a href="/qa/">QA packets</a>: transcripts to review, each with its scoring form.</p>{{end}}
{{if .Reviews}}<p><a href="/reviews">Reviews</a>{{if .Own}} of your conversations: open one to dispute it{{end}}.</p>{{end}}
{{if not (or .Reports .Packets .Reviews)}}<p>Your roles open nothing yet.</p>{{end}}</section>`))

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	d := struct {
		Reports               []string
		Packets, Reviews, Own bool
	}{Packets: id.can(permPackets), Reviews: id.can(permReviewsAll) || id.can(permReviewsOwn), Own: !id.can(permReviewsAll)}
	if id.can(permDashboards) {
		d.Reports = htmlFiles(s.cfg.Reports)
	}
	s.page(w, r, http.StatusOK, "Parley", homeTmpl, d, id)
}

// htmlFiles lists the pages directly in dir.
func htmlFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".html") && safeName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out
}

package serve

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/htmlpage"
)

//go:embed refresh.js
var refreshJS string

// safeName is a file or folder name the server may open: no path
// separators, no "." or "..", no hidden or temporary entries, no control
// characters. Together with os.Root, which refuses to leave its folder even
// through a symbolic link, it makes path traversal impossible.
func safeName(name string) bool {
	if name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") || strings.HasPrefix(name, htmlpage.TempPrefix) {
		return false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' || r == ':' {
			return false
		}
	}
	return true
}

// safePath splits a relative path of safe names; ok is false for anything else.
func safePath(p string) ([]string, bool) {
	parts := strings.Split(p, "/")
	for _, part := range parts {
		if !safeName(part) {
			return nil, false
		}
	}
	return parts, true
}

// readFile reads the regular file at the path made of parts under dir,
// never outside it, never a folder (no listings). A missing or refused
// file is fs.ErrNotExist.
func readFile(dir string, parts ...string) ([]byte, time.Time, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, time.Time{}, fs.ErrNotExist
	}
	defer root.Close()
	f, err := root.Open(path.Join(parts...))
	if err != nil {
		return nil, time.Time{}, fs.ErrNotExist
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, time.Time{}, fs.ErrNotExist
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("serve: read %s: %w", path.Join(parts...), err)
	}
	return data, fi.ModTime(), nil
}

// modVersion is a file's version for the refresh script.
func modVersion(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }

// reportFile serves a page of the reports folder, with the refresh script
// that reloads it when a new build rewrites it.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !safeName(name) || path.Ext(name) != ".html" {
		http.NotFound(w, r)
		return
	}
	data, mod, err := readFile(s.cfg.Reports, name)
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	block, err := dataBlock("parley-refresh", map[string]any{
		"url":      "/_parley/version?file=" + name,
		"version":  modVersion(mod),
		"every_ms": firstDuration(time.Duration(s.set.RefreshEvery), config.DefaultRefreshEvery).Milliseconds(),
	})
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	s.servePage(w, r, data, htmlpage.Served{Connect: true, Scripts: []string{refreshJS}}, block+htmlpage.ScriptTag(refreshJS))
}

// version answers the current version of a page of the reports folder, so
// that the page can tell a new build landed.
func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	if !safeName(name) {
		http.NotFound(w, r)
		return
	}
	_, mod, err := readFile(s.cfg.Reports, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(modVersion(mod))) //nolint:errcheck // the client went away
}

// servePage sends a page of the reports kit, rewritten for the server.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, data []byte, served htmlpage.Served, extra template.HTML) {
	out, csp, err := served.Rewrite(data, extra)
	if err != nil {
		s.log.Warn("serve: not a page of the reports kit; not served", "path", r.URL.Path, "err", err)
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Security-Policy", pageCSP(csp))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(out) //nolint:errcheck // the client went away
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, fs.ErrNotExist) {
		s.log.Error("serve: read", "path", r.URL.Path, "err", err)
	}
	http.NotFound(w, r)
}

// runName is a packet folder's name: <date>-<seed>.
var runName = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}-\d+$`)

var packetsTmpl = template.Must(template.New("packets").Parse(`<section><h2>QA packets</h2>
<ul id="packets">{{range .}}<li><a href="/qa/{{.}}/">{{.}}</a></li>{{else}}<li>No packets yet: parley qa sample, or run.qa.schedule of parley run, writes them.</li>{{end}}</ul></section>`))

// packets lists the packet folders, newest first.
func (s *Server) packets(w http.ResponseWriter, r *http.Request) {
	entries, _ := os.ReadDir(s.cfg.QA) //nolint:errcheck // no folder: no packets
	var runs []string
	for _, e := range entries {
		if e.IsDir() && runName.MatchString(e.Name()) {
			runs = append(runs, e.Name())
		}
	}
	slices.Sort(runs)
	slices.Reverse(runs)
	s.page(w, r, http.StatusOK, "QA packets", packetsTmpl, runs, identityOf(r))
}

// packetFile serves a file of a packet. Its pages get the server's data
// block, which turns the review form into one that posts here; a
// transcript is shown only once its view is in the audit log. Other files
// (manifests, the scores template) are downloads.
func (s *Server) packetFile(w http.ResponseWriter, r *http.Request) {
	run, rest := r.PathValue("run"), r.PathValue("path")
	if rest == "" {
		rest = "index.html"
	}
	parts, ok := safePath(rest)
	if !runName.MatchString(run) || !ok {
		http.NotFound(w, r)
		return
	}
	data, _, err := readFile(s.cfg.QA, append([]string{run}, parts...)...)
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	if path.Ext(rest) != ".html" {
		w.Header().Set("Content-Type", contentType(rest))
		w.Header().Set("Content-Disposition", `attachment; filename="`+parts[len(parts)-1]+`"`)
		w.Write(data) //nolint:errcheck // the client went away
		return
	}
	id := identityOf(r)
	if len(parts) == 2 && parts[0] == "transcripts" {
		conv := s.transcriptConversation(run, rest)
		if !s.audit(r, "view-transcript", id.user.Name, map[string]string{"run": run, "page": rest, "conversation_sha256": digest(conv)}) {
			s.fail(w, r, http.StatusInternalServerError, "The audit log cannot be written, so the transcript is not shown.")
			return
		}
	}
	block, err := dataBlock("qa-server", map[string]string{"submit": "/qa/reviews", "csrf": id.session.csrf, "reviewer": id.user.Name})
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	s.servePage(w, r, data, htmlpage.Served{Forms: true}, block)
}

// transcriptConversation is the conversation of a packet's transcript
// page, from the packet's manifest.jsonl; "" when it cannot be told.
func (s *Server) transcriptConversation(run, page string) string {
	data, _, err := readFile(s.cfg.QA, run, "manifest.jsonl")
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var row struct {
			Page           string `json:"page"`
			ConversationID string `json:"conversation_id"`
		}
		if json.Unmarshal(sc.Bytes(), &row) == nil && row.Page == page {
			return row.ConversationID
		}
	}
	return ""
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".jsonl":
		return "application/x-ndjson"
	}
	return "application/octet-stream"
}

// dataBlock is v as a JSON data block with the given id: data, never code,
// with <, > and & escaped by encoding/json.
func dataBlock(id string, v any) (template.HTML, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("serve: encode %s: %w", id, err)
	}
	return template.HTML(`<script type="application/json" id="` + id + `">` + string(b) + "</script>\n"), nil
}

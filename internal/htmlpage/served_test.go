package htmlpage

import (
	"bytes"
	"errors"
	"html"
	"strings"
	"testing"
)

// TestServedRewrite: a page rewritten for parley serve keeps every
// directive of its policy but the ones Served loosens, in the meta tag and
// in the policy returned for the header alike, and gets the server's markup
// at the end of <main>, before the page's scripts; a file that is not a page of the kit is refused.
func TestServedRewrite(t *testing.T) {
	var page bytes.Buffer
	if err := Render(&page, Page{Title: "T", Script: "console.log(1)"}); err != nil {
		t.Fatal(err)
	}
	own := PageCSP(Page{Script: "console.log(1)"})
	const refresh = "window.refreshed = 1"
	s := Served{Forms: true, Connect: true, Scripts: []string{refresh}}
	out, csp, err := s.Rewrite(page.Bytes(), ScriptTag(refresh)+`<p id="x">served</p>`)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("form-action 'none'", "form-action 'self'", "connect-src 'none'", "connect-src 'self'",
		"; style-src", " "+scriptHash(refresh)+"; style-src").Replace(own)
	if csp != want {
		t.Errorf("policy\n%s\nwant\n%s", csp, want)
	}
	if !bytes.Contains(out, []byte(cspMeta+html.EscapeString(want)+`"`)) {
		t.Errorf("the meta tag does not carry the new policy")
	}
	main := bytes.Index(out, []byte("<script>"+refresh+"</script>\n<p id=\"x\">served</p></main>"))
	if main < 0 || main > bytes.Index(out, []byte("<script>console.log(1)")) {
		t.Errorf("the server's markup is not at the end of <main>, before the page's scripts")
	}
	if got := (Served{}).CSP(own); got != own {
		t.Errorf("an empty Served changed the policy: %s", got)
	}
	if _, _, err := s.Rewrite([]byte("<html><body>no policy</body></html>"), ""); !errors.Is(err, ErrNotAPage) {
		t.Errorf("a page without the kit's policy: %v, want ErrNotAPage", err)
	}
}

package dashboards

import (
	"html/template"

	"github.com/parley-cx/parley/internal/htmlpage"
)

// section is one titled block of a page: charts side by side, or one wide table.
type section struct {
	Title string
	Note  string
	Items []template.HTML
	Wide  bool // one item per row (tables)
	// CSV are the downloads of the queries the section shows.
	CSV []csvLink
}

var sectionsTmpl = template.Must(template.New("sections").Parse(`{{range .}}
<section>
<h2>{{.Title}}</h2>
{{- with .Note}}
<p class="note">{{.}}</p>
{{- end}}
{{- with .CSV}}
<p class="downloads">{{range .}}<a class="csv" data-query="{{.Query}}" download="{{.File}}" href="{{.Href}}" title="The rows parley sql -f sql/dashboards/{{.Query}}.sql prints for this page">CSV: {{.Query}}</a> {{end}}</p>
{{- end}}
{{- if .Wide}}
{{range .Items}}{{.}}
{{end}}
{{- else}}
<div class="grid">
{{range .Items}}{{.}}
{{end}}</div>
{{- end}}
</section>
{{- end}}`))

func render(secs ...section) (template.HTML, error) {
	return htmlpage.Fragment(sectionsTmpl, secs)
}

// tile is one KPI on the Overview page with its change against the previous period.
type tile struct {
	Label, Value, Delta, Class, Title string
}

var tilesTmpl = template.Must(template.New("tiles").Parse(`<div class="tiles">
{{- range .}}
<div class="tile"{{with .Title}} title="{{.}}"{{end}}><div class="label">{{.Label}}</div><div class="value">{{.Value}}</div><div class="delta {{.Class}}">{{.Delta}}</div></div>
{{- end}}
</div>`))

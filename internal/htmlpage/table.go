package htmlpage

import (
	"fmt"
	"html/template"
)

// Table is a data table whose every cell is escaped text. Sortable tables
// sort by a click on a column heading (the boot script does it, offline).
type Table struct {
	Caption  string
	Columns  []Column
	Rows     [][]Cell
	Sortable bool
	// Empty is the text of a table without rows; "" means "No data in this period.", right
	// for tables of a period but not for one drawn as of an instant (the live queue).
	Empty string
}

// Column is one table heading. Numeric columns are right-aligned and sort
// by value.
type Column struct {
	Label   string
	Numeric bool
	Title   string // optional explanation, shown as a tooltip on the heading
}

// Cell is one table value. Text is shown; Sort, when set, is the value
// sorted on (e.g. seconds behind "4m 10s"); Href makes the cell a link.
type Cell struct {
	Text string
	Sort string
	Href string
}

var tableTmpl = template.Must(template.New("table").Parse(`<div class="table-wrap"><table class="data{{if .Sortable}} sortable{{end}}">
{{- with .Caption}}<caption>{{.}}</caption>{{end}}
<thead><tr>{{range .Columns}}<th scope="col"{{if .Numeric}} class="num"{{end}}{{with .Title}} title="{{.}}"{{end}}>{{.Label}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range $i, $c := .}}<td{{if (index $.Columns $i).Numeric}} class="num"{{end}}{{with $c.Sort}} data-sort="{{.}}"{{end}}>{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}</td>{{end}}</tr>
{{- else}}
<tr><td class="empty" colspan="{{len .Columns}}">{{or .Empty "No data in this period."}}</td></tr>
{{- end}}
</tbody></table></div>`))

// HTML renders the table as page markup.
func (t Table) HTML() (template.HTML, error) {
	for i, r := range t.Rows {
		if len(r) != len(t.Columns) {
			return "", fmt.Errorf("reports: table %q row %d has %d cells for %d columns", t.Caption, i, len(r), len(t.Columns))
		}
	}
	return Fragment(tableTmpl, t)
}

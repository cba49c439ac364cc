package dashboards

import (
	"fmt"
	"net/url"
	"strings"
)

// dash stands for a value that has no base in the period (no responses, no CSAT answers).
const dash = "–"

func pct(v *float64) string {
	if v == nil {
		return dash
	}
	return fmt.Sprintf("%.1f%%", *v)
}

func decimal(v *float64, places int) string {
	if v == nil {
		return dash
	}
	return fmt.Sprintf("%.*f", places, *v)
}

// count shows an integer with thin-space thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + count(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sortKey is a table cell's data-sort value: empty for no value, so it sorts last.
func sortKey(v *float64) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(*v)
}

func f(v float64) *float64 { return &v }

// qaHref is the --qa-link template with a conversation ID in it, escaped; "" without a template.
func qaHref(tmpl, id string) string {
	if tmpl == "" {
		return ""
	}
	return strings.ReplaceAll(tmpl, "{id}", url.PathEscape(id))
}

package dashboards

import (
	"fmt"
	"math"
	"net/url"
	"strings"
)

// dash stands for a value that has no base in the period (no responses, no CSAT answers).
const dash = "–"

// duration shows seconds the way a CX lead reads them: 45s, 4m 10s, 2h 05m, 3d 4h.
func duration(s *float64) string {
	if s == nil {
		return dash
	}
	v := math.Round(*s)
	switch {
	case v < 60:
		return fmt.Sprintf("%.0fs", v)
	case v < 3600:
		return fmt.Sprintf("%dm %02ds", int(v)/60, int(v)%60)
	case v < 86400:
		return fmt.Sprintf("%dh %02dm", int(v)/3600, int(v)%3600/60)
	default:
		return fmt.Sprintf("%dd %dh", int(v)/86400, int(v)%86400/3600)
	}
}

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

// qaHref fills the QA link template with a conversation ID; "" when no template is set.
func qaHref(tmpl, id string) string {
	if tmpl == "" {
		return ""
	}
	return strings.ReplaceAll(tmpl, "{id}", url.PathEscape(id))
}

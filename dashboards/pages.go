package dashboards

import (
	"html/template"

	"github.com/parley-cx/parley/internal/htmlpage"
)

// charted turns go-echarts charts into page markup, stopping at the first error.
func charted(height string, cs ...htmlpage.EChart) ([]template.HTML, error) {
	out := make([]template.HTML, len(cs))
	for i, c := range cs {
		h, err := htmlpage.Chart(c, height)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

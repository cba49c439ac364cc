package htmlpage

import (
	"fmt"
	"math"
)

// Missing stands in for a value with no base: no responses, no CSAT
// answers, a metric that is NULL for this conversation.
const Missing = "–"

// NotHere stands in for a rate whose events the data lacks altogether (no
// resolved event in the Twitter threads): not 0 %. The report's pages say the
// same (dashboards/slice.js; docs/dashboards.md, "Not in this data").
const NotHere = "not in this data"

// Duration shows seconds the way people read them: "45s", "4m 10s",
// "2h 05m", "3d 4h"; Missing for NULL or NaN. Every HTML output and the
// CLI summaries use it, so one figure reads the same everywhere.
func Duration(s *float64) string {
	if s == nil || math.IsNaN(*s) {
		return Missing
	}
	sec := int64(math.Round(*s))
	sign := ""
	if sec < 0 {
		sign, sec = "-", -sec
	}
	switch {
	case sec < 60:
		return fmt.Sprintf("%s%ds", sign, sec)
	case sec < 3600:
		return fmt.Sprintf("%s%dm %02ds", sign, sec/60, sec%60)
	case sec < 86400:
		return fmt.Sprintf("%s%dh %02dm", sign, sec/3600, sec%3600/60)
	}
	return fmt.Sprintf("%s%dd %dh", sign, sec/86400, sec%86400/3600)
}

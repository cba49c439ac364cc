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

// Duration shows seconds the way people read them, to the second: "45s",
// "4m 10s", "2h 05m 00s", "3d 04h 00m 59s"; Missing for NULL or NaN. Every HTML
// output and the CLI summaries use it, so one figure reads the same everywhere
// (the report's page has its twin, fmtDuration in dashboards/slice.js).
// docs/dashboards.md promises the tables' times to the second: a larger unit
// does not drop the smaller ones (4197 s read "1h 09m", cut off).
func Duration(s *float64) string {
	if s == nil || math.IsNaN(*s) {
		return Missing
	}
	sec := int64(math.Round(*s))
	sign := ""
	if sec < 0 {
		sign, sec = "-", -sec
	}
	d, h, m := sec/86400, sec%86400/3600, sec%3600/60
	sec %= 60
	switch {
	case d > 0:
		return fmt.Sprintf("%s%dd %02dh %02dm %02ds", sign, d, h, m, sec)
	case h > 0:
		return fmt.Sprintf("%s%dh %02dm %02ds", sign, h, m, sec)
	case m > 0:
		return fmt.Sprintf("%s%dm %02ds", sign, m, sec)
	}
	return fmt.Sprintf("%s%ds", sign, sec)
}

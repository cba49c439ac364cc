package warehouse

import (
	"strings"
	"testing"
)

// TestDescribeValues: the near misses suggested for a filter value no conversation has. Short
// names (markets) are all within two edits of each other, so a suggestion of most of the list
// is left out, except the value that differs only by case.
func TestDescribeValues(t *testing.T) {
	markets := []string{"GB", "US", "DE", "FR", "ES", "NL", "IE"}
	for _, tc := range []struct {
		value, want, not string
	}{
		{"de", "did you mean DE?", "GB or"},
		{"XX", "most conversations first: GB, US, DE", "did you mean"},
		{"DEU", "did you mean DE", ""},
	} {
		got := describeValues(Filter{Flag: "market", Dimension: "market", Value: tc.value}, markets)
		if !strings.Contains(got, tc.want) || (tc.not != "" && strings.Contains(got, tc.not)) {
			t.Errorf("--market %s: %q, want %q and not %q", tc.value, got, tc.want, tc.not)
		}
	}
}

package warehouse

import (
	"context"
	"errors"
	"path/filepath"
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

// TestCheckFiltersNone: "(none)", which selects the conversations without a
// market, is refused saying every conversation has one where that is so, and
// accepted where one has none.
func TestCheckFiltersNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE conversations AS SELECT * FROM (VALUES ('DE'), ('DE'), ('FR')) AS t(market)`); err != nil {
		t.Fatal(err)
	}
	none := Filter{Flag: "market", Dimension: "market", Value: "(none)", None: "(none)"}
	err = db.CheckFilters(context.Background(), none)
	if !errors.Is(err, ErrUnknownFilterValue) || !strings.Contains(err.Error(), `"(none)": not in the warehouse (every conversation has a market); its markets, most conversations first: DE, FR`) {
		t.Errorf("CheckFilters: %v, want it to say every conversation has a market", err)
	}
	if _, err := db.Exec(`INSERT INTO conversations VALUES (NULL)`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckFilters(context.Background(), none); err != nil {
		t.Errorf("CheckFilters with a conversation without a market: %v", err)
	}
}

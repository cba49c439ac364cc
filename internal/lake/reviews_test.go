package lake

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestPublishParquet: a reviews file is published whole under its name,
// reads back as written, and publishing the same name again leaves it be.
func TestPublishParquet(t *testing.T) {
	root := t.TempDir()
	at := time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)
	four := int32(4)
	rows := []ReviewRow{{
		Kind: ReviewKindReview, ReviewID: "rv-1", At: at, RecordedAt: at, Run: "2026-03-20-7", ConversationID: "c-1",
		AgentID: "ana", ReviewerID: "bob", Scorecard: "default", ScorecardVersion: "abc", Comment: "fine",
		Ratings: []ReviewRating{
			{Category: "solution", Rating: &four, ScaleMin: 1, ScaleMax: 5, Weight: 3},
			{Category: "tone", NA: true, ScaleMin: 1, ScaleMax: 3, Weight: 1, AllowNA: true, Comment: "n/a"},
		},
		Source: "scores.jsonl", Line: 1,
	}}
	dir := ReviewPartitionDir(root, at)
	if err := PublishParquet(root, dir, "import-1.parquet", rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReviews(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("read back %+v\nwant %+v", got, rows)
	}
	path := filepath.Join(dir, "import-1.parquet")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other := slices.Clone(rows)
	other[0].ReviewID = "rv-2"
	if err := PublishParquet(root, dir, "import-1.parquet", other); err != nil {
		t.Fatal(err)
	}
	if after, err := os.ReadFile(path); err != nil || string(after) != string(before) {
		t.Errorf("publishing an existing name rewrote it (%v)", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, TempPrefix+"*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if matches, _ := filepath.Glob(ReviewsGlob(root)); len(matches) != 1 {
		t.Errorf("ReviewsGlob finds %v", matches)
	}
}

// TestSweepReviews: a reviews file a dead qa import left half written is
// swept; one a live import holds is left alone.
func TestSweepReviews(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, ReviewsDir, "date=2026-03-20")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dead, live := filepath.Join(dir, "_tmp-import-a.parquet.1.part"), filepath.Join(dir, "_tmp-import-b.parquet.2.part")
	for _, p := range []string{dead, live} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	release, err := HoldTemp(live)
	if err != nil {
		t.Fatal(err)
	}
	defer release() //nolint:errcheck // test cleanup
	sw, err := SweepLocked(root, SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"reviews/date=2026-03-20/_tmp-import-a.parquet.1.part"}; !slices.Equal(sw.Removed, want) {
		t.Errorf("removed %v, want %v", sw.Removed, want)
	}
	if want := []string{"reviews/date=2026-03-20/_tmp-import-b.parquet.2.part"}; !slices.Equal(sw.InUse, want) {
		t.Errorf("in use %v, want %v", sw.InUse, want)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live file is gone: %v", err)
	}
}

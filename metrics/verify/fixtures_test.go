package verify_test

import "testing"

// TestDifferentialFixtures runs the hand-made fixtures of testdata/metrics, each in a warehouse
// of its own with the settings it was written for, through the build and the specification.
func TestDifferentialFixtures(t *testing.T) {
	for _, tc := range []struct{ fixture, settings string }{
		{"basic.jsonl", ""},
		{"async.jsonl", ""},
		{"edge.jsonl", ""},
		{"rules.jsonl", ""},
		{"europe.jsonl", "europe.yaml"},
		{"america.jsonl", "america.yaml"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			evs := readFixture(t, tc.fixture)
			requireAgreement(t, tc.fixture, rowsOf(t, "fixture", evs), loadSettings(t, tc.settings))
		})
	}
}

package lake

import "testing"

// TestKafkaAndGapNames: names round-trip with and without a reset epoch, and
// nothing else parses as a data file or gap record of the partition.
func TestKafkaAndGapNames(t *testing.T) {
	tests := []struct {
		name              string
		first, last       int64
		epoch             int
		ok                bool
		topic, kafkaOrGap string
	}{
		{"t-3-0-99.parquet", 0, 99, 0, true, "t", "kafka"},
		{"t-3-100-149.r2.parquet", 100, 149, 2, true, "t", "kafka"},
		{"a.r5-3-1-2.parquet", 1, 2, 0, true, "a.r5", "kafka"}, // a topic may hold ".r"
		{"t-3-1-2.r0.parquet", 0, 0, 0, false, "t", "kafka"},   // epoch 0 carries no suffix
		{"t-3-1-2.r01.parquet", 0, 0, 0, false, "t", "kafka"},
		{"t-3-1-2.rx.parquet", 0, 0, 0, false, "t", "kafka"},
		{"t-3-2-1.parquet", 0, 0, 0, false, "t", "kafka"},
		{"t-31-1-2.parquet", 0, 0, 0, false, "t", "kafka"},
		{"3-10-19.json", 10, 19, 0, true, "t", "gap"},
		{"3-10-19.r1.json", 10, 19, 1, true, "t", "gap"},
		{"31-10-19.json", 0, 0, 0, false, "t", "gap"},
		{"3-10-19.parquet", 0, 0, 0, false, "t", "gap"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var first, last int64
			var epoch int
			var ok bool
			if tc.kafkaOrGap == "kafka" {
				first, last, epoch, ok = ParseKafkaFileName(tc.name, tc.topic, 3)
			} else {
				first, last, epoch, ok = ParseGapFileName(tc.name, 3)
			}
			if ok != tc.ok || (ok && (first != tc.first || last != tc.last || epoch != tc.epoch)) {
				t.Fatalf("parsed %d-%d epoch %d ok %v, want %d-%d epoch %d ok %v", first, last, epoch, ok, tc.first, tc.last, tc.epoch, tc.ok)
			}
			if !ok {
				return
			}
			var again string
			if tc.kafkaOrGap == "kafka" {
				again = KafkaFileName(tc.topic, 3, epoch, first, last)
			} else {
				again = GapFileName(OffsetGap{Topic: tc.topic, Partition: 3, From: first, To: last, Epoch: epoch})
			}
			if again != tc.name {
				t.Errorf("name of the parsed values = %q, want %q", again, tc.name)
			}
		})
	}
}

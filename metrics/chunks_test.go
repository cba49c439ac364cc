package metrics

import "testing"

func TestChunksFor(t *testing.T) {
	tests := []struct {
		name        string
		rows, limit int64
		want        int
	}{
		{"no limit", 15_000_000, 0, 1},
		{"empty warehouse", 0, 1 << 30, 1},
		{"fits in one pass", 1_000, 1 << 30, 1},
		{"exactly one pass", (1 << 30) / chunkRowBytes, 1 << 30, 1},
		{"one row over", (1<<30)/chunkRowBytes + 1, 1 << 30, 2},
		{"L under 3 GiB", 15_050_618, 3 << 30, 3},
		{"M under 400 MiB", 1_477_053, 400 << 20, 2},
		{"limit below one row", 10, 100, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := chunksFor(tc.rows, tc.limit); got != tc.want {
				t.Errorf("chunksFor(%d, %d) = %d, want %d", tc.rows, tc.limit, got, tc.want)
			}
		})
	}
}

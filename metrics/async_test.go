package metrics_test

import (
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
)

// TestReplyWindowsFromConfig checks that reply_windows in parley.yaml decide
// which channels are measured and where the window ends.
func TestReplyWindowsFromConfig(t *testing.T) {
	evs := readFixture(t, "async.jsonl")
	tests := []struct {
		name    string
		windows map[string]time.Duration
		want    map[string]any // window_breaches per conversation
	}{
		// 25 h is inside a 26 h window; a-open waited 45.5 h by the data's end
		{"whatsapp 26h", map[string]time.Duration{"whatsapp": 26 * time.Hour},
			map[string]any{"a-late": 0, "a-inside": 0, "a-open": 1, "a-nudges": nil, "a-pause": 0}},
		// a-inside's reply came exactly 24 h after the wait began: outside 23 h 59 min
		{"whatsapp 23h59m", map[string]time.Duration{"whatsapp": 23*time.Hour + 59*time.Minute},
			map[string]any{"a-late": 1, "a-inside": 1, "a-open": 1, "a-nudges": nil}},
		// a 5-minute window on messenger: a-nudges was answered in 60 s, a-bot's waits in seconds
		{"messenger 5m only", map[string]time.Duration{"messenger": 5 * time.Minute},
			map[string]any{"a-late": nil, "a-nudges": 0, "a-bot": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.ReplyWindows = map[string]config.Duration{}
			for ch, d := range tt.windows {
				cfg.ReplyWindows[ch] = config.Duration(d)
			}
			db := build(t, evs, cfg)
			for id, want := range tt.want {
				rows := queryRows(t, db, "SELECT window_breaches FROM conversations WHERE conversation_id = ?", id)
				if len(rows) != 1 {
					t.Fatalf("%s: %d rows", id, len(rows))
				}
				checkRow(t, id, rows[0], map[string]any{"window_breaches": want})
			}
		})
	}
}

package dashboards

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// TestRenderBuildSettings: the amounts on the pages were computed by the build with its prices,
// so they carry the currency the warehouse was built with, whatever --config says; a --config
// whose time zone or prices differ from the warehouse's is warned of once, naming each
// difference and that they apply only after a rebuild; one that agrees (or none) is not.
func TestRenderBuildSettings(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a warehouse from generated data; skipped with -short")
	}
	hour := 36.0
	path, built := buildWarehouse(t, 3, 40, func(s *config.Config) {
		s.Cost = config.Cost{Currency: "EUR", AgentHour: &hour}
	})
	other := 99.0
	cases := []struct {
		name     string
		settings func() *config.Config
		warned   []string // each in the one warning; nil: no warning
	}{
		{"no --config", func() *config.Config { return nil }, nil},
		{"the build's settings", func() *config.Config { return built }, nil},
		{"other prices", func() *config.Config {
			s := *built
			s.Cost = config.Cost{Currency: "EURO", AgentHour: &other}
			return &s
		}, []string{"cost.currency: EUR -> EURO", "cost.agent_hour: 36 -> 99", "rebuild to apply"}},
		{"other time zone and prices", func() *config.Config {
			s := *built
			s.TimeZone = "Asia/Tokyo"
			s.Cost = config.Cost{}
			return &s
		}, []string{"timezone: " + built.TimeZone + " -> Asia/Tokyo", "cost.agent_hour: 36 -> (not set)", "rebuild to apply"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logged bytes.Buffer
			out := t.TempDir()
			_, err := Render(context.Background(), Config{DB: path, Out: out, Settings: tc.settings(),
				Log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))})
			if err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(filepath.Join(out, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if got := pageCurrency(t, page); got != "EUR" {
				t.Errorf("the page labels the amounts %q, want the build's currency EUR", got)
			}
			warnings := strings.Count(logged.String(), "level=WARN")
			switch {
			case tc.warned == nil && warnings != 0:
				t.Errorf("warned of settings that agree with the warehouse's:\n%s", logged.String())
			case tc.warned != nil && warnings != 1:
				t.Errorf("%d warnings, want 1:\n%s", warnings, logged.String())
			}
			for _, w := range tc.warned {
				if !strings.Contains(logged.String(), w) {
					t.Errorf("the warning does not say %q:\n%s", w, logged.String())
				}
			}
		})
	}
}

// pageCurrency decodes the page's data block (encodeData's base64 of gzipped JSON) and returns
// the currency it labels the amounts with.
func pageCurrency(t *testing.T, page []byte) string {
	t.Helper()
	_, block, ok := bytes.Cut(page, []byte(`<script type="application/json" id="parley-data">`))
	if !ok {
		t.Fatal("the page has no data block")
	}
	block, _, _ = bytes.Cut(block, []byte("</script>"))
	block = bytes.Trim(block, `"`) // html/template writes the string as a JSON string
	zr, err := gzip.NewReader(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(block)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Currency string `json:"currency"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d.Currency
}

package importers

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/parley-cx/parley/internal/realdata"
)

// BenchmarkTWCS reads the 5,000 real tweets (both passes) per iteration.
func BenchmarkTWCS(b *testing.B) {
	data, err := os.ReadFile(realdata.Path(b, "twcs_sample_5000.csv"))
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for b.Loop() {
		rd, err := TWCS{}.Open(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := rd.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if err := rd.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSVMapping maps the 21,348-row real help-desk log per iteration.
func BenchmarkCSVMapping(b *testing.B) {
	data, err := os.ReadFile(realdata.Path(b, "helpdesk_event_log.csv"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := LoadMapping("../docs/mappings/helpdesk.yaml")
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for b.Loop() {
		rd, err := m.Open(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := rd.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if err := rd.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

package htmlpage

import (
	"math"
	"testing"
)

func TestDuration(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		in   *float64
		want string
	}{
		{nil, "–"},
		{f(math.NaN()), "–"},
		{f(0), "0s"},
		{f(44.6), "45s"},
		{f(250), "4m 10s"},
		{f(3600), "1h 00m 00s"},
		{f(7500), "2h 05m 00s"},
		{f(4197), "1h 09m 57s"}, // cut to "1h 09m" before
		{f(86399.6), "1d 00h 00m 00s"},
		{f(86400*3 + 3600*4 + 59), "3d 04h 00m 59s"},
		{f(-90), "-1m 30s"},
	}
	for _, tt := range tests {
		if got := Duration(tt.in); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

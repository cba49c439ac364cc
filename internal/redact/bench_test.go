package redact

import (
	"strings"
	"testing"
)

// BenchmarkText redacts message by message, as `parley qa sample` does:
// the 5,000 real support tweets, and the planted and ordinary corpora
// (shorter messages, nearly all with a candidate in them).
func BenchmarkText(b *testing.B) {
	var corpus []string
	for _, c := range readPlanted(b, "testdata/planted.tsv") {
		corpus = append(corpus, c.in())
	}
	for _, l := range readLines(b, "testdata/ordinary.txt") {
		if l != "" && !strings.HasPrefix(l, "#") {
			corpus = append(corpus, l)
		}
	}
	sets := []struct {
		name string
		msgs []string
	}{{"tweets", tweetTexts(b)}, {"corpus", corpus}}
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			size := 0
			for _, m := range s.msgs {
				size += len(m)
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, m := range s.msgs {
					Text(m)
				}
			}
			b.ReportMetric(float64(len(s.msgs))*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

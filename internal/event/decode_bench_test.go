package event

import (
	"strings"
	"testing"
)

// A typical ~450-byte customer message, the bulk of any real topic.
const typical = `{"event_id":"ev-000001-0000123456","conversation_id":"c-2026-03-10-000123","type":"message",` +
	`"occurred_at":"2026-03-10T09:41:27.123+00:00","channel":"webchat","actor":{"role":"customer","id":"cust-004211"},` +
	`"queue":"billing","message":{"text":"Hi, I was charged twice for order 88123411 on 2026-03-08, can you refund the second payment of 49.99?","private":false,"automated":false},` +
	`"attributes":{"locale":"en-GB","tier":"standard","intent":"billing_dispute"}}`

func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct{ name, raw string }{
		{"contract-only", typical},
		{"with-extra-fields", strings.Replace(typical, `"queue":"billing"`, `"queue":"billing","crm_ref":"X-9","sentiment":{"score":-0.4}`, 1)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			raw := []byte(bc.raw)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(raw); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkCheckKeys is the key walk alone (part of every Decode), to read
// against BenchmarkDecode/contract-only in the same run.
func BenchmarkCheckKeys(b *testing.B) {
	raw := []byte(typical)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := checkKeys(raw); err != nil {
			b.Fatal(err)
		}
	}
}

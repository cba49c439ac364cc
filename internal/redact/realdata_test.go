package redact

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// twcsPath is the public "Customer Support on Twitter" sample (see
// /work/shared/data/README.md), relative to this package.
const twcsPath = "../../../shared/data/twcs_sample_5000.csv"

// On 5,000 real support tweets: the phone numbers people and companies
// wrote are gone, nothing else is mistaken for a card, IBAN or e-mail
// (the data set already replaced e-mails with __email__), and the
// numbers that are not personal data stay.
func TestTextOnRealTweets(t *testing.T) {
	f, err := os.Open(twcsPath)
	if os.IsNotExist(err) {
		t.Skipf("real data not present at %s", twcsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", twcsPath, err)
	}
	if len(rows) < 2 || rows[0][5] != "text" {
		t.Fatalf("%s: unexpected header %v", twcsPath, rows[0])
	}
	var all strings.Builder
	for _, row := range rows[1:] {
		in, out := row[5], Text(row[5])
		for _, kind := range []string{Card, IBAN, Email} {
			if strings.Contains(out, kind) {
				t.Errorf("false %s in tweet %s: %q -> %q", kind, row[1], in, out)
			}
		}
		all.WriteString(out)
		all.WriteByte('\n')
	}
	text := all.String()
	phones := []string{
		"0344 556 5650", "850.266.3576", "800-222-2377", "+1(818)930-5703", "08070635658",
		"888-780-3962", "0120-999-373", "(706)614-7640", "+91-90002-89198", "00447900248601",
		"1-800-869-3557", "+380671277946", "0344 493 0787", "800-325-8224", "+49 1708733216",
	}
	for _, p := range phones {
		if strings.Contains(text, p) {
			t.Errorf("phone number %q survived redaction", p)
		}
	}
	kept := []string{"TBA566517950000", "8.4.25.906", "[4.16.70.182]", "28/11/17", "09:00-17:00", "12008 blue ridge"}
	for _, k := range kept {
		if !strings.Contains(text, k) {
			t.Errorf("%q, not personal data, was changed", k)
		}
	}
	if n := strings.Count(text, Phone); n < len(phones) {
		t.Errorf("%d phone placeholders, want at least the %d known numbers", n, len(phones))
	}
}

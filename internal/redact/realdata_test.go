package redact

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/realdata"
)

// tweetRows returns the rows of the tweet sample after its header, or
// skips the test when the shared data is absent.
func tweetRows(tb testing.TB) [][]string {
	tb.Helper()
	// The public "Customer Support on Twitter" sample (docs/real-data.md).
	twcsPath := realdata.Path(tb, "twcs_sample_5000.csv")
	f, err := os.Open(twcsPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", twcsPath, err)
	}
	if len(rows) < 2 || rows[0][5] != "text" {
		tb.Fatalf("%s: unexpected header %v", twcsPath, rows[0])
	}
	return rows[1:]
}

// tweetTexts returns the text of every tweet in the sample.
func tweetTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, row := range tweetRows(tb) {
		texts = append(texts, row[5])
	}
	return texts
}

// On 5,000 real support tweets: the phone numbers and IP addresses people
// and companies wrote are gone, nothing else is mistaken for personal data
// (the data set already replaced e-mails with __email__) beyond one known
// look-alike, and the numbers that are not personal data stay.
func TestTextOnRealTweets(t *testing.T) {
	// The most placeholders of each kind the sample may get: over-redaction
	// stays visible and bounded. The one [ssn] is a Target product code
	// (DPCI 030-02-8711) written exactly like a Social Security number.
	limit := map[string]int{Card: 0, IBAN: 0, Email: 0, SSN: 1, NINO: 0, DNI: 0, Passport: 0, DOB: 0}
	count := map[string]int{}
	var all strings.Builder
	for _, row := range tweetRows(t) {
		in, out := row[5], Text(row[5])
		for kind, most := range limit {
			if n := strings.Count(out, kind); n > 0 {
				count[kind] += n
				if most == 0 {
					t.Errorf("false %s in tweet %s: %q -> %q", kind, row[1], in, out)
				}
			}
		}
		all.WriteString(out)
		all.WriteByte('\n')
	}
	for kind, most := range limit {
		if count[kind] > most {
			t.Errorf("%d %s placeholders in the sample, at most %d expected", count[kind], kind, most)
		}
	}
	text := all.String()
	personal := []string{
		"0344 556 5650", "850.266.3576", "800-222-2377", "+1(818)930-5703", "08070635658",
		"888-780-3962", "0120-999-373", "(706)614-7640", "+91-90002-89198", "00447900248601",
		"1-800-869-3557", "+380671277946", "0344 493 0787", "800-325-8224", "+49 1708733216",
		// Bare ten-digit runs, told apart from order numbers by their label.
		"7703743799", "8106028994",
		// A customer's traceroute: their router, their provider's hops.
		"192.168.1.1", "108.53.222.1", "4.16.70.182", "24.105.30.129",
	}
	for _, p := range personal {
		if strings.Contains(text, p) {
			t.Errorf("personal data %q survived redaction", p)
		}
	}
	kept := []string{"TBA566517950000", "8.4.25.906", "1.0.65.320.gac7a8e02", "28/11/17", "09:00-17:00", "12008 blue ridge", "22:11:41"}
	for _, k := range kept {
		if !strings.Contains(text, k) {
			t.Errorf("%q, not personal data, was changed", k)
		}
	}
	if n := strings.Count(text, Phone); n < 17 {
		t.Errorf("%d phone placeholders, want at least the 17 known numbers", n)
	}
	t.Logf("placeholders beyond phone numbers and IP addresses: %v", count)
}

// In real dialogues the customers' e-mail addresses and phone numbers go,
// and nothing else does: order ids, amounts and the rest stay as written.
func TestTextOnRealDialogues(t *testing.T) {
	// Three real customer-agent dialogues from ASAPP's ABCD data set (docs/real-data.md).
	abcdPath := realdata.Path(t, "abcd_sample.json")
	raw, err := os.ReadFile(abcdPath)
	if err != nil {
		t.Fatal(err)
	}
	var dialogues []struct {
		Original [][2]string
	}
	if err := json.Unmarshal(raw, &dialogues); err != nil {
		t.Fatalf("%s: %v", abcdPath, err)
	}
	turns, changed := 0, 0
	for _, d := range dialogues {
		for _, turn := range d.Original {
			turns++
			in, out := turn[1], Text(turn[1])
			if in == out {
				continue
			}
			changed++
			// What may change: contact details, nothing else.
			for _, kind := range []string{Card, IBAN, SSN, NINO, DNI, Passport, DOB, IP} {
				if strings.Contains(out, kind) {
					t.Errorf("false %s: %q -> %q", kind, in, out)
				}
			}
		}
	}
	// Each dialogue's customer writes an e-mail address or phone number;
	// the phone is also echoed in an agent action.
	if changed < len(dialogues) || changed > 8 {
		t.Errorf("%d of %d turns changed, want the few with contact details", changed, turns)
	}
	t.Logf("%d of %d turns changed", changed, turns)
}

package importers

import "testing"

func TestSniff(t *testing.T) {
	const twcsHeader = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
	tests := []struct {
		name, file, head, want string
	}{
		{"JSON lines", "x", `{"event_id":"e1","type":"message"}` + "\n" + `{"event_id":"e2"}`, LayoutJSONLines},
		{"JSON lines, last line cut", "x.txt", `{"event_id":"e1"}` + "\n" + `{"event_`, LayoutJSONLines},
		{"TWCS as published", "tweets.csv", twcsHeader + "\n1,sprintcare,False,...", LayoutTWCS},
		{"TWCS re-exported by pandas", "x", "," + twcsHeader + "\n0,1,sprintcare", LayoutTWCS},
		{"TWCS columns quoted", "x", `"tweet_id","author_id","inbound","created_at","text","response_tweet_id","in_response_to_tweet_id"`, LayoutTWCS},
		{"some CSV", "export.jsonl", "ticket,sent_at,body\nT-1,2026-03-02,hi", LayoutCSV},
		{"TSV", "calls", "call_id\tcustomer_id\tpriority\n1\t0\t2", LayoutCSV},
		{"semicolons", "x", "ticket;sent_at\n1;2", LayoutCSV},
		{"byte-order mark and blank lines first", "x", "\ufeff\n\r\n  \nticket,sent_at\n", LayoutCSV},
		{"a JSON array", "x.jsonl", `[{"convo_id": 3592, "scenario": {}}]`, LayoutJSONDocument},
		{"pretty-printed JSON", "x", "{\n  \"event_id\": \"e1\"\n}\n", LayoutJSONDocument},
		{"a Python dict: the extension decides", "x.jsonl", "{'event_id': 'e1'}\n", LayoutJSONLines},
		{"one field: the extension decides", "calls.tsv", "hello\nworld\n", LayoutCSV},
		{"one field, .ndjson", "x.NDJSON", "hello\n", LayoutJSONLines},
		{"one field, .json", "x.json", "hello\n", LayoutJSONDocument},
		{"nothing to go by", "-", "hello\n", ""},
		{"empty", "x", "", ""},
		{"invalid UTF-8", "x", "\xff\xfe\x00garbage\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.file, []byte(tc.head)); got != tc.want {
				t.Errorf("Sniff(%q, %q) = %q, want %q", tc.file, tc.head, got, tc.want)
			}
		})
	}
}

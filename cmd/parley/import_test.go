package main

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/realdata"
)

// realData returns the path of a real-data file, skipping the test when it is absent.
func realData(t *testing.T, name string) string {
	t.Helper()
	return realdata.Path(t, name)
}

// lakeFiles lists the lake's complete files, relative to it.
func lakeFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, lake.ParquetExt) {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// TestImportCSVMapping imports the hand-made chat export (see
// importers/testdata/chat_export.csv for the row-by-row expectations) through
// the CLI: counts by reason, the rejected rows kept verbatim with their line,
// and a second import that adds nothing.
func TestImportCSVMapping(t *testing.T) {
	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	input := filepath.Join("..", "..", "importers", "testdata", "chat_export.csv")
	args := []string{"import", "--lake", lakeDir, "--format", "csv", "--mapping", filepath.Join("..", "..", "docs", "mappings", "chat_export.yaml"), input}
	out := mustParley(t, args...)
	for _, want := range []string{
		"imported 13 read: 8 events, 5 dead letters",
		"dead letters, invalid_timestamp: 1\n  dead letters, invalid_value: 1\n  dead letters, malformed_row: 1\n  dead letters, missing_field: 1\n  dead letters, short_row: 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	files := lakeFiles(t, lakeDir)
	dlGlob, err := filepath.Glob(lake.DeadLetterGlob(lakeDir))
	if err != nil || len(dlGlob) != 1 {
		t.Fatalf("dead-letter files %v, %v", dlGlob, err)
	}
	dead, err := parquet.ReadFile[lake.DeadLetter](dlGlob[0])
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	wantDead := map[int64]string{10: "invalid_timestamp", 11: "invalid_value", 12: "short_row", 13: "malformed_row", 15: "missing_field"}
	for _, d := range dead {
		if wantDead[d.Offset] != d.Reason || string(d.Raw) != lines[d.Offset-1] || d.Source != "chat_export" {
			t.Errorf("dead letter line %d, %s, %q: want %s, %q", d.Offset, d.Reason, d.Raw, wantDead[d.Offset], lines[d.Offset-1])
		}
	}
	if len(dead) != len(wantDead) {
		t.Errorf("%d dead letters, want %d", len(dead), len(wantDead))
	}

	mustParley(t, args...)
	if again := lakeFiles(t, lakeDir); !slices.Equal(again, files) {
		t.Errorf("second import changed the lake files:\n%v\n%v", files, again)
	}
	out = mustParley(t, "build", "--lake", lakeDir)
	if !strings.Contains(out, "8 events (0 duplicates dropped) in 3 conversations") {
		t.Errorf("build after two imports: %s", out)
	}
}

// TestTWCSFirstResponseByCompany is the proof on real data: 5,000 public
// support tweets go through parley import --format twcs, build and sql, and
// the per-company first-response median and p90 must equal a computation
// made here straight from the raw CSV, without Parley's code.
func TestTWCSFirstResponseByCompany(t *testing.T) {
	input := realData(t, "twcs_sample_5000.csv")
	want, threads := twcsFRTByCompany(t, input)

	dir := t.TempDir()
	lakeDir := filepath.Join(dir, "lake")
	out := mustParley(t, "import", "--lake", lakeDir, "--format", "twcs", input)
	if !strings.HasPrefix(out, "imported 5000 read: 5000 events, 0 dead letters") {
		t.Errorf("import: %s", out)
	}
	files := lakeFiles(t, lakeDir)
	mustParley(t, "import", "--lake", lakeDir, "--format", "twcs", input)
	if again := lakeFiles(t, lakeDir); !slices.Equal(again, files) {
		t.Errorf("second import changed the lake: %d files, then %d", len(files), len(again))
	}
	out = mustParley(t, "build", "--lake", lakeDir)
	if want := "5000 events (0 duplicates dropped) in " + strconv.Itoa(threads) + " conversations"; !strings.Contains(out, want) {
		t.Errorf("build: %s\nwant %q", out, want)
	}

	db := filepath.Join(dir, "warehouse.duckdb")
	out = mustParley(t, "sql", "--db", db, "--format", "csv", "-f", filepath.Join("..", "..", "docs", "real-data", "twcs_frt_by_company.sql"))
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "company,conversations,frt_median_min,frt_p90_min,replies,per_reply_median_min,frt_median_s,frt_p90_s" {
		t.Fatalf("columns %s", got)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		company := r[0]
		seen[company] = true
		w, ok := want[company]
		if !ok {
			t.Errorf("%s: not a company that answered a customer in the raw data", company)
			continue
		}
		n, _ := strconv.Atoi(r[1])
		med, _ := strconv.ParseFloat(r[6], 64)
		p90, _ := strconv.ParseFloat(r[7], 64)
		wm, wp := quantile(w, 0.5), quantile(w, 0.9)
		if n != len(w) || !near(med, wm) || !near(p90, wp) {
			t.Errorf("%s: %d conversations, median %v s, p90 %v s; raw data gives %d, %v, %v", company, n, med, p90, len(w), wm, wp)
		}
	}
	for company := range want {
		if !seen[company] {
			t.Errorf("%s answered customers in the raw data but is missing from the result", company)
		}
	}
	if len(want) < 20 {
		t.Errorf("only %d companies: the raw computation is off", len(want))
	}
	t.Logf("%d threads, %d companies", threads, len(want))
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// quantile interpolates linearly between order statistics, the definition
// of DuckDB's quantile_cont (and R's type 7).
func quantile(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(s) {
		return s[lo]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

// twcsFRTByCompany reads the raw TWCS file and returns, per company, the
// first-response seconds of each thread it answered, and the number of threads.
// A thread is every tweet that reply links (in_response_to_tweet_id, or a
// parent's response_tweet_id list) lead back to the same top tweet, present
// in the file or not. Its company is the author of its earliest company tweet;
// its first response runs from the first customer tweet to the next company tweet.
func twcsFRTByCompany(t *testing.T, path string) (map[string][]float64, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	id := func(s string) string {
		if s == "" {
			return ""
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("id %q: %v", s, err)
		}
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	type tweet struct {
		id, author string
		customer   bool
		at         time.Time
	}
	parent := map[string]string{}
	var tweets []tweet
	for _, r := range recs[1:] {
		tw := tweet{id: id(r[col["tweet_id"]]), author: r[col["author_id"]], customer: r[col["inbound"]] == "True"}
		if tw.at, err = time.Parse("Mon Jan 2 15:04:05 -0700 2006", r[col["created_at"]]); err != nil {
			t.Fatal(err)
		}
		tweets = append(tweets, tw)
		if p := id(r[col["in_response_to_tweet_id"]]); p != "" {
			parent[tw.id] = p
		}
		for _, c := range strings.Split(r[col["response_tweet_id"]], ",") {
			if c = id(c); c != "" && parent[c] == "" {
				parent[c] = tw.id
			}
		}
	}
	threads := map[string][]tweet{}
	for _, tw := range tweets {
		top := tw.id
		for steps := 0; parent[top] != "" && steps <= len(tweets); steps++ {
			top = parent[top]
		}
		threads[top] = append(threads[top], tw)
	}
	frt := map[string][]float64{}
	for _, th := range threads {
		slices.SortFunc(th, func(a, b tweet) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return strings.Compare("twcs-"+a.id, "twcs-"+b.id) // the event id breaks ties
		})
		company, asked := "", -1
		for i, tw := range th {
			if !tw.customer && company == "" {
				company = tw.author
			}
			if tw.customer && asked < 0 {
				asked = i
			}
		}
		if asked < 0 {
			continue
		}
		for _, tw := range th[asked+1:] {
			if !tw.customer {
				frt[company] = append(frt[company], tw.at.Sub(th[asked].at).Seconds())
				break
			}
		}
	}
	return frt, len(threads)
}

// TestImportRejectsBadFlags: each wrong call or unreadable input says what
// is wrong, and every error starts with what the user ran, "import" (those
// of the import itself used to start "ingest: import").
func TestImportRejectsBadFlags(t *testing.T) {
	dir := t.TempDir()
	badMapping := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badMapping, []byte("conversation_id: ticket\ntype: {value: mesage}\ntimestamp: {column: at}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noTweets := filepath.Join(dir, "tweets.csv")
	if err := os.WriteFile(noTweets, []byte("id,text\n1,hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lakeDir := filepath.Join(dir, "lake")
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"unknown format", []string{"import", "--lake", lakeDir, "--format", "xml", "x.xml"}, true, `--format "xml": want jsonl, csv or twcs`},
		{"csv without mapping", []string{"import", "--lake", lakeDir, "--format", "csv", "x.csv"}, true, "--format csv needs --mapping"},
		{"mapping for jsonl", []string{"import", "--lake", lakeDir, "--mapping", badMapping, "x.jsonl"}, true, "--mapping is only for --format csv"},
		{"missing mapping file", []string{"import", "--lake", lakeDir, "--format", "csv", "--mapping", filepath.Join(dir, "nope.yaml"), "x.csv"}, true, "--mapping: importers: read mapping"},
		{"bad mapping field", []string{"import", "--lake", lakeDir, "--format", "csv", "--mapping", badMapping, "x.csv"}, true, `type.value: "mesage" is not one of`},
		{"missing input", []string{"import", "--lake", lakeDir, filepath.Join(dir, "nope.jsonl")}, true, "import: " + filepath.Join(dir, "nope.jsonl") + " does not exist"},
		{"not a TWCS file", []string{"import", "--lake", lakeDir, "--format", "twcs", noTweets}, false, `twcs: not the Twitter customer-support layout: the header lacks "tweet_id"`},
		{"a folder as input", []string{"import", "--lake", filepath.Join(dir, "lake"), dir}, false, "read " + dir + ": is a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parley(t, tc.args...)
			var ue usageError
			if err == nil || !strings.HasPrefix(err.Error(), "import") || !strings.Contains(err.Error(), tc.want) || errors.As(err, &ue) != tc.usage {
				t.Errorf("error = %v (usage error: %v), want it to start with import and say %q (usage error: %v)", err, errors.As(err, &ue), tc.want, tc.usage)
			}
		})
	}
}

// TestTWCSContactReasons: the default contact-reason rules on the real Twitter threads, which
// carry no intent label, give the counts docs/real-data.md reports
// (docs/real-data/twcs_contact_reasons.sql), and parley verify, the executable specification
// written from docs/metrics.md, gives the same reason as the build to every conversation.
func TestTWCSContactReasons(t *testing.T) {
	input := realData(t, "twcs_sample_5000.csv")
	dir, db := importAndBuild(t, "--format", "twcs", input)
	out := mustParley(t, "sql", "--db", db, "--format", "csv", "-f", filepath.Join("..", "..", "docs", "real-data", "twcs_contact_reasons.sql"))
	want := `contact_reason,conversations,pct
other,552,42.1
technical_issue,172,13.1
travel_disruption,116,8.8
praise,88,6.7
complaint,69,5.3
connectivity,69,5.3
delivery,65,5
order_issue,57,4.3
account_access,40,3
billing,40,3
refund,24,1.8
cancellation,20,1.5
`
	if out != want {
		t.Errorf("contact reasons of the Twitter threads:\n%s\nwant (docs/real-data.md):\n%s", out, want)
	}
	if out := mustParley(t, "verify", "--db", db, "--lake", filepath.Join(dir, "lake"), "--all"); !regexp.MustCompile(`all \d+ columns agree on every row`).MatchString(out) ||
		!strings.Contains(out, "conversations.contact_reason") {
		t.Errorf("verify on the Twitter threads:\n%s", out)
	}
}

// TestImportWrongFormatFails: a file given the wrong --format (a CSV read as
// the default JSON lines) used to put every line in the dead-letter store
// and exit 0. It fails (exit status 1, not a usage error), says nothing was
// imported and which --format the file looks like, and leaves no lake
// folder behind; the format it names imports it.
func TestImportWrongFormatFails(t *testing.T) {
	dir := t.TempDir()
	tweets := filepath.Join(dir, "tweets.csv")
	if err := os.WriteFile(tweets, []byte("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"+
		"1,cust1,True,Tue Oct 31 22:10:47 +0000 2017,@acme my order?,2,\n"+
		"2,acme,False,Tue Oct 31 22:12:47 +0000 2017,@cust1 on its way,,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(export, []byte("ticket,at,body\nT-1,2026-03-02 10:00,hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lakeDir := filepath.Join(dir, "lake")
	for _, tc := range []struct{ file, want string }{
		{tweets, "did you mean --format twcs?"},
		{export, "this looks like CSV: did you mean --format csv (with --mapping) or --format twcs?"},
	} {
		out, err := parley(t, "import", "--lake", lakeDir, tc.file)
		var ue usageError
		if err == nil || errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "import "+tc.file+": NOTHING IMPORTED") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("import %s: error %v, want exit status 1 saying import %s: NOTHING IMPORTED and %q", tc.file, err, tc.file, tc.want)
		}
		if !strings.HasPrefix(out, "imported nothing; 1 input(s) REFUSED") {
			t.Errorf("import %s printed %q, want the refusal counted", tc.file, out)
		}
	}
	// The lake folder the refused imports created went with them.
	if _, err := os.Stat(lakeDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused imports left the lake folder %s (%v)", lakeDir, err)
	}
	if out := mustParley(t, "import", "--lake", lakeDir, "--format", "twcs", tweets); !strings.HasPrefix(out, "imported 2 read: 2 events, 0 dead letters") {
		t.Errorf("import --format twcs: %s", out)
	}
}

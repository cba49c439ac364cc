package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParsePeers(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "", want: nil},
		{in: "bento", want: []string{"bento"}},
		{in: " Postgres , bento ", want: []string{"postgres", "bento"}},
		{in: "bento,,postgres", want: []string{"bento", "postgres"}},
		{in: "bento,mysql", wantErr: `unknown peer "mysql"`},
		{in: "postgres,postgres", wantErr: "postgres given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parsePeers(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "--peers") {
					t.Fatalf("parsePeers(%q) error = %v, want one naming --peers and %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("parsePeers(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownPeers(t *testing.T) {
	stages := map[string]measure{
		stIngest: {Wall: 10 * time.Second, CPU: 12 * time.Second, RSS: 200 << 20},
		stBuild:  {Wall: 30 * time.Second, CPU: 40 * time.Second, RSS: 1 << 30},
	}
	r := report{Sizes: []sizeResult{{Size: size{Name: "M"}, Stages: stages, CSVExport: 3 * time.Second, Peers: map[string]measure{
		peerBento:    {Wall: 40 * time.Second, CPU: 48 * time.Second, RSS: 800 << 20},
		peerPostgres: {Wall: 60 * time.Second, CPU: 20 * time.Second, RSS: 512 << 20},
		peerDuckDB:   {Wall: 10 * time.Second, CPU: 16 * time.Second, RSS: 256 << 20},
	}}}}
	var b strings.Builder
	r.writePeers(&b)
	out := b.String()
	for _, want := range []string{
		"## peers",
		"At-least-once",
		"a fraction of the build's metrics",
		"| M | bento | 40.00 s | 48.00 s | 800 MiB | ingest | 10.00 s | 12.00 s | 200 MiB | 0.25 | 0.25 | 0.25 |",
		"| M | postgres | 60.00 s | 20.00 s | 512 MiB | build | 30.00 s | 40.00 s | 1024 MiB | 0.50 | 2.00 | 2.00 |",
		"| M | duckdb core | 10.00 s | 16.00 s | 256 MiB | build | 30.00 s | 40.00 s | 1024 MiB | 3.00 | 2.50 | 4.00 |",
		"| M | (CSV export for PostgreSQL, DuckDB) | 3.00 s |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("peers section lacks %q:\n%s", want, out)
		}
	}
	var none strings.Builder
	(&report{Sizes: []sizeResult{{Size: size{Name: "S"}, Stages: stages}}}).writePeers(&none)
	if none.Len() != 0 {
		t.Errorf("a run without peers printed a peers section:\n%s", none.String())
	}
}

// coreFixture is a lake of three conversations whose core.sql figures are
// worked out by hand (coreWant):
//
//   - c1 on 1 March: the customer writes at 10:00; an automated agent
//     message (10:00:10) and a private note (10:00:20) are no reply; the
//     agent answers at 10:01, first response 60 s. Its event e4 came twice:
//     the copy ingested later says 10:00:30 and must be dropped (it would
//     make the first response 30 s). Resolved; CSAT 3, then 5: the last is 5.
//   - c2 on 1 March: customer 12:00, escalated 12:01, agent 12:03: 180 s.
//   - c3 on 2 March: the agent writes first (08:00), the customer at 08:10,
//     no reply after it: no first response. CSAT 4.
//
// Days: 2; conversations: 3; events kept: 7 + 3 + 3 = 13; the medians of
// the first responses per day: 120 s and none, sum 120,000 ms; the mean
// CSAT per day: 5 (c2 has none) and 4, sum 9,000 thousandths.
const coreFixture = `COPY (
SELECT event_id, conversation_id, type, CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at, actor_role,
       message_private, message_automated, CAST(csat_score AS INTEGER) AS csat_score,
       'conversation-events' AS source, CAST(p AS INTEGER) AS "partition", CAST(o AS BIGINT) AS "offset",
       CAST(ingested_at AS TIMESTAMPTZ) AS ingested_at
FROM (VALUES
  ('e1', 'c1', 'message',  '2026-03-01 10:00:00+00', 'customer', false, false, NULL, 0, 1, '2026-03-01 11:00:00+00'),
  ('e2', 'c1', 'message',  '2026-03-01 10:00:10+00', 'agent',    false, true,  NULL, 0, 2, '2026-03-01 11:00:00+00'),
  ('e3', 'c1', 'message',  '2026-03-01 10:00:20+00', 'agent',    true,  false, NULL, 0, 3, '2026-03-01 11:00:00+00'),
  ('e4', 'c1', 'message',  '2026-03-01 10:01:00+00', 'agent',    false, false, NULL, 0, 4, '2026-03-01 11:00:00+00'),
  ('e4', 'c1', 'message',  '2026-03-01 10:00:30+00', 'agent',    false, false, NULL, 0, 9, '2026-03-01 12:00:00+00'),
  ('e5', 'c1', 'resolved', '2026-03-01 10:05:00+00', 'agent',    NULL,  NULL,  NULL, 0, 5, '2026-03-01 11:00:00+00'),
  ('e6', 'c1', 'csat',     '2026-03-01 10:06:00+00', 'customer', NULL,  NULL,  3,    0, 6, '2026-03-01 11:00:00+00'),
  ('e7', 'c1', 'csat',     '2026-03-01 10:07:00+00', 'customer', NULL,  NULL,  5,    0, 7, '2026-03-01 11:00:00+00'),
  ('f1', 'c2', 'message',  '2026-03-01 12:00:00+00', 'customer', false, false, NULL, 1, 1, '2026-03-01 13:00:00+00'),
  ('f2', 'c2', 'escalated','2026-03-01 12:01:00+00', 'agent',    NULL,  NULL,  NULL, 1, 2, '2026-03-01 13:00:00+00'),
  ('f3', 'c2', 'message',  '2026-03-01 12:03:00+00', 'agent',    false, false, NULL, 1, 3, '2026-03-01 13:00:00+00'),
  ('g1', 'c3', 'message',  '2026-03-02 08:00:00+00', 'agent',    false, false, NULL, 2, 1, '2026-03-02 09:00:00+00'),
  ('g2', 'c3', 'message',  '2026-03-02 08:10:00+00', 'customer', false, false, NULL, 2, 2, '2026-03-02 09:00:00+00'),
  ('g3', 'c3', 'csat',     '2026-03-02 08:20:00+00', 'customer', NULL,  NULL,  4,    2, 3, '2026-03-02 09:00:00+00')
) AS v(event_id, conversation_id, type, occurred_at, actor_role, message_private, message_automated, csat_score, p, o, ingested_at)
) TO '__FILE__' (FORMAT parquet)`

var coreWant = coreCounts{days: 2, conversations: 3, kept: 13, frtMs: 120_000, csatMilli: 9_000}

// writeCoreFixture writes coreFixture as a one-file lake in a folder that
// the postgres user can enter too, and returns the folder and the glob.
func writeCoreFixture(t *testing.T) (string, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "parley-bench-core-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "events.parquet")
	db, err := inMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(strings.Replace(coreFixture, "__FILE__", file, 1)); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "*.parquet")
}

func TestCoreSubsetOnDuckDB(t *testing.T) {
	dir, glob := writeCoreFixture(t)
	m, got, err := coreDuckDB(context.Background(), dir, glob)
	if err != nil {
		t.Fatal(err)
	}
	if got != coreWant {
		t.Errorf("core.sql on DuckDB computed %s, want %s", got, coreWant)
	}
	if m.Wall <= 0 || m.CPU <= 0 || m.RSS <= 0 {
		t.Errorf("measure %+v, want wall, CPU and peak RSS of the helper", m)
	}
}

// TestCoreSubsetOnPostgreSQL runs the postgres peer end to end on a real
// PostgreSQL server (Debian's package; .ci/run installs it): export, load,
// core.sql, and the same figures as DuckDB's.
func TestCoreSubsetOnPostgreSQL(t *testing.T) {
	if _, err := postgresBin(); err != nil {
		t.Skip(err)
	}
	dir, glob := writeCoreFixture(t)
	m, export, got, err := postgresCore(context.Background(), dir, glob)
	if err != nil {
		t.Fatal(err)
	}
	if got != coreWant {
		t.Errorf("core.sql on PostgreSQL computed %s, want %s", got, coreWant)
	}
	// What the peer costs on 14 events: its fixed part at every size.
	t.Logf("PostgreSQL on the fixture: wall %v, CPU %v, peak RSS %d MiB", m.Wall, m.CPU, m.RSS>>20)
	if m.Wall <= 0 || m.CPU <= 0 || m.RSS <= 0 || export <= 0 {
		t.Errorf("measure %+v, export %v: want the session's wall, the server's and psql's CPU and peak RSS, and the export's time", m, export)
	}
}

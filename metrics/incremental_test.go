package metrics_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/buildtest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
)

// writeBatch writes evs as one delivery: one lake file per UTC date, named
// after source, every row ingested at the given instant.
func writeBatch(t testing.TB, root, source string, ingested time.Time, evs []event.Event) {
	t.Helper()
	if _, err := buildtest.WriteBatch(root, source, ingested, evs); err != nil {
		t.Fatal(err)
	}
}

// writeGap writes a gap record into the lake, as ingest does when Kafka
// deleted offsets it had not read.
func writeGap(t testing.TB, root string, g lake.OffsetGap) {
	t.Helper()
	dir := lake.GapDir(root, g.Topic)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, lake.GapFileName(g)), append(raw, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// splitDelivery splits evs the way a lake grows: first everything before
// cut, then the rest plus late arrivals for old dates (about one in
// lateEvery of the earlier events since lateSince, held back) and
// re-deliveries of such earlier events (copies with the same event_id).
func splitDelivery(evs []event.Event, cut, lateSince time.Time, lateEvery, dupEvery int) (first, second []event.Event) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, ev := range evs {
		switch {
		case !ev.OccurredAt.Before(cut):
			second = append(second, ev)
		case ev.OccurredAt.Before(lateSince):
			first = append(first, ev)
		case rng.IntN(lateEvery) == 0:
			second = append(second, ev)
		default:
			first = append(first, ev)
			if rng.IntN(dupEvery) == 0 {
				second = append(second, ev)
			}
		}
	}
	return first, second
}

// conflictingCopies returns copies of a few of evs with other content:
// another text, another conversation (that of an event further on), another
// time. As a later delivery they are dropped and listed in duplicate_conflicts.
func conflictingCopies(evs []event.Event) []event.Event {
	var out []event.Event
	for i := 100; i+200 < len(evs) && len(out) < 6; i += 997 {
		ev := evs[i]
		switch len(out) % 3 {
		case 0:
			ev.Queue += "-edited"
		case 1:
			ev.ConversationID = evs[i+200].ConversationID
		case 2:
			ev.OccurredAt = ev.OccurredAt.Add(time.Second)
		}
		out = append(out, ev)
	}
	return out
}

// fullBuild builds dbPath from scratch.
func fullBuild(t testing.TB, root, dbPath string, settings *config.Config) parleybuild.Stats {
	t.Helper()
	return chunkedBuild(t, root, dbPath, settings, 0)
}

// chunkedBuild builds dbPath from scratch with the metric statements run in
// chunks passes (0: as build.memory_limit says).
func chunkedBuild(t testing.TB, root, dbPath string, settings *config.Config, chunks int) parleybuild.Stats {
	t.Helper()
	stats, err := parleybuild.Run(context.Background(), parleybuild.Config{Lake: root, DB: dbPath, Settings: settings, Full: true, Chunks: chunks})
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

// incrementalBuild updates dbPath with the lake files added since it was
// built, as parley build does; a fall back to a full rebuild fails the test.
func incrementalBuild(t testing.TB, root, dbPath string, settings *config.Config) parleybuild.Stats {
	t.Helper()
	stats, err := parleybuild.Run(context.Background(), parleybuild.Config{Lake: root, DB: dbPath, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	if !stats.Incremental || stats.FullRebuild != "" {
		t.Fatalf("the build did not update the warehouse: incremental %v, full rebuild because %q", stats.Incremental, stats.FullRebuild)
	}
	return stats
}

// assertSameWarehouse compares every public object of two warehouses as
// multisets of rows (EXCEPT ALL both ways), all but warehouse_info.built_at.
func assertSameWarehouse(t testing.TB, pathA, pathB string) {
	t.Helper()
	db, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		fmt.Sprintf("ATTACH '%s' AS a (READ_ONLY)", pathA),
		fmt.Sprintf("ATTACH '%s' AS b (READ_ONLY)", pathB),
	} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range metrics.PublicObjects {
		cols := comparedColumns(t, conn, name)
		var rows, onlyA, onlyB int64
		err := conn.QueryRowContext(context.Background(), fmt.Sprintf(`SELECT
			(SELECT count(*) FROM a.%[1]s),
			(SELECT count(*) FROM (SELECT %[2]s FROM a.%[1]s EXCEPT ALL SELECT %[2]s FROM b.%[1]s)),
			(SELECT count(*) FROM (SELECT %[2]s FROM b.%[1]s EXCEPT ALL SELECT %[2]s FROM a.%[1]s))`, name, cols)).Scan(&rows, &onlyA, &onlyB)
		if err != nil {
			t.Fatalf("compare %s: %v", name, err)
		}
		if onlyA != 0 || onlyB != 0 {
			t.Errorf("%s: %d rows only in the first warehouse, %d only in the second (of %d)", name, onlyA, onlyB, rows)
		}
		if rows == 0 {
			t.Errorf("%s is empty: the comparison proves nothing", name)
		}
	}
}

// comparedColumns is the select list that compares object name: every
// column but warehouse_info.built_at, bit for bit, the rollup views' sums
// included (they add durations and scores exactly, whatever order the rows
// of the two warehouses are stored in).
func comparedColumns(t testing.TB, conn *sql.Conn, name string) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(),
		"SELECT column_name FROM information_schema.columns WHERE table_catalog = 'a' AND table_name = ? ORDER BY ordinal_position", name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var col string
		if err := rows.Scan(&col); err != nil {
			t.Fatal(err)
		}
		if name != "warehouse_info" || col != "built_at" {
			cols = append(cols, fmt.Sprintf("%q", col))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cols) == 0 {
		t.Fatalf("%s has no columns", name)
	}
	return strings.Join(cols, ", ")
}

// TestIncrementalEqualsFull builds a lake in two deliveries — the second
// with the next days, late events for old dates and re-delivered copies —
// once incrementally on top of the first build and once in full, and
// requires every public table and view to be the same.
func TestIncrementalEqualsFull(t *testing.T) {
	evs := syntheticEvents(20_000)
	cut := time.Date(2026, 4, 25, 0, 0, 0, 0, time.UTC)
	// Unanswered conversations that go quiet just before the cut: only the
	// second delivery's later last event makes them complete and abandoned,
	// and breaches WhatsApp's reply window.
	for i, ch := range []event.Channel{event.Webchat, event.WhatsApp} {
		id, at := fmt.Sprintf("quiet-%d", i), cut.Add(-3*time.Hour)
		who := &event.Actor{Role: event.RoleCustomer, ID: "quiet-customer"}
		evs = append(evs,
			event.Event{EventID: id + "-1", ConversationID: id, Type: event.ConversationStarted, OccurredAt: at, Channel: ch, Queue: "support", Actor: who},
			event.Event{EventID: id + "-2", ConversationID: id, Type: event.MessageSent, OccurredAt: at.Add(time.Minute), Channel: ch, Queue: "support", Actor: who,
				Message: &event.Message{Text: "hello?"}})
		// Resolved, then written to again: still waiting on a reply, which
		// the later last event makes a breach of WhatsApp's window.
		id = fmt.Sprintf("after-resolution-%d", i)
		evs = append(evs,
			event.Event{EventID: id + "-1", ConversationID: id, Type: event.ConversationStarted, OccurredAt: at, Channel: ch, Queue: "support", Actor: who},
			event.Event{EventID: id + "-2", ConversationID: id, Type: event.Resolved, OccurredAt: at.Add(time.Minute), Channel: ch, Queue: "support",
				Actor: &event.Actor{Role: event.RoleAgent, ID: "quiet-agent"}},
			event.Event{EventID: id + "-3", ConversationID: id, Type: event.MessageSent, OccurredAt: at.Add(2 * time.Minute), Channel: ch, Queue: "support", Actor: who,
				Message: &event.Message{Text: "one more thing"}})
	}
	// A conversation that started three days before the cut and whose reply,
	// written before the cut, arrives only with the second delivery: its
	// early events lie before every other new row.
	slow, slowAt := &event.Actor{Role: event.RoleCustomer, ID: "slow-customer"}, cut.Add(-72*time.Hour)
	evs = append(evs,
		event.Event{EventID: "slow-1", ConversationID: "slow", Type: event.ConversationStarted, OccurredAt: slowAt, Channel: event.Webchat, Queue: "support", Actor: slow},
		event.Event{EventID: "slow-2", ConversationID: "slow", Type: event.MessageSent, OccurredAt: slowAt.Add(time.Minute), Channel: event.Webchat, Queue: "support", Actor: slow,
			Message: &event.Message{Text: "anyone there?"}})
	lateReply := event.Event{EventID: "slow-3", ConversationID: "slow", Type: event.MessageSent, OccurredAt: cut.Add(-2 * time.Hour), Channel: event.Webchat, Queue: "support",
		Actor: &event.Actor{Role: event.RoleAgent, ID: "slow-agent"}, Message: &event.Message{Text: "sorry for the wait"}}
	cases := []struct {
		name     string
		settings func() *config.Config
		// lateSince is the earliest date late events and copies come from.
		lateSince time.Time
	}{
		// Late events and copies from any earlier date: the hardest case.
		{"defaults", config.Default, time.Time{}},
		{"business hours and a short repeat window", func() *config.Config {
			s := loadConfig(t, "america.yaml")
			s.Windows.RepeatContact = config.Duration(36 * time.Hour)
			return s
		}, time.Time{}},
		// Late events from the last day only, as when the next day lands:
		// the affected conversations' lookups are bounded in time
		// (build_affected.since), and conversations that started days
		// before their late events must still be read whole.
		{"late events from the last day", config.Default, cut.Add(-24 * time.Hour)},
		// Contact reasons from the rules (the generated intents read from an attribute no
		// event has), so updated conversations' first messages are read again, and prices.
		{"contact-reason rules and prices", func() *config.Config {
			s := config.Default()
			s.Dimensions[config.DimContactReason] = config.Dimension{Attribute: "no_such_label"}
			hour, bot := 36.0, 0.4
			s.Cost = config.Cost{AgentHour: &hour, BotConversation: &bot, Channels: map[string]float64{"whatsapp": 0.0785}}
			return s
		}, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			settings := tc.settings()
			first, second := splitDelivery(evs, cut, tc.lateSince, 200, 100)
			// Copies with other content: of events built before (one of them
			// moved to another conversation, whose kept copy must leave the
			// conversation it is in no more than a full build does), and of
			// events new in this delivery.
			second = append(second, conflictingCopies(first)...)
			second = append(second, conflictingCopies(second)...)
			second = append(second, lateReply)
			dir := t.TempDir()
			root := filepath.Join(dir, "lake")
			writeBatch(t, root, "first", time.Date(2026, 4, 26, 0, 0, 0, 0, time.UTC), first)
			writeGap(t, root, lake.OffsetGap{Topic: "events", Partition: 2, From: 100, To: 149, DetectedAt: cut})
			// Reviews of conversations of both deliveries: those of the
			// second are not found until it arrives.
			reviews := syntheticReviews(evs, cut)
			// A review naming no agent: the conversation's most active
			// agent stands in, whom only the second delivery's reply makes.
			reviews = append(reviews, review("rv-late", lateReply.ConversationID, "", "alice", cut, rate("solution", 4, 1, 5, 1, false)))
			writeReviews(t, root, "import-1", cut, reviews)
			incr := filepath.Join(dir, "incremental.duckdb")
			fullBuild(t, root, incr, settings)
			writeBatch(t, root, "second", time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC), second)
			writeGap(t, root, lake.OffsetGap{Topic: "events", Partition: 0, From: 7, To: 7, DetectedAt: cut.Add(time.Hour), Epoch: 1})
			writeReviews(t, root, "dispute-1", cut.Add(24*time.Hour), dispute(reviews[3].ReviewID, reviews[3].ConversationID, cut.Add(24*time.Hour), lake.DecisionReject, nil))
			stats := incrementalBuild(t, root, incr, settings)
			full := filepath.Join(dir, "full.duckdb")
			want := fullBuild(t, root, full, settings)
			if stats.Events != want.Events || stats.Duplicates != want.Duplicates || stats.Duplicates == 0 ||
				stats.Conflicts != want.Conflicts || stats.Conflicts == 0 {
				t.Errorf("incremental: %d events, %d duplicates, %d conflicts; full: %d, %d, %d",
					stats.Events, stats.Duplicates, stats.Conflicts, want.Events, want.Duplicates, want.Conflicts)
			}
			if stats.Affected == 0 || stats.Affected >= want.Conversations {
				t.Errorf("incremental run recomputed %d of %d conversations", stats.Affected, want.Conversations)
			}
			assertSameWarehouse(t, incr, full)
		})
	}
}

// TestChunkedEqualsOnePass: a full build whose per-conversation statements
// run in several passes (as under build.memory_limit) writes the same tables
// as one pass, repeat contacts across chunks included.
func TestChunkedEqualsOnePass(t *testing.T) {
	settings := loadConfig(t, "america.yaml")
	settings.Windows.RepeatContact = config.Duration(36 * time.Hour)
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	evs := syntheticEvents(20_000)
	writeLake(t, root, evs)
	writeBatch(t, root, "again", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), conflictingCopies(evs))
	writeGap(t, root, lake.OffsetGap{Topic: "events", Partition: 1, From: 10, To: 19, DetectedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	writeReviews(t, root, "import-1", at, syntheticReviews(evs, at))
	one := filepath.Join(dir, "one.duckdb")
	chunkedBuild(t, root, one, settings, 1)
	chunked := filepath.Join(dir, "chunked.duckdb")
	chunkedBuild(t, root, chunked, settings, 3)
	assertSameWarehouse(t, chunked, one)

	db, err := warehouse.Open(chunked, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var repeats int
	if err := db.QueryRow("SELECT count(*) FROM conversations WHERE repeat_contact").Scan(&repeats); err != nil {
		t.Fatal(err)
	}
	if repeats == 0 {
		t.Error("no repeat contacts: the fixture does not test the chunks' shared conversation starts")
	}
}

// TestIncrementalNeedsFullRebuild: the build does not update a warehouse
// built with other settings, or from a lake file since removed or
// rewritten, but rebuilds it in full (Stats.FullRebuild says why), and has
// nothing to do when no file is new.
func TestIncrementalNeedsFullRebuild(t *testing.T) {
	evs := syntheticEvents(2_000)
	cases := []struct {
		name     string
		change   func(t *testing.T, root string, s *config.Config)
		wantFull bool
	}{
		{"nothing new", func(*testing.T, string, *config.Config) {}, false},
		{"other settings", func(_ *testing.T, _ string, s *config.Config) {
			s.Windows.IdleComplete = config.Duration(2 * time.Hour)
		}, true},
		{"other build resources only", func(_ *testing.T, _ string, s *config.Config) {
			s.Build.Threads = 1
		}, false},
		{"file removed", func(t *testing.T, root string, _ *config.Config) {
			files, _ := filepath.Glob(lake.EventsGlob(root))
			if err := os.Remove(files[0]); err != nil {
				t.Fatal(err)
			}
		}, true},
		// A copy ingested before the one built (a batch published late):
		// the copies dropped before were compared with another kept copy.
		{"copy ingested before the kept one", func(t *testing.T, root string, _ *config.Config) {
			writeBatch(t, root, "early", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), evs[:1])
		}, true},
		{"file rewritten", func(t *testing.T, root string, _ *config.Config) {
			files, _ := filepath.Glob(lake.EventsGlob(root))
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(files[0], later, later); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			root := filepath.Join(dir, "lake")
			writeBatch(t, root, "first", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), evs)
			dbPath := filepath.Join(dir, "w.duckdb")
			settings := config.Default()
			fullBuild(t, root, dbPath, settings)
			tc.change(t, root, settings)
			stats, err := parleybuild.Run(context.Background(), parleybuild.Config{Lake: root, DB: dbPath, Settings: settings})
			if err != nil {
				t.Fatal(err)
			}
			if got := stats.FullRebuild != ""; got != tc.wantFull {
				t.Fatalf("rebuilt in full: %v (%q), want %v", got, stats.FullRebuild, tc.wantFull)
			}
			if !tc.wantFull && (stats.NewFiles != 0 || stats.Affected != 0 || stats.Events == 0) {
				t.Errorf("stats %+v: want no new files, no conversations recomputed, the old events kept", stats)
			}
		})
	}
}

// TestIncrementalPicksUpNewGapRecords: a gap record that arrives with no new
// events file must still reach warehouse_info and ingest_gaps through an
// incremental build, which then equals a full one; with nothing new after
// that, the build is up to date again.
func TestIncrementalPicksUpNewGapRecords(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	evs := syntheticEvents(2_000)
	writeBatch(t, root, "first", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), evs)
	writeBatch(t, root, "again", time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC), conflictingCopies(evs))
	at := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	writeReviews(t, root, "import-1", at, syntheticReviews(evs, at))
	settings := config.Default()
	incr := filepath.Join(dir, "incremental.duckdb")
	fullBuild(t, root, incr, settings)
	assertGaps := func(label, dbPath string, wantGaps, wantMessages int64) {
		t.Helper()
		db, err := warehouse.Open(dbPath, true)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var gaps, messages, rows int64
		if err := db.QueryRow("SELECT offset_gaps, offset_gap_messages, (SELECT count(*) FROM ingest_gaps) FROM warehouse_info").Scan(&gaps, &messages, &rows); err != nil {
			t.Fatal(err)
		}
		if gaps != wantGaps || messages != wantMessages || rows != wantGaps {
			t.Errorf("%s: warehouse_info says %d gaps of %d messages, ingest_gaps has %d rows; want %d gaps of %d", label, gaps, messages, rows, wantGaps, wantMessages)
		}
	}
	assertGaps("before", incr, 0, 0)

	detected := time.Date(2026, 6, 2, 3, 4, 5, 0, time.FixedZone("", 7200))
	writeGap(t, root, lake.OffsetGap{Topic: "events", Partition: 3, From: 1000, To: 1249, DetectedAt: detected})
	stats := incrementalBuild(t, root, incr, settings)
	if stats.NewFiles != 0 || !stats.GapsChanged || stats.OffsetGaps != 1 || stats.Affected != 0 {
		t.Errorf("stats %+v: want no new files, the gap records changed, none recomputed", stats)
	}
	assertGaps("after a new gap record", incr, 1, 250)
	full := filepath.Join(dir, "full.duckdb")
	fullBuild(t, root, full, settings)
	assertSameWarehouse(t, incr, full)

	db, err := warehouse.Open(incr, true)
	if err != nil {
		t.Fatal(err)
	}
	var got time.Time
	err = db.QueryRow("SELECT detected_at FROM ingest_gaps").Scan(&got)
	db.Close()
	if err != nil || !got.Equal(detected.UTC()) || got.Location() != time.UTC {
		t.Errorf("ingest_gaps.detected_at = %v (%v), want %v in UTC", got, err, detected.UTC())
	}

	stats, err = parleybuild.Run(context.Background(), parleybuild.Config{Lake: root, DB: incr, Settings: settings})
	if err != nil || stats.NewFiles != 0 || stats.GapsChanged || !stats.UpToDate() {
		t.Errorf("a build with nothing new: %+v, %v; want up to date", stats, err)
	}
}
